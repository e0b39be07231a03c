"""Convolutional networks: exact oracles C1-C5 and the bounds, at 5 binomial SE."""

import numpy as np
import pytest
from stats_helpers import binomial_tolerance

from reludeath import kernel, lower_bound
from reludeath.simulate import ShardSpec, simulate_shard
from reludeath.variants.conv import (
    CONV_COLUMNS,
    ConvSetting,
    conv_bounds,
    conv_table,
    draw_conv,
    neighbours,
    run_conv,
    simulate_conv,
)


def test_neighbours_circular_1d():
    nbr = neighbours(ConvSetting(1, 1, 3, 4, 1))
    assert nbr.tolist() == [[3, 0, 1], [0, 1, 2], [1, 2, 3], [2, 3, 0]]


def test_neighbours_zero_padding_2d_marks_outside():
    s = ConvSetting(2, 1, 3, 3, 1, padding="zero")
    nbr = neighbours(s)
    assert nbr.shape == (9, 9)
    assert nbr[0].tolist() == [9, 9, 9, 9, 0, 1, 9, 3, 4]  # corner: 5 taps outside
    assert nbr[4].tolist() == list(range(9))  # centre: every tap inside


def test_conv_matches_direct_convolution():
    """The kernel's first layer equals a direct circular convolution (numpy roll)."""
    s = ConvSetting(1, 2, 3, 5, 1)
    x, w = draw_conv(s, 1, seed=3, network=0)
    x64, w64 = x.astype(np.float64), w.astype(np.float64)
    z = np.zeros((2, 5))
    for o in range(2):
        for i in range(2):
            for t, off in enumerate((-1, 0, 1)):
                z[o] += w64[0, o, i, t] * np.roll(x64[0, i], -off)
    alive, split = np.empty(1, np.int32), np.empty(1, bool)
    run_conv(x64, w64, neighbours(s), alive, split)
    assert alive[0] == int((z > 0).any())
    positive = (z > 0).sum(axis=1)
    assert split[0] == bool(((positive > 0) & (positive < 5)).any())


def test_c1_size_one_is_fc_bit_for_bit():
    """C1 exact: d = 1 with circular padding sums the taps into one FC weight; float64 runs
    of the conv kernel and the project's FC kernel give identical living-image counts."""
    s = ConvSetting(2, 3, 3, 1, 16)
    depth, nbr = 20, neighbours(s)
    for t in range(30):
        x, w = draw_conv(s, depth, seed=5, network=t)
        x64, w64 = x.astype(np.float64), w.astype(np.float64)
        alive, split = np.empty(depth, np.int32), np.empty(depth, bool)
        run_conv(x64, w64, nbr, alive, split)
        fc_x = np.ascontiguousarray(x64[:, :, 0].T)[None]
        fc_w = np.ascontiguousarray(w64.sum(axis=3))[None]
        out = kernel.allocate_outputs(1, depth)
        kernel.run_networks(
            fc_x,
            fc_w,
            np.zeros((1, 0, 3)),
            kernel.KernelSettings(dtype="float64"),
            out,
        )
        assert np.array_equal(alive, out["alive_points"][0])


def test_c1_width_one_closed_form():
    """C1: N = 1, d = 1: P = (1 - 2^-M) 2^-(k-1)."""
    T, M, depth = 4000, 8, 4
    alive = simulate_conv(ConvSetting(2, 1, 3, 1, M), depth, T, seed=21)["alive"]
    for k in (1, 4):
        expected = (1 - 2.0**-M) * 2.0 ** -(k - 1)
        assert abs((alive[:, k - 1] > 0).mean() - expected) <= binomial_tolerance(expected, T)


def test_c2_kernel_one_matches_fc_on_all_pixels():
    """C2: m = 1 is FC width N on M d^D points: two-sample test of alive counts."""
    T, depth, s = 3000, 8, ConvSetting(2, 2, 1, 4, 2)
    conv = (simulate_conv(s, depth, T, seed=22)["alive"] > 0).mean(axis=0)
    table = simulate_shard(ShardSpec("iid", 2, depth, T, 2 * 16, seed=23))
    fc = (table.column("alive_points").to_numpy().reshape(T, depth) > 0).mean(axis=0)
    pooled = (conv + fc) / 2
    se = np.sqrt(2 * pooled * (1 - pooled) / T)
    assert np.all(np.abs(conv - fc) <= 5 * np.maximum(se, 1 / T))


def test_c2_living_pixel_fraction_is_l():
    """C2: with m = 1 the expected living fraction of single-pixel images is l(N, k)."""
    T, depth = 3000, 6
    alive = simulate_conv(ConvSetting(1, 2, 1, 1, 8), depth, T, seed=24)["alive"]
    expected = lower_bound(2, np.arange(1, depth + 1))
    tol = 5 * np.sqrt(expected * (1 - expected) / T)
    assert np.all(np.abs(alive.mean(axis=0) / 8 - expected) <= tol)


