"""Lu et al.'s two criteria: the exact constant function and the near-constant tolerance."""

import numpy as np
import pandas as pd
import pytest
from shard_helpers import run
from stats_helpers import binomial_tolerance

from reludeath.grid.constancy import (
    NEAR_CONSTANT_COLUMNS,
    combine_near_constant,
    depth_scaling,
    half_depths,
    near_constant_counts,
    near_constant_table,
)
from reludeath.stats import Z95 as Z

TAUS = (1e-3, 1e-5)


@pytest.mark.parametrize("scheme, n", [("rai", 3), ("rai", 6), ("iid_bias", 6), ("iid", 4)])
def test_float32_and_float64_give_the_same_near_constant_shares(scheme, n):
    """The same networks in float32 (as run) and float64: near-constancy is not rounding.
    Per (network, layer) the two agree except at a handful of borderline spreads, and the
    shares agree within 5 binomial standard errors at every depth."""
    T, k = 256, 48
    single = run(scheme, n, k, T, 256, seed=11, dtype="float32")["output_spread"]
    double = run(scheme, n, k, T, 256, seed=11, dtype="float64")["output_spread"]
    for tau in TAUS:
        near32, near64 = single <= tau, double <= tau
        assert 0 < near64.mean() < 1  # both outcomes occur on these cells
        assert (near32 != near64).mean() <= 0.002
        for p32, p64 in zip(near32.mean(axis=0), near64.mean(axis=0), strict=True):
            assert abs(p32 - p64) <= max(binomial_tolerance(p64, T), 1 / T)


def test_spread_is_the_collapse_criterion_and_constant_is_spread_zero():
    """collapsed (the kernel's 1e-5 criterion) is output_spread <= 1e-5 (rounding aside), and
    a constant network (after a dead layer) has spread exactly 0 with zero biases."""
    out = run("rai", 4, 40, 200, 128, seed=2)
    spread = out["output_spread"]
    borderline = np.abs(spread / 1e-5 - 1) < 1e-6
    assert np.array_equal(out["collapsed"][~borderline], (spread <= 1e-5)[~borderline])
    out = run("iid", 3, 40, 200, 64, seed=2)
    assert out["constant"].any()
    assert np.all(out["output_spread"][out["constant"]] == 0)
    assert np.all(out["output_spread"][~out["constant"]] > 0)


def _counts(spread, scheme="s", n=3):
    spec = {"scheme": scheme, "width": n, "data_points": 10}
    return near_constant_counts(spread, spec, TAUS)


def test_counts_combine_by_addition_and_table_columns():
    rng = np.random.default_rng(0)
    spread = 10.0 ** rng.uniform(-7, 0, (50, 6))
    whole = combine_near_constant([_counts(spread)])
    parts = combine_near_constant([_counts(spread[:20]), _counts(spread[20:])])
    pd.testing.assert_frame_equal(whole, parts)
    table = near_constant_table(whole, ["s"], [3], depth=4)
    assert list(table.columns) == list(NEAR_CONSTANT_COLUMNS)
    assert len(table) == len(TAUS) * 4
    row = table[(table.tau == 1e-3) & (table.k == 2)].iloc[0]
    assert row.near_constant_networks == (spread[:, 1] <= 1e-3).sum()
    assert row.p_near_constant_low <= row.p_near_constant <= row.p_near_constant_high
    with pytest.raises(ValueError, match=r"\('s', 4\)"):
        near_constant_table(whole, ["s"], [3, 4], depth=4)


def test_half_depth_and_its_interval():
    k = np.arange(1, 11)
    p = np.array([0, 0.1, 0.2, 0.4, 0.49, 0.55, 0.7, 0.9, 1, 1])
    frame = pd.DataFrame(
        {
            "scheme": "s", "n": 3, "tau": 1e-3, "k": k, "p_near_constant": p,
            "p_near_constant_low": p - 0.1, "p_near_constant_high": p + 0.1,
        }
    )  # fmt: skip
    row = half_depths(frame).iloc[0]
    assert (row.k_half_early, row.k_half, row.k_half_late) == (4, 6, 7)
    never = frame.assign(p_near_constant=0.1, p_near_constant_low=0.0, p_near_constant_high=0.2)
    assert np.isnan(half_depths(never).iloc[0].k_half)


def test_depth_scaling_recognizes_exponential_and_rejects_a_power():
    """k_half = 3 e^{0.4 n} with 5% noise-sized intervals: the exponential model fits
    (chi-square p-value not small, slope within 5 standard errors of 0.4), the power law not."""
    rng = np.random.default_rng(1)
    n = np.arange(2, 16)
    sigma = 0.05
    k = 3 * np.exp(0.4 * n + rng.normal(0, sigma, n.size))
    half = pd.DataFrame(
        {
            "n": n, "k_half": k, "k_half_early": k * np.exp(-Z * sigma),
            "k_half_late": k * np.exp(Z * sigma),
        }
    )  # fmt: skip
    fit = depth_scaling(half)
    assert fit["fitted"] and fit["widths"] == list(n)
    assert abs(fit["exponential"]["slope"] - 0.4) <= 5 * fit["exponential"]["slope_se"]
    assert fit["exponential"]["p_value"] > 1e-3
    assert fit["power"]["p_value"] < 1e-6
    assert not depth_scaling(half.head(3))["fitted"]
