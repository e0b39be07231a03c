"""Leaky ReLU: L1 (slope 0 is ReLU, exactly) and L2 (M = 1: P(never weak) = l(n, k))."""

import numpy as np
import pytest
from stats_helpers import binomial_tolerance

from reludeath import kernel, lower_bound
from reludeath.variants.leaky import (
    LEAKY_COLUMNS,
    check_slope,
    draw_fc,
    leaky_table,
    run_leaky,
    simulate_leaky,
)


@pytest.mark.parametrize("n, M", [(2, 16), (4, 64)])
def test_l1_slope_zero_is_relu_bit_for_bit(n, M):
    """L1: with a = 0 the living points per layer equal the FC kernel's, network by network."""
    depth = 24
    for t in range(40):
        x, w = draw_fc(n, M, depth, seed=3, network=t, dtype=np.float64)
        alive = np.empty(depth, np.int32)
        run_leaky(x, w, 0.0, alive)
        out = kernel.allocate_outputs(1, depth)
        kernel.run_networks(
            x[None],
            w[None],
            np.zeros((1, 0, n)),
            kernel.KernelSettings(dtype="float64"),
            out,
        )
        assert np.array_equal(alive, out["alive_points"][0])


@pytest.mark.parametrize("slope", [0.0, 0.01, 0.1, 0.3])
def test_l2_single_point_never_weak_is_l(slope):
    """L2: M = 1, any slope: P(never weak by k) = l(n, k)."""
    T, n, depth = 3000, 3, 12
    alive = simulate_leaky(n, slope, 1, depth, T, seed=31)
    for k in (1, 4, 12):
        expected = float(lower_bound(n, k))
        assert abs((alive[:, k - 1] > 0).mean() - expected) <= binomial_tolerance(expected, T)


def test_l2_weak_layers_binomial_per_layer():
    """L2: a single point is weak at each layer with probability 2^-n, whatever came before."""
    T, n = 3000, 2
    alive = simulate_leaky(n, 0.3, 1, 6, T, seed=32)
    for j in range(1, 6):
        before = alive[:, j - 1] > 0
        rate = (alive[before, j] == 0).mean()
        assert abs(rate - 0.25) <= binomial_tolerance(0.25, before.sum())


def test_living_fraction_is_l_for_any_slope():
    """The never-weak fraction of points has mean l(n, k) for every M (points are iid)."""
    T, n, M, depth = 1500, 3, 16, 8
    alive = simulate_leaky(n, 0.1, M, depth, T, seed=33)
    expected = lower_bound(n, np.arange(1, depth + 1))
    assert np.all(
        np.abs(alive.mean(axis=0) / M - expected) <= 5 * np.sqrt(expected * (1 - expected) / T)
    )


def test_slopes_share_networks_and_prefix():
    a = simulate_leaky(3, 0.1, 4, 10, 20, seed=1)
    b = simulate_leaky(3, 0.1, 4, 5, 20, seed=1)
    assert np.array_equal(a[:, :5], b)
    x0, w0 = draw_fc(3, 4, 5, 1, 7)
    x1, w1 = draw_fc(3, 4, 5, 1, 7)
    assert np.array_equal(x0, x1) and np.array_equal(w0, w1)


def test_table_columns():
    table = leaky_table(3, 0.1, 4, simulate_leaky(3, 0.1, 4, 5, 10, seed=1))
    assert list(table.columns) == list(LEAKY_COLUMNS)


@pytest.mark.parametrize("slope", [-0.1, 1.0, 1.5, "0.1", True])
def test_bad_slope_refused(slope):
    with pytest.raises(ValueError, match="slope"):
        check_slope(slope)
