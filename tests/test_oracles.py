"""Every exact fact of docs/science.md section 7, as a statistical test with a 5-sigma
binomial tolerance and a fixed seed."""

import numpy as np
import pytest
from shard_helpers import run
from stats_helpers import SIGMAS, binomial_tolerance

from reludeath import lower_bound, upper_bound_zero_bias
from reludeath.stats import wilson_interval


@pytest.mark.parametrize("n, k", [(1, 3), (2, 6), (3, 10), (5, 40), (8, 200)])
def test_single_point_gives_lower_bound(n, k):
    """Oracle 1: with M = 1, P(n, k) = l(n, k) exactly."""
    T = 4000
    alive = run("iid", n, k, T, 1, seed=11)["alive_points"]
    p_hat = (alive[:, -1] > 0).mean()
    expected = float(lower_bound(n, k))
    assert abs(p_hat - expected) <= binomial_tolerance(expected, T)


def test_single_point_active_neurons_binomial():
    """Oracle 1, second half: with M = 1 each layer keeps the point with probability 1 - 2**-n."""
    n, k, T = 2, 4, 4000
    alive = run("iid", n, k, T, 1, seed=12)["alive_points"][
        :,
        :,
    ]
    for j in range(1, k):
        previous = alive[:, j - 1] > 0
        survived = (alive[previous, j] > 0).mean()
        assert abs(survived - 0.75) <= binomial_tolerance(0.75, previous.sum())


@pytest.mark.parametrize("n, k, M", [(2, 5, 64), (4, 20, 256), (6, 100, 32)])
def test_mean_living_fraction_is_lower_bound(n, k, M):
    """Oracle 2: the unconditional mean living fraction is l(n, k).

    A per-network fraction in [0, 1] with mean l has variance <= l(1 - l), so
    the binomial standard error over networks is a conservative bound.
    """
    T = 3000
    alive = run("iid", n, k, T, M, seed=13)["alive_points"]
    expected = lower_bound(n, np.arange(1, k + 1))
    fraction = (alive / M).mean(axis=0)
    tolerance = SIGMAS * np.sqrt(expected * (1 - expected) / T)
    assert np.all(np.abs(fraction - expected) <= tolerance)
    # Conditioned on survival it is l / P.
    living = alive[:, -1] > 0
    p_hat = living.mean()
    conditional = (alive[living, -1] / M).mean()
    assert conditional == pytest.approx(fraction[-1] / p_hat, rel=1e-9)


@pytest.mark.parametrize("M, k", [(1, 4), (3, 3), (8, 5)])
def test_width_one_closed_form(M, k):
    """Oracle 3: P(1, k) = (1 - 2**-M) 2**-(k-1)."""
    T = 6000
    alive = run("iid", 1, k, T, M, seed=14)["alive_points"]
    expected = (1 - 2.0**-M) * 2.0 ** -(k - 1)
    assert abs((alive[:, -1] > 0).mean() - expected) <= binomial_tolerance(expected, T)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_zero_bias_upper_bound_exact_at_two_layers(n):
    """Oracle 4: with M = 1024, P(n, 2) = u0(n, 2) for n <= 4."""
    T = 3000
    alive = run("iid", n, 2, T, 1024, seed=15)["alive_points"]
    expected = float(upper_bound_zero_bias(n, 2))
    assert abs((alive[:, 1] > 0).mean() - expected) <= binomial_tolerance(expected, T) + 1e-12


def test_one_layer_alive_with_many_points():
    """Oracle 5: P(n, 1) -> 1 as M grows (one dead network in 2000 would be 5 sigma)."""
    for n in (1, 3, 8):
        alive = run("iid", n, 1, 2000, 256, seed=16)["alive_points"]
        assert np.all(alive[:, 0] > 0)


@pytest.mark.parametrize("n, M", [(1, 64), (2, 1000), (5, 33)])
def test_signflip_keeps_half(n, M):
    """Oracle 6: A(k) >= ceil(A(k-1) / 2) >= ceil(M / 2**k) in every network."""
    k = 12
    alive = run("signflip", n, k, 500, M, seed=17)["alive_points"]
    previous = np.concatenate([np.full((500, 1), M), alive[:, :-1]], axis=1)
    assert np.all(alive >= -(-previous // 2))
    assert np.all(alive >= -(-M // 2 ** np.arange(1, k + 1)))


def test_batchnorm_output_never_identically_zero():
    """Oracle 7: batchnorm's layer output over the batch is nonzero at every layer..."""
    for n, k in ((1, 8), (2, 16), (3, 32)):
        out = run("batchnorm", n, k, 1000, 128, seed=18)
        assert out["output_nonzero"].all()


@pytest.mark.parametrize("n, k, p_independent", [(1, 8, 0.28), (2, 16, 0.34), (3, 32, 0.45)])
def test_batchnorm_networks_still_die(n, k, p_independent):
    """...but cumulative P(alive) is not 1: it matches the independent simulation of
    an independent batchnorm simulation (M = 128, 2000 networks) within the two samples'
    5 sigma."""
    T = 2000
    alive = run("batchnorm", n, k, T, 128, seed=19)["alive_points"]
    p_hat = (alive[:, -1] > 0).mean()
    assert p_hat < 1 - binomial_tolerance(p_hat, T)
    spread = SIGMAS * np.sqrt(p_independent * (1 - p_independent) * (1 / T + 1 / 2000))
    # The quoted values are rounded to 0.01.
    assert abs(p_hat - p_independent) <= spread + 0.005


def test_paper_inequalities_across_grid():
    """Oracle 8: l <= P <= u0 in every cell: no 5-sigma Wilson interval excludes a bound."""
    T, M = 1000, 64
    for n in (1, 2, 3, 4, 6):
        k = 48
        alive = run("iid", n, k, T, M, seed=20 + n)["alive_points"]
        ci_low, ci_high = wilson_interval((alive > 0).sum(axis=0), T, z=SIGMAS)
        layers = np.arange(1, k + 1)
        assert np.all(ci_high >= lower_bound(n, layers)), n
        assert np.all(ci_low <= upper_bound_zero_bias(n, layers)), n
