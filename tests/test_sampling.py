"""The sampler (reludeath.sampling.normals) and every scheme's drawn parameters against their laws.

Power of the moment tests: for N draws of a law with variance s^2 and fourth central moment
mu4, the sample variance has standard error sqrt((mu4 - s^4) / N); for a normal law that is
s^2 sqrt(2 / N). With N = 2 * 10^6 normal draws it is 0.10% of s^2, so a 1% error in the
variance is 10 standard errors: a test at SIGMAS = 5 standard errors detects it with
probability P(Z > 5 - 10) > 0.9999. The other laws below state their own figures. Each test
also runs a Kolmogorov-Smirnov test of the draws against the intended law (p > 1e-6 at a fixed
seed), and the seed is fixed, so the tests are deterministic.
"""

import math

import numpy as np
import pytest
from scipy import stats
from stats_helpers import SIGMAS

from reludeath.sampling import normals
from reludeath.sampling.seeds import generator
from reludeath.schemes import get_scheme, haar_orthogonal

N = 2_000_000


def _streams(*key):
    return [generator(7, *key, index) for index in (1, 2, 3)]


def _moments_ok(values: np.ndarray, variance: float, mu4: float, mean: float = 0.0) -> None:
    """Mean and variance within SIGMAS standard errors (variance's: sqrt((mu4 - s^4) / N))."""
    values = np.asarray(values, np.float64).ravel()
    size = values.size
    assert abs(values.mean() - mean) <= SIGMAS * math.sqrt(variance / size)
    assert abs(values.var() - variance) <= SIGMAS * math.sqrt((mu4 - variance**2) / size)


def _normal_ok(values: np.ndarray, variance: float) -> None:
    _moments_ok(values, variance, 3 * variance**2)
    law = stats.norm(scale=math.sqrt(variance))
    assert stats.kstest(np.asarray(values, np.float64).ravel(), law.cdf).pvalue > 1e-6


def _reference(words: np.ndarray) -> np.ndarray:
    """The transform of normals.py in float64 with numpy's log, cos and sin."""
    hi = (words >> np.uint64(32)).astype(np.float64)
    lo = words & np.uint64(0xFFFFFFFF)
    r = np.sqrt(-2 * np.log(hi * 2.0**-32 + 2.0**-33))
    y = (lo & np.uint64(0x1FFFFFFF)).astype(np.float64) * 2.0**-29 * math.pi / 4
    swap = (lo & np.uint64(0x20000000)) != 0
    a = np.where(swap, np.sin(y), np.cos(y))
    b = np.where(swap, np.cos(y), np.sin(y))
    a = np.where((lo & np.uint64(0x40000000)) != 0, -a, a)
    b = np.where((lo & np.uint64(0x80000000)) != 0, -b, b)
    return np.stack([r * a, r * b], axis=1).ravel()


def test_transform_matches_its_float64_formula():
    """The compiled float32 transform is the documented formula: within 4e-6 everywhere, and
    within 1e-6 max(r, 1) + 1e-7 / r (about 2 ulps of float32 for r > 1/2; near r = 0 the
    rounding of u = a 2^-32 to float32, 2^-25 near u = 1, moves r^2 by 2^-24, r by 3e-8 / r)."""
    words = generator(7, "transform").bit_generator.random_raw(1 << 18)
    got = normals.transform(words)
    ref = _reference(words)
    assert got.dtype == np.float32
    assert np.abs(got - ref).max() <= 4e-6
    r = np.repeat(np.hypot(ref[0::2], ref[1::2]), 2)
    assert np.all(np.abs(got - ref) <= 1e-6 * np.maximum(r, 1) + 1e-7 / r)
    # Extreme words: u = 2^-33 (the longest radius) and u = 1 (radius 0).
    extreme = np.array([0, 2**64 - 1, 2**32 - 1, 0xFFFFFFFF00000000], np.uint64)
    z = normals.transform(extreme)
    assert np.all(np.isfinite(z)) and np.abs(z).max() <= math.sqrt(2 * 33 * math.log(2)) + 1e-5
    # a = 2^32 - 1 rounds to u = 1 in float32: r = 0 instead of 1.1e-5 (the 1e-7 / r above).
    np.testing.assert_allclose(z, _reference(extreme), atol=2e-5)