@pytest.mark.parametrize(
    "setting",
    [
        ConvSetting(1, 1, 3, 8, 1),
        ConvSetting(1, 2, 3, 4, 4),
        ConvSetting(2, 1, 3, 4, 2),
        ConvSetting(2, 2, 3, 3, 1, padding="zero"),
        ConvSetting(1, 1, 1, 1, 1),
    ],
)
def test_c3_c5_bounds_hold(setting):
    """C3 and C5: l_N(k) <= P <= u0_conv(k) at every depth, within 5 binomial SE."""
    T, depth = 2000, 24
    table = conv_table(setting, simulate_conv(setting, depth, T, seed=25))
    se_low = np.maximum(np.sqrt(table.lower_bound * (1 - table.lower_bound) / T), 1 / T)
    se_up = np.maximum(
        np.sqrt(table.upper_bound_derived * (1 - table.upper_bound_derived) / T), 1 / T
    )
    assert np.all(table.p_alive >= table.lower_bound - 5 * se_low)
    assert np.all(table.p_alive <= table.upper_bound_derived + 5 * se_up)


def test_c5_attained_for_one_by_one():
    """C5: N = 1, m = 1, d = 1 is FC n = 1: with M = 16 images P = (1 - 2^-16) 2^-(k-1),
    the derived bound u0 up to 2^-16."""
    T, depth, s = 4000, 4, ConvSetting(1, 1, 1, 1, 16)
    table = conv_table(s, simulate_conv(s, depth, T, seed=26))
    for row in table.itertuples():
        expected = (1 - 2.0**-16) * row.upper_bound_derived
        assert abs(row.p_alive - expected) <= binomial_tolerance(expected, T) + 1 / T


def test_c4_no_death_at_split_layers():
    """C4 exact: a network never dies at a layer where some channel splits its living pairs."""
    s = ConvSetting(1, 2, 3, 6, 2)
    result = simulate_conv(s, 40, 600, seed=27)
    alive, split = result["alive"], result["split"]
    before = np.concatenate([np.full((600, 1), 2), alive[:, :-1]], axis=1)
    died = (before > 0) & (alive == 0)
    assert died.any() and split.any()
    assert not (died & split).any()


def test_c4_death_rate_without_split_is_two_to_minus_n():
    """C4: given alive and no split at layer j, the network dies with probability 2^-N."""
    s = ConvSetting(1, 2, 3, 4, 1)
    result = simulate_conv(s, 30, 3000, seed=28)
    alive, split = result["alive"], result["split"]
    before = np.concatenate([np.ones((3000, 1), bool), alive[:, :-1] > 0], axis=1)
    at_risk = before & ~split
    deaths = (at_risk & (alive == 0)).sum()
    assert abs(deaths / at_risk.sum() - 0.25) <= binomial_tolerance(0.25, at_risk.sum())


def test_bounds_formulas():
    b = conv_bounds(ConvSetting(2, 2, 3, 8, 1), np.array([1, 3]))
    assert b["lower_bound"] == pytest.approx([0.75, 0.75**3])
    assert b["upper_bound_printed"] == pytest.approx([1.0, (1 - 2.0**-20) ** 2])
    assert b["upper_bound_derived"] == pytest.approx([1.0, (1 - 2.0**-36) ** 2])


def test_layer_major_prefix_and_determinism():
    s = ConvSetting(1, 2, 3, 5, 3)
    a = simulate_conv(s, 10, 20, seed=4)
    b = simulate_conv(s, 6, 20, seed=4)
    c = simulate_conv(s, 10, 5, seed=4, first_network=15)
    assert np.array_equal(a["alive"][:, :6], b["alive"])
    assert np.array_equal(a["alive"][15:], c["alive"])


def test_table_columns():
    s = ConvSetting(1, 1, 3, 4, 2)
    table = conv_table(s, simulate_conv(s, 5, 10, seed=1))
    assert list(table.columns) == list(CONV_COLUMNS)
    assert table.k.tolist() == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    "kwargs, key",
    [
        ({"dims": 3}, "dims"),
        ({"channels": 0}, "channels"),
        ({"kernel": 5, "size": 3, "padding": "zero"}, "kernel"),
        ({"padding": "reflect"}, "padding"),
        ({"images": 0}, "images"),
    ],
)
def test_bad_settings_name_key(kwargs, key):
    base = {"dims": 1, "channels": 1, "kernel": 3, "size": 4, "images": 1}
    with pytest.raises(ValueError, match=key):
        ConvSetting(**{**base, **kwargs})
