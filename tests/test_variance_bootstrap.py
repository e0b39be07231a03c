"""The variance-decay rate's bootstrap over networks (reludeath.grid.variance): exact on
identical networks; on networks with their own decay rates (cells of a width share them)
its interval matches the rate's sampling spread, which least squares over cells understates;
and the report uses it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reludeath.grid.fit import _decay_in_k, assumption_report
from reludeath.grid.variance import decay_bootstrap, network_v

T, K, WIDTHS = 200, 20, (3, 5)


def networks(seed: int, spread: float = 0.05) -> tuple[dict, pd.DataFrame]:
    """v_tk = exp(-lambda_t k) e_tk, lambda_t ~ N(0.1, spread^2), log e ~ N(0, 0.1^2); the
    per-width arrays and the V table (V the mean over networks)."""
    rng = np.random.default_rng(seed)
    per_width, rows = {}, []
    for n in WIDTHS:
        rate = 0.1 + spread * rng.standard_normal((T, 1))
        v = np.exp(-rate * np.arange(1, K + 1)) * np.exp(0.1 * rng.standard_normal((T, K)))
        per_width[n] = (v, np.ones((T, K), bool))
        rows += [{"n": n, "k": k + 1, "V": value} for k, value in enumerate(v.mean(axis=0))]
    return per_width, pd.DataFrame(rows)


def test_network_v_counts_alive_networks_with_a_nonzero_mean():
    v, counted = network_v(np.array([[2, 0, 1]]), np.array([[4.0, 1.0, 3.0]]),
                           np.array([[2.0, 1.0, 0.0]]))  # fmt: skip
    assert v.tolist() == [[2.0, 0.0, 0.0]] and counted.tolist() == [[True, False, False]]


def test_identical_networks_give_the_rate_exactly():
    k = np.arange(1, K + 1)
    v = np.tile(np.exp(-0.2 * k), (50, 1))
    rows = [{"n": n, "k": kk, "V": np.exp(-0.2 * kk)} for n in WIDTHS for kk in k]
    out = decay_bootstrap({n: (v, np.ones_like(v, bool)) for n in WIDTHS}, pd.DataFrame(rows), 0,
                          replicates=20)  # fmt: skip
    np.testing.assert_allclose(out["exponential"], [0.2, 0.2], rtol=1e-9)


def test_interval_matches_the_sampling_spread_and_least_squares_understates_it():
    rates = [_decay_in_k(networks(seed)[1])["exponential"]["rate"] for seed in range(200)]
    spread = float(np.std(rates, ddof=1))
    per_width, variance = networks(1000)
    boot = decay_bootstrap(per_width, variance, seed=1, replicates=400)["exponential"]
    ols = _decay_in_k(variance)["exponential"]["rate_ci95"]
    assert 0.7 < (boot[1] - boot[0]) / 3.92 / spread < 1.4
    assert (ols[1] - ols[0]) / 3.92 / spread < 0.7  # least squares: about half of it


def test_the_report_quotes_the_bootstrap_interval():
    per_width, variance = networks(3)
    variance = variance.assign(V_se=0.0, V_bound=0.0, bound_violations=0, v_count=T,
                               alive_networks=T)  # fmt: skip
    intervals = decay_bootstrap(per_width, variance, seed=1, replicates=100)
    report = assumption_report(variance, 64, K, intervals)
    decay = report["v_decay_in_k"]
    assert decay["exponential"]["rate_ci95"] == intervals["exponential"]
    assert "rate_ci95_ols" in decay["exponential"]
    assert "bootstrap CI over networks" in report["verdict"]["v_decays_exponentially"]


def test_pooled_slopes_equal_least_squares_with_one_intercept_per_width():
    """The replicates' slopes, computed in closed form for all replicates at once, are least
    squares on [x, one dummy per width] over each replicate's kept cells."""
    from reludeath.grid.variance import _within_slopes

    rng = np.random.default_rng(7)
    x = {3: np.arange(1.0, 13.0), 5: np.arange(2.0, 30.0, 3.0), 8: np.arange(1.0, 6.0)}
    y = {n: 0.3 * n - 0.07 * c + rng.standard_normal((6, c.size)) for n, c in x.items()}
    keep = {n: rng.random((6, c.size)) < 0.7 for n, c in x.items()}
    keep[8][2] = False  # a width with no cell kept in one replicate
    slopes = _within_slopes(x, y, keep)
    for r in range(6):
        kept = {n: keep[n][r] for n in x}
        n_col = np.concatenate([np.full(kept[n].sum(), n) for n in x])
        x_col = np.concatenate([x[n][kept[n]] for n in x])
        y_col = np.concatenate([y[n][r][kept[n]] for n in x])
        present = np.unique(n_col)
        design = np.column_stack([x_col, n_col[:, None] == present[None, :]]).astype(float)
        expected = np.linalg.lstsq(design, y_col, rcond=None)[0][0]
        np.testing.assert_allclose(slopes[r], expected, rtol=1e-10)
