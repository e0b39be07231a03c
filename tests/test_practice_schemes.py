"""The practitioners' schemes (docs/science.md section 2): their exact laws, the Haar
construction, and the oracles of sign-symmetric rows (M = 1: P = l; the split identity)."""

import math

import numpy as np
import pytest
from scipy import stats
from shard_helpers import run
from stats_helpers import SIGMAS, binomial_tolerance

from reludeath import ShardSpec, lower_bound
from reludeath.schemes import (
    PRACTICE_SCHEMES,
    configured_schemes,
    get_scheme,
    haar_orthogonal,
    scheme_traits,
)
from reludeath.simulate import draw_network

SIGN_SYMMETRIC = ("uniform", "torch_default", "orthogonal")


def params(scheme, n=5, depth=3, network=0, **options):
    spec = ShardSpec(scheme, n, depth, 1, 4, seed=2, options=tuple(options.items()))
    _, w, b = draw_network(spec, spec.scheme_object, network, np.dtype(np.float64))
    return w, b


def test_practice_schemes_are_configurable_and_labelled():
    got = configured_schemes([*PRACTICE_SCHEMES, "iid"])
    assert got["const_bias"] == ({"bias": 0.01}, "const_bias-bias0.01")
    assert got["uniform"] == ({}, "uniform")
    assert configured_schemes([{"const_bias": {"bias": 0.1}}])["const_bias"][1] == (
        "const_bias-bias0.1"
    )
    assert all(scheme_traits(name)["sign_symmetric"] for name in SIGN_SYMMETRIC)
    assert not scheme_traits("const_bias")["sign_symmetric"]


def test_uniform_weights_law():
    """U(-1, 1): mean 0, variance 1/3, within the bounds, zero biases (none drawn)."""
    w, b = params("uniform", n=8, depth=200)
    assert b.shape == (0, 8)
    assert np.abs(w).max() <= 1
    values = w.ravel()
    assert abs(values.mean()) <= SIGMAS * math.sqrt(1 / 3 / values.size)
    assert stats.kstest(values, stats.uniform(-1, 2).cdf).pvalue > 1e-6


def test_torch_default_weights_and_biases_law():
    """Weights and biases U(-1/sqrt(n), 1/sqrt(n)); the weights are uniform's, scaled."""
    n = 9
    w, b = params("torch_default", n=n, depth=300)
    bound = 1 / math.sqrt(n)
    assert b.shape == (300, n) and np.abs(b).max() <= bound and np.abs(w).max() <= bound
    for values in (w.ravel(), b.ravel()):
        assert stats.kstest(values, stats.uniform(-bound, 2 * bound).cdf).pvalue > 1e-6
    u, _ = params("uniform", n=n, depth=300)
    np.testing.assert_allclose(w, u * bound, rtol=1e-6)
    assert get_scheme("torch_default").has_bias


def test_const_bias_is_he_weights_with_constant_biases():
    n = 6
    w, b = params("const_bias", n=n, depth=4, bias=0.01)
    assert np.all(b == 0.01)
    he, _ = params("iid", n=n, depth=4, bias_std=1.0)  # iid with bias: He weights, scaled
    np.testing.assert_allclose(w, he, rtol=1e-6)
    plain, _ = params("iid", n=n, depth=4)  # zero-bias iid: unscaled standard normals
    np.testing.assert_allclose(w, plain * math.sqrt(2 / n), rtol=1e-6)
    with pytest.raises(ValueError, match="bias must be a finite number"):
        get_scheme("const_bias", bias=math.nan)


@pytest.mark.parametrize("n", [2, 3, 6])
def test_haar_signed_laws(n):
    """E tr Q = 0, E (tr Q)^2 = 1 and (Q_11 + 1)/2 ~ Beta((n-1)/2, (n-1)/2): signed laws that
    QR without the sign correction fails (numpy makes Q_11 < 0 always)."""
    count = 20000
    q = haar_orthogonal(np.random.default_rng(5), n, count)
    np.testing.assert_allclose(q @ q.transpose(0, 2, 1), np.broadcast_to(np.eye(n), q.shape),
                               atol=1e-12)  # fmt: skip
    trace = np.trace(q, axis1=1, axis2=2)
    assert abs(trace.mean()) <= SIGMAS * trace.std() / math.sqrt(count)
    square = trace**2
    assert abs(square.mean() - 1) <= SIGMAS * square.std() / math.sqrt(count)
    half = (n - 1) / 2
    assert stats.kstest((q[:, 0, 0] + 1) / 2, stats.beta(half, half).cdf).pvalue > 1e-6
    # The same tests reject numpy's QR without the correction.
    raw, _ = np.linalg.qr(np.random.default_rng(5).standard_normal((count, n, n)))
    assert stats.kstest((raw[:, 0, 0] + 1) / 2, stats.beta(half, half).cdf).pvalue < 1e-6


def test_orthogonal_scheme_draws_haar_matrices():
    w, b = params("orthogonal", n=4, depth=50)
    assert b.shape == (0, 4)
    np.testing.assert_allclose(w @ w.transpose(0, 2, 1), np.broadcast_to(np.eye(4), w.shape),
                               atol=1e-6)  # fmt: skip
    assert (w[:, 0, 0] > 0).any() and (w[:, 0, 0] < 0).any()


@pytest.mark.parametrize("scheme", SIGN_SYMMETRIC)
@pytest.mark.parametrize("n, k", [(2, 6), (5, 40)])
def test_single_point_gives_lower_bound(scheme, n, k):
    """Oracle 1 for sign-symmetric rows: with M = 1, P(n, k) = l(n, k) exactly."""
    T = 3000
    alive = run(scheme, n, k, T, 1, seed=31)["alive_points"]
    expected = float(lower_bound(n, k))
    assert abs((alive[:, -1] > 0).mean() - expected) <= binomial_tolerance(expected, T)


def test_const_bias_breaks_the_single_point_oracle():
    """const_bias is not sign-symmetric: the positive bias tilts every pre-activation up, so
    a layer kills the point with probability below 2^-n (much below once narrow layers have
    shrunk the activations towards the bias's scale), and P(n, k) lies above l(n, k)."""
    n, k, T = 2, 12, 3000
    alive = run("const_bias", n, k, T, 1, seed=32, options=(("bias", 0.01),))["alive_points"]
    expected = float(lower_bound(n, k))
    assert (alive[:, -1] > 0).mean() - expected > binomial_tolerance(expected, T)
