import numpy as np
import pytest

from reludeath import (
    lower_bound,
    path_width,
    upper_bound,
    upper_bound_zero_bias,
    width_for_probability,
)


def test_known_values():
    assert lower_bound(1, 1) == pytest.approx(0.5)
    assert lower_bound(2, 3) == pytest.approx(0.75**3)
    assert upper_bound(1, 3) == pytest.approx(0.75**2)
    assert upper_bound_zero_bias(2, 3) == pytest.approx((15 / 16) ** 2)
    assert upper_bound_zero_bias(5, 1) == 1.0
    assert width_for_probability(1, 0.5) == pytest.approx(1.0)


def test_vectorized_shapes():
    n = np.arange(1, 65)[:, None]
    k = np.array([1, 10, 1000, 10**6])[None, :]
    for f in (lower_bound, upper_bound, upper_bound_zero_bias):
        out = f(n, k)
        assert out.shape == (64, 4)
        assert np.all(np.isfinite(out)) and np.all((out >= 0) & (out <= 1))


def test_no_cancellation_at_extremes():
    # (1 - 2**-64)**1e6 = exp(-1e6 * 2**-64): naive pow rounds 1 - 2**-64 to 1.
    assert 1 - lower_bound(64, 10**6) == pytest.approx(1e6 * 2.0**-64, rel=1e-9)
    assert 1 - upper_bound_zero_bias(8, 10**6) == pytest.approx(
        -np.expm1((10**6 - 1) * np.log1p(-(2.0**-64))), rel=1e-9
    )
    assert lower_bound(1, 10**6) == 0.0  # underflows to exactly 0, never nan


def test_monotone():
    n = np.arange(1, 20)
    k = np.arange(1, 300)
    low = lower_bound(n[:, None], k[None, :])
    up = upper_bound_zero_bias(n[:, None], k[None, :])
    assert np.all(np.diff(low, axis=0) >= 0) and np.all(np.diff(low, axis=1) <= 0)
    assert np.all(np.diff(up, axis=0) >= 0) and np.all(np.diff(up, axis=1) <= 0)
    assert np.all(low <= up) and np.all(upper_bound(n[:, None], k[None, :]) >= up)


def test_width_formula_inverts_lower_bound():
    k = np.array([1, 2, 10, 256, 10**5])
    for p in (0.1, 0.25, 0.5, 0.75, 0.9):
        assert lower_bound(width_for_probability(k, p), k) == pytest.approx(p, rel=1e-12)
        n = path_width(k, p)
        above = n > 1  # n - 1 = 0 is no width
        assert np.all(lower_bound(n, k) >= p)
        assert np.all(lower_bound(n[above] - 1, k[above]) < p)


def test_path_width_is_at_least_one_for_tiny_p():
    """n(k, p) < 1 when p < (1/2)^k: width 1 already meets l >= p (a width-0 shard is no shard)."""
    k = np.array([1, 11, 256])
    assert np.all(path_width(k, 1e-170) == 1) and np.all(lower_bound(1, k) >= 1e-170)


def test_width_asymptotics():
    k, p = 10**6, 0.5
    assert width_for_probability(k, p) == pytest.approx(np.log2(k / np.log(1 / p)), rel=1e-6)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: lower_bound(0, 3), "n must be"),
        (lambda: upper_bound(2, 0), "k must be"),
        (lambda: lower_bound(np.nan, 3), "n must be"),
        (lambda: width_for_probability(3, 1.0), r"p must lie in the open interval \(0, 1\)"),
        (lambda: width_for_probability(3, 0.0), "p must lie"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
