"""Residual networks: R1a (blocked layers Binomial(k, 2^-n) for M = 1), R1b (blocked
fraction 2^-n), R1c, and R2's lower bound."""

import numpy as np
import pytest
from stats_helpers import binomial_tolerance

from reludeath import lower_bound
from reludeath.variants.residual import (
    RESIDUAL_COLUMNS,
    check_alpha,
    r1_table,
    r2_lower_bound,
    r2_table,
    run_r2,
    simulate_r1,
    simulate_r2,
)


def test_r1a_single_point_blocked_layers_binomial():
    """R1a: M = 1: blocked layers ~ Binomial(k, 2^-n); each layer blocked w.p. 2^-n
    independently, so every layer's rate and the count's distribution match."""
    T, n, k = 4000, 3, 16
    blocked = simulate_r1(n, 1, k, T, seed=41)
    p = 2.0**-n
    rates = blocked.mean(axis=0)
    assert np.all(np.abs(rates - p) <= binomial_tolerance(p, T))
    counts = blocked.sum(axis=1)
    observed = np.bincount(counts, minlength=k + 1)[:4] / T
    from scipy.stats import binom

    expected = binom.pmf(np.arange(4), k, p)
    assert np.all(np.abs(observed - expected) <= 5 * np.sqrt(expected * (1 - expected) / T))


def test_r1b_blocked_fraction_any_m():
    """R1b: expected blocked fraction of (point, layer) pairs is 2^-n for any M."""
    T, n, M, k = 1500, 3, 16, 12
    table = r1_table(n, M, simulate_r1(n, M, k, T, seed=42))
    # conservative: per-layer fractions in [0, 1], one unit per (network, layer)
    p = 2.0**-n
    assert abs(table.blocked_fraction.iloc[-1] - p) <= binomial_tolerance(p, T * k)


def test_r1c_no_layer_blocked_at_least_l():
    T, n, k = 3000, 3, 10
    one = r1_table(n, 1, simulate_r1(n, 1, k, T, seed=43))
    many = r1_table(n, 32, simulate_r1(n, 32, k, T, seed=44))
    expected = lower_bound(n, np.arange(1, k + 1))
    tol = 5 * np.sqrt(expected * (1 - expected) / T)
    assert np.all(np.abs(one.p_no_layer_blocked - expected) <= tol)  # equality at M = 1
    assert np.all(many.p_no_layer_blocked >= expected - tol)


@pytest.mark.parametrize("alpha, M", [(1.0, 1), (1.0, 16), (0.25, 4)])
def test_r2_lower_bound(alpha, M):
    T, n, k = 2000, 2, 16
    alive = simulate_r2(n, alpha, M, k, T, seed=45)
    p = (alive > 0).mean(axis=0)
    bound = r2_lower_bound(n, np.arange(1, k + 1))
    assert np.all(p >= bound - 5 * np.sqrt(bound * (1 - bound) / T))


def test_r2_dead_stays_dead_and_first_layer():
    """A zero first layer kills every point, and nothing revives it."""
    n, M = 3, 5
    x = np.random.default_rng(0).standard_normal((n, M))
    a = np.random.default_rng(1).standard_normal((4, n, n))
    alive = np.empty(4, np.int32)
    run_r2(x, -np.abs(a[0]) * 0, a, a, 1.0, alive)
    assert alive.tolist() == [0, 0, 0, 0]


def test_r2_table_and_r1_table_columns():
    r2 = simulate_r2(2, 1.0, 2, 4, 10, seed=1)
    fc = np.arange(5, 0, -1) + 5
    assert list(r2_table(2, 1.0, 2, r2, fc).columns) == list(RESIDUAL_COLUMNS)
    assert list(r1_table(2, 2, simulate_r1(2, 2, 4, 10, seed=1)).columns) == list(RESIDUAL_COLUMNS)


@pytest.mark.parametrize("alpha", [0, -1.0, float("inf"), "1"])
def test_bad_alpha_refused(alpha):
    with pytest.raises(ValueError, match="alpha"):
        check_alpha(alpha)
