"""The split identity P/l = prod_j (1 + sigma_j/(2^n - 1)): oracles O1-O5 of docs/science.md,
the grid's split columns, the bootstrap of S(n) and c(n), and the variance floor."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate
from stats_helpers import SIGMAS

from reludeath import ShardSpec, simulate_shard
from reludeath.bounds import lower_bound
from reludeath.grid.aggregate import combine, grid_table, summarize_shard
from reludeath.grid.split import bootstrap_split, network_split_arrays, s_growth_report
from reludeath.stats import wilson_interval

BIAS = (("bias_std", 1.0),)
# Schemes whose rows are sign-symmetric (docs/science.md): the identity holds exactly.
SYMMETRIC = ["iid", "iid_bias", "uniform", "torch_default", "orthogonal"]


def shard(scheme, n, k, T, M, seed=3):
    options = BIAS if scheme == "iid_bias" else ()
    spec = ShardSpec(scheme, n, k, T, M, seed=seed, options=options)
    return spec, simulate_shard(spec, threads=2)


def grid_of(scheme, n, k, T, M, seed=3):
    spec, table = shard(scheme, n, k, T, M, seed)
    cells = combine([summarize_shard(table, spec.as_metadata())])
    return grid_table(cells, [scheme], [n], k)


@pytest.mark.parametrize("scheme", SYMMETRIC)
@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_o1_no_network_dies_at_a_split_layer(scheme, n):
    _spec, table = shard(scheme, n, 40, 300, 24)
    _at_risk, split = network_split_arrays(table, 300, 40, 24)
    alive = table.column("alive_points").to_numpy().reshape(300, 40) > 0
    assert split.any()
    assert not (split & ~alive).any()
    assert grid_of(scheme, n, 40, 300, 24)["deaths_at_split"].sum() == 0


@pytest.mark.parametrize("scheme", SYMMETRIC)
@pytest.mark.parametrize("n", [2, 3, 4])
def test_o2_deaths_without_split_are_binomial_two_to_minus_n(scheme, n):
    grid = grid_of(scheme, n, 64, 2000, 16)
    trials = int(grid["nosplit_at_risk"].sum())
    deaths = int((grid["deaths"] - grid["deaths_at_split"]).sum())
    q = 2.0**-n
    assert trials > 2000
    assert abs(deaths - trials * q) <= SIGMAS * math.sqrt(trials * q * (1 - q))


def sigma_1_two_points(n: int) -> float:
    """sigma_1 = 1 - E[(1 - Theta/pi)^n], Theta the angle of two Gaussian points,
    density proportional to sin^(n-2) on [0, pi]."""
    norm = integrate.quad(lambda t: math.sin(t) ** (n - 2), 0, math.pi)[0]
    mean = integrate.quad(lambda t: (1 - t / math.pi) ** n * math.sin(t) ** (n - 2), 0, math.pi)
    return 1 - mean[0] / norm


def test_o3_quadrature_gives_the_exact_rational_at_n_2():
    assert sigma_1_two_points(2) == pytest.approx(2 / 3, abs=1e-12)
    assert 1 - 2.0**-2 * (1 - sigma_1_two_points(2)) == pytest.approx(11 / 12, abs=1e-12)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_o3_two_points_one_layer_split_rate(n, tolerance):
    T = 20000
    grid = grid_of("iid", n, 1, T, 2, seed=11)
    expected = sigma_1_two_points(n)
    assert abs(grid["sigma"].iloc[0] - expected) <= tolerance(expected, T)
    p = 1 - 2.0**-n * (1 - expected)
    assert abs(grid["p_alive"].iloc[0] - p) <= tolerance(p, T)


@pytest.mark.parametrize("scheme", SYMMETRIC)
def test_o4_single_point_never_splits_and_p_equals_l(scheme, tolerance):
    T, n, k = 4000, 2, 6
    grid = grid_of(scheme, n, k, T, 1)
    assert (grid["split_networks"] == 0).all()
    assert (grid["ratio_identity"] == 1).all()
    low = lower_bound(grid["n"], grid["k"])
    assert (abs(grid["p_alive"] - low) <= [tolerance(p, T) for p in low]).all()


def test_o4_width_one_through_the_identity(tolerance):
    M, T = 5, 4000
    grid = grid_of("iid", 1, 8, T, M)
    sigma_1 = 1 - 2.0 ** (1 - M)
    first = grid.iloc[0]
    assert abs(first["sigma"] - sigma_1) <= tolerance(sigma_1, T)
    later = grid[grid["k"] >= 2]
    assert (later["split_networks"] == 0).all()
    # P(1, k) = (1 - 2^-M) 2^-(k-1) = l(1, k) (2 - 2^(1-M)): the identity's plateau at k = 1.
    ratio = later["ratio_identity"] / first["ratio_identity"]
    assert np.allclose(ratio, 1.0)
    assert first["ratio_identity"] == pytest.approx(1 + first["sigma"])


@pytest.mark.parametrize("scheme", SYMMETRIC)
def test_o5_identity_agrees_with_direct_ratio(scheme):
    grid = grid_of(scheme, 3, 30, 3000, 16)
    rows = grid[grid["alive_networks"] > 0]
    low, high = wilson_interval(rows["alive_networks"], rows["networks"], z=SIGMAS)
    identity = rows["ratio_identity"] * rows["lower_bound"]
    assert ((low <= identity) & (identity <= high)).all()


def test_grid_split_columns_follow_their_definitions():
    grid = grid_of("iid", 3, 20, 500, 16)
    at_risk = grid["deaths"] + grid["alive_networks"]
    assert (at_risk == grid["split_networks"] + grid["nosplit_at_risk"]).all()
    assert np.allclose(grid["sigma"], grid["split_networks"] / at_risk)
    assert (grid["sigma_low"] <= grid["sigma"]).all()
    assert (grid["sigma"] <= grid["sigma_high"]).all()
    product = np.cumprod(1 + grid["sigma"] / (2**3 - 1))
    assert np.allclose(grid["ratio_identity"], product)
    for scheme in ("rai", "const_bias"):  # rows not sign-symmetric: no identity
        other = grid_of(scheme, 3, 5, 50, 8)
        assert other["ratio_identity"].isna().all() and other["sigma"].notna().all()


def test_bootstrap_matches_the_grid_and_is_reproducible():
    n, k, T, M = 4, 30, 400, 16
    _spec, table = shard("iid", n, k, T, M)
    at_risk, split = network_split_arrays(table, T, k, M)
    first = bootstrap_split(at_risk, split, n, replicates=200, seed=5)
    assert first == bootstrap_split(at_risk, split, n, replicates=200, seed=5)
    grid = grid_of("iid", n, k, T, M)
    assert first["S"] == pytest.approx(grid["sigma"].fillna(0).sum())
    assert first["c"] == pytest.approx(grid["ratio_identity"].dropna().iloc[-1])
    assert first["S_low"] <= first["S"] <= first["S_high"]
    assert first["c_low"] <= first["c"] <= first["c_high"]


def test_normalized_variance_has_structural_floor():
    """v_k >= (1 - alpha)/alpha in every alive network and layer (dead points as zeros)."""
    M = 32
    for n in (2, 4, 6):
        spec, table = shard("iid", n, 40, 300, M)
        alive = table.column("alive_points").to_numpy()
        sum_var, mean_sq = table.column("sum_var").to_numpy(), table.column("mean_sq").to_numpy()
        use = (alive > 0) & (mean_sq > 0)
        v = sum_var[use] / mean_sq[use]
        floor = (M - alive[use]) / alive[use]
        assert (floor > 0).any()
        assert (v >= floor * (1 - 1e-4)).all()
        cells = combine([summarize_shard(table, spec.as_metadata())])
        assert cells["bound_violations"].sum() == 0


def boot_frame(S: np.ndarray) -> pd.DataFrame:
    n = np.arange(2, 2 + len(S))
    return pd.DataFrame({"n": n, "S": S, "S_se": 0.02 * S})


def test_s_growth_verdict_is_computed():
    n = np.arange(2, 14)
    polynomial = s_growth_report(boot_frame(0.8 * n**1.5))
    assert polynomial["is_o_2n"] == "holds" and polynomial["better"] == "power law"
    assert polynomial["power_law"]["b"] == pytest.approx(1.5, abs=1e-6)
    exponential = s_growth_report(boot_frame(0.01 * 2.2**n))
    assert exponential["is_o_2n"] == "fails" and exponential["better"] == "exponential"