@pytest.mark.parametrize("count", [0, 1, 2, 31, 32, 33, 63, 64, 65, 1001])
def test_prefix_property_and_shapes(count):
    """Number j depends on word j // 2 alone: any count is a prefix of a longer draw, and the
    generator advances by ceil(count / 2) words."""
    a, b = generator(7, "prefix"), generator(7, "prefix")
    longer = normals.standard_normal(a, 2000)
    got = normals.standard_normal(b, count)
    np.testing.assert_array_equal(got, longer[:count])
    c = generator(7, "prefix")
    c.bit_generator.advance((count + 1) // 2)
    assert b.bit_generator.state == c.bit_generator.state
    out = np.full((3, 5), np.nan, np.float32)
    back = normals.standard_normal(generator(7, "prefix"), (3, 5), out=out)
    assert back is out
    np.testing.assert_array_equal(out.ravel(), longer[:15])
    # A non-contiguous or float64 `out` gets the same numbers.
    wide = np.zeros((3, 5))
    normals.standard_normal(generator(7, "prefix"), (3, 5), out=wide)
    np.testing.assert_array_equal(wide, out)


def test_standard_normal_law():
    """N(0, 1): moments and KS on 2 * 10^6 draws (module docstring: a 1% error in the
    variance is 10 standard errors); the tails reach beyond 5 (P(|Z| > 5) = 5.7e-7, so about
    one in 2 * 10^6 draws; we ask for the largest |z| > 4.5, P(max < 4.5) ~ e^-14)."""
    z = normals.standard_normal(generator(7, "law"), N)
    _normal_ok(z, 1.0)
    assert np.abs(z).max() > 4.5
    # Pairs from one word are independent: their correlation within 5 / sqrt(N/2).
    pairs = z.reshape(-1, 2).astype(np.float64)
    assert abs(np.mean(pairs[:, 0] * pairs[:, 1])) <= SIGMAS / math.sqrt(N / 2)
    # Squares of pairs: r^2 ~ Exp(1/2), so its mean is 2 (variance 4).
    r2 = (pairs**2).sum(axis=1)
    assert abs(r2.mean() - 2) <= SIGMAS * 2 / math.sqrt(r2.size)
    assert stats.kstest(r2, stats.expon(scale=2).cdf).pvalue > 1e-6


@pytest.mark.parametrize("name", ["iid", "batchnorm", "signflip", "const_bias"])
def test_normal_family_weights(name):
    """iid, batchnorm, signflip and const_bias draw the same standard normals (paired design);
    unscaled N(0, 1) without bias, N(0, 2 / n) with const_bias's constant biases."""
    n, depth = 15, N // 225 + 1
    scheme = get_scheme(name)
    params = scheme.draw(_streams("normal"), n, depth)
    base = get_scheme("iid").draw(_streams("normal"), n, depth).weights
    if scheme.has_bias:
        np.testing.assert_array_equal(params.weights, base.astype(np.float64) * math.sqrt(2 / n))
        assert np.all(params.biases == 0.01) and params.biases.shape == (depth, n)
    else:
        np.testing.assert_array_equal(params.weights, base)
        assert params.biases.shape == (0, n)
    _normal_ok(base, 1.0)


def test_iid_bias_law():
    """Weights N(0, 2 / n) (iid's normals, scaled) and biases N(0, bias_std^2), 2 * 10^6 each
    (n = 1; module docstring's power)."""
    scheme = get_scheme("iid_bias", bias_std=0.5)
    params = scheme.draw(_streams("normal"), 1, N)
    base = get_scheme("iid").draw(_streams("normal"), 1, N).weights
    np.testing.assert_array_equal(params.weights, base.astype(np.float64) * math.sqrt(2))
    _normal_ok(params.weights, 2.0)
    _normal_ok(params.biases, 0.25)


def test_rai_law():
    """V = [A | b]: one entry per row Beta(2, 1) (CDF x^2; mean 2/3, variance 1/18, mu4 =
    1/135), the others N(0, sigma^2 / n). n = 3 and 222 223 layers: 2 * 10^6 normal entries
    (module docstring's power) and 666 669 Beta ones, whose variance has standard error
    sqrt((1/135 - 1/324) / 666669) = 8.1e-5, 0.14% of 1/18, so a 1% error is 7 of them."""
    n, depth = 3, 222_223
    scheme = get_scheme("rai")
    streams = _streams("rai")
    params = scheme.draw(streams, n, depth)
    v = np.concatenate([params.weights, params.biases[:, :, None]], axis=2)
    column = _streams("rai")[1].integers(0, n + 1, size=(depth, n))
    replaced = np.zeros(v.shape, bool)
    layers, rows = np.indices((depth, n))
    replaced[layers, rows, column] = True
    _normal_ok(v[~replaced], scheme.sigma**2 / n)
    beta = v[replaced]
    _moments_ok(beta, 1 / 18, 1 / 135, mean=2 / 3)
    assert stats.kstest(beta, stats.beta(2, 1).cdf).pvalue > 1e-6


@pytest.mark.parametrize("name", ["uniform", "torch_default"])
def test_uniform_family_law(name):
    """U(-1, 1) weights (uniform) and U(-1, 1) weights and biases (torch_default, n = 1):
    variance 1/3, mu4 = 1/5; the sample variance's standard error is sqrt((1/5 - 1/9) / N)
    = 2.1e-4, 0.063% of 1/3, so a 1% error is 16 of them."""
    scheme = get_scheme(name)
    params = scheme.draw(_streams("uniform"), 1, N)
    for values in (params.weights, params.biases) if scheme.has_bias else (params.weights,):
        _moments_ok(values, 1 / 3, 1 / 5)
        assert stats.kstest(np.ravel(values), stats.uniform(-1, 2).cdf).pvalue > 1e-6


def test_orthogonal_law():
    """Haar on O(3): Q_00^2 ~ Beta(1/2, 1) (mean 1/3, variance 4/45); 10^6 matrices. The mean
    of Q_00^2 (the variance of Q_00) has standard error sqrt(4/45 / 10^6) = 3.0e-4, 0.089% of
    1/3: a 1% error is 11 of them. Drawn from iid's normals (paired design)."""
    count = 1_000_000
    q = haar_orthogonal(_streams("normal")[0], 3, count)
    np.testing.assert_allclose(q @ q.transpose(0, 2, 1), np.broadcast_to(np.eye(3), q.shape),
                               atol=1e-12)  # fmt: skip
    square = q[:, 0, 0] ** 2
    assert abs(square.mean() - 1 / 3) <= SIGMAS * math.sqrt(4 / 45 / count)
    assert stats.kstest(square, stats.beta(0.5, 1).cdf).pvalue > 1e-6
    assert abs(q[:, 0, 0].mean()) <= SIGMAS * math.sqrt(1 / 3 / count)
    weights = get_scheme("orthogonal").draw(_streams("normal"), 3, 4).weights
    np.testing.assert_allclose(weights, haar_orthogonal(_streams("normal")[0], 3, 4), atol=1e-6)


def test_data_points_law_and_prefix():
    """The data: point-major N(0, 1) numbers (growing M keeps the first points)."""
    from reludeath import ShardSpec
    from reludeath.simulate import draw_network

    small = ShardSpec("iid", 4, 1, 1, 100, seed=3)
    big = ShardSpec("iid", 4, 1, 1, N // 4, seed=3)
    x_small = draw_network(small, small.scheme_object, 0, np.dtype(np.float32))[0]
    x_big = draw_network(big, big.scheme_object, 0, np.dtype(np.float32))[0]
    np.testing.assert_array_equal(x_small, x_big[:, :100])
    _normal_ok(x_big, 1.0)


@pytest.mark.parametrize("name", ["iid", "iid_bias", "const_bias", "rai", "batchnorm"])
def test_drawing_into_float32_arrays_rounds_the_float64_numbers_once(name):
    """Drawn into the kernel's float32 array, a scheme's parameters are its float64 ones
    rounded to float32 (the scaled products are formed in float64 either way)."""
    n, depth = 7, 40
    scheme = get_scheme(name)
    wide = scheme.draw(_streams(scheme.family), n, depth)
    out = np.empty((depth, n, n), np.float32)
    narrow = scheme.draw(_streams(scheme.family), n, depth, weights_out=out)
    np.testing.assert_array_equal(np.asarray(narrow.weights, np.float32),
                                  np.asarray(wide.weights).astype(np.float32))  # fmt: skip
    np.testing.assert_array_equal(np.asarray(narrow.biases, np.float32),
                                  np.asarray(wide.biases).astype(np.float32))  # fmt: skip
