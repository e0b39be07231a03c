"""U-Net-style skips: U1 (one point survives with probability l(n, 2L) for every D),
U2 (living fraction l(n, 2L)), U3 (P >= l(n, 2L))."""

import numpy as np
import pytest
from stats_helpers import binomial_tolerance

from reludeath import lower_bound
from reludeath.variants.skip import SKIP_COLUMNS, check_join, simulate_unet, skip_row


@pytest.mark.parametrize("join", ["concat", "add"])
@pytest.mark.parametrize("levels", [1, 2, 4])
def test_u1_one_point_survival_is_l_2l(join, levels):
    T, n, L = 3000, 3, 2
    living, _ = simulate_unet(join, n, L, levels, 1, T, seed=51)
    expected = float(lower_bound(n, 2 * L))
    assert abs((living > 0).mean() - expected) <= binomial_tolerance(expected, T)


@pytest.mark.parametrize("join", ["concat", "add"])
def test_u2_u3_living_fraction_and_bound(join):
    T, n, L, M = 1500, 3, 1, 16
    living, _ = simulate_unet(join, n, L, 3, M, T, seed=52)
    expected = float(lower_bound(n, 2 * L))
    assert abs(living.mean() / M - expected) <= binomial_tolerance(expected, T)
    assert (living > 0).mean() >= expected - binomial_tolerance(expected, T)


def test_disabled_innermost_does_not_kill():
    """Networks whose innermost chunk killed every point can still be alive (the skip)."""
    living, disabled = simulate_unet("concat", 2, 2, 3, 8, 800, seed=53)
    assert disabled.any()
    assert (living[disabled] > 0).any()


def test_row_columns_and_determinism():
    a = simulate_unet("add", 2, 1, 2, 4, 20, seed=5)
    b = simulate_unet("add", 2, 1, 2, 4, 20, seed=5)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    row = skip_row("add", 2, 1, 2, 4, a[0], a[1], 7)
    assert list(row.columns) == list(SKIP_COLUMNS)
    assert row.p_alive_fc.iloc[0] == pytest.approx(7 / 20)


def test_bad_join_refused():
    with pytest.raises(ValueError, match="join"):
        check_join("multiply")
