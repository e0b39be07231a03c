"""The S(n) estimator of reludeath.deep.estimate: against a hand computation on a small fixed
table, its score intervals, the pooling of the relative variance over neighbouring widths, the
monotonicity check, and the delta method against the jackknife."""

import math

import numpy as np
import pandas as pd
import pytest

from reludeath.deep.estimate import (
    Influence,
    monotone_violations,
    pooled_relative_variance,
    s_table,
    score_interval,
)
from reludeath.stats import Z95

AT_RISK = np.array([[1, 1], [1, 1], [1, 0]], bool)
SPLIT = np.array([[1, 1], [1, 0], [0, 0]], bool)


def test_estimator_against_a_hand_computation():
    """R = (3, 2), C = (2, 1): sigma = (2/3, 1/2), S = 7/6; influence values 13/36, -5/36,
    -8/36; Var = 3/2 * 258/1296; v = 3 Var / S^2 = 1161/1764; ln c = ln(11/9) + ln(7/6)."""
    i = Influence(AT_RISK, SPLIT, 2)
    s = i.S
    assert s == pytest.approx(7 / 6, rel=1e-14)
    assert i.z == pytest.approx(np.array([13, -5, -8]) / 36, rel=1e-14)
    assert i.se == pytest.approx(math.sqrt(1.5 * 258 / 1296), rel=1e-14)
    assert i.v == pytest.approx(1161 / 1764, rel=1e-14)
    assert i.log_c == pytest.approx(math.log(11 / 9) + math.log(7 / 6), rel=1e-14)
    # d ln c / d sigma_j = 1 / (3 + sigma_j): (1/3)/(3 + 2/3) / 3 + (1/2)/(3 + 1/2) / 2 for t = 0
    assert i.z_log_c[0] == pytest.approx((1 / 9) / (11 / 3) + (1 / 4) / (7 / 2), rel=1e-14)


def test_score_interval():
    """[S/(1 + a), S/(1 - a)], a = z sqrt(v / T): contains S, narrows like 1/sqrt(T), upper end
    infinite once a >= 1, degenerate for v = 0; at its ends (S - x)^2 = z^2 v x^2 / T."""
    low, high = score_interval(50.0, 0.25, 32)
    a = Z95 * math.sqrt(0.25 / 32)
    assert (low, high) == pytest.approx((50 / (1 + a), 50 / (1 - a)))
    for x in (low, high):
        assert (50 - x) ** 2 == pytest.approx(Z95**2 * 0.25 * x**2 / 32)
    low4, high4 = score_interval(50.0, 0.25, 128)
    assert low < low4 < 50 < high4 < high
    assert high4 - low4 == pytest.approx((high - low) / 2, rel=0.05)
    assert score_interval(5.0, 4.0, 10)[1] == math.inf
    assert score_interval(1.0, 0.0, 10) == (1.0, 1.0)
    assert score_interval(1.0, math.nan, 10) == (1.0, 1.0)


def test_pooling_weights_by_networks_within_the_window():
    v = {1: 0.0, 2: 0.2, 3: 0.4, 4: 0.1, 10: 0.3, 11: math.nan}
    T = {1: 100, 2: 100, 3: 100, 4: 300, 10: 32, 11: 32}
    pooled = pooled_relative_variance(v, T, half_width=2)
    assert pooled[3] == pytest.approx((20 + 40 + 30) / 500)  # n = 1 (v = 0, exact) left out
    assert pooled[1] == 0.0 and pooled[2] == pytest.approx((20 + 40 + 30) / 500)
    assert pooled[10] == pytest.approx(0.3) and pooled[11] == pytest.approx(0.3)
    assert pooled_relative_variance(v, T, half_width=0)[2] == 0.2


def test_s_table_intervals_sources_and_tail():
    """Each row's interval is the score interval on the pooled v; S_high adds the tail bound,
    c_high multiplies by exp(tail / (2^n - 1)); the source is kept per width."""
    rng = np.random.default_rng(3)
    widths = {}
    for n, T, source in ((6, 200, "grid"), (7, 200, "grid"), (8, 40, "deep")):
        at_risk = np.ones((T, 30), bool)
        split = rng.random((T, 30)) < np.linspace(0.9, 0.0, 30)
        widths[n] = (Influence(at_risk, split, n), 64, 30, source, 0.5 if n == 8 else 0.0)
    table = s_table(widths, half_width=1)
    v = pooled_relative_variance({n: w[0].v for n, w in widths.items()}, {6: 200, 7: 200, 8: 40}, 1)
    for r in table.itertuples():
        i = widths[r.n][0]
        low, high = score_interval(i.S, v[r.n], i.networks)
        s = r.S
        assert s == pytest.approx(i.S) and r.S_low == pytest.approx(low)
        assert r.S_high == pytest.approx(high + r.tail_bound)
        assert r.S_se == pytest.approx(i.S * math.sqrt(v[r.n] / i.networks))
        assert r.c_low <= r.c <= r.c_high
    assert list(table["source"]) == ["grid", "grid", "deep"]
    no_tail = s_table({8: (*widths[8][:4], 0.0)}, half_width=0).iloc[0]
    tailed = s_table({8: widths[8]}, half_width=0).iloc[0]
    assert tailed.S_high == pytest.approx(no_tail.S_high + 0.5)
    assert tailed.c_high == pytest.approx(no_tail.c_high * math.exp(0.5 / 255))


def test_monotone_violations():
    table = pd.DataFrame(
        {"n": [3, 1, 2, 4], "S_low": [5.0, 1.0, 2.0, 3.5], "S_high": [6.0, 1.5, 3.0, 4.9]}
    )
    assert monotone_violations(table) == [(3, 4)]
    table.loc[3, "S_high"] = 5.0
    assert monotone_violations(table) == []


def test_delta_method_matches_the_jackknife():
    """For the ratio estimator sum_j C_j / R_j the influence-value variance and the jackknife
    variance agree to O(1/T) (here within 3% at T = 400, networks that die)."""
    rng = np.random.default_rng(8)
    T, K = 400, 20
    death = rng.geometric(0.08, size=T)
    at_risk = np.arange(K)[None, :] < death[:, None]
    split = at_risk & (rng.random((T, K)) < 0.6 * np.exp(-np.arange(K) / 6))
    i = Influence(at_risk, split, 3)
    leave = np.array([Influence(np.delete(at_risk, t, 0), np.delete(split, t, 0), 3).S
                      for t in range(T)])  # fmt: skip
    jack = (T - 1) / T * ((leave - leave.mean()) ** 2).sum()
    assert i.se**2 == pytest.approx(jack, rel=0.03)
