"""Douglas & Yu's single-unit LMS: closed forms against Monte Carlo, theory against simulation."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from stats_helpers import SIGMAS, binomial_tolerance

from reludeath.dynamics import lms

MU = lms.default_mu(11)
A_SLOPE = 0.5
PS = [0.8, 0.5, 0.2, 0.05]


def _c(p: float) -> float:
    return lms.offset_for_probability(p, A_SLOPE, MU[-1])


def test_offsets_follow_from_probability():
    for p in PS:
        c = _c(p)
        assert c == pytest.approx(1 + 0.5 * float(np.sqrt(2)) * _erfinv(2 * p - 1), abs=1e-12)
        assert lms.probability_active(A_SLOPE, MU[-1], c) == pytest.approx(p, abs=1e-12)


def _erfinv(y: float) -> float:
    from scipy.special import erfinv

    return float(erfinv(y))


@pytest.mark.parametrize("s", [-1.3, 0.0, 0.7, 2.0])
def test_truncated_moments_match_monte_carlo(s):
    t = np.random.default_rng(1).standard_normal(1_000_000)
    on = t > -s
    M = lms.truncated_moments(s, 4)
    for j in range(5):
        sample = on * t**j
        se = sample.std() / np.sqrt(len(t))
        assert abs(sample.mean() - M[j]) < SIGMAS * se + 1e-12, (j, sample.mean(), M[j])


@pytest.mark.parametrize(("a", "p"), [(0.5, 0.8), (0.5, 0.05), (-0.7, 0.3)])
def test_active_moments_match_monte_carlo(a, p):
    """E[u(d) z^n] (eqs 16-19 and the corrected 25-27: exp(-mu_d^2 / 2a^2) throughout)."""
    mu_L = -2.0
    c = lms.offset_for_probability(p, a, mu_L)
    z = mu_L + np.random.default_rng(2).standard_normal(1_000_000)
    u = a * z + c > 0
    closed = lms.active_moments(a, mu_L, c, 4)
    assert closed[0] == pytest.approx(p, abs=1e-12)
    for n in range(5):
        sample = u * z**n
        se = sample.std() / np.sqrt(len(z))
        assert abs(sample.mean() - closed[n]) < SIGMAS * se, (n, sample.mean(), closed[n])


def test_correlation_matrix_matches_monte_carlo():
    p = 0.3
    c = _c(p)
    rng = np.random.default_rng(3)
    N = 1_000_000
    x = MU + rng.standard_normal((N, len(MU)))
    xb = np.hstack([np.ones((N, 1)), x])
    u = (A_SLOPE * x[:, -1] + c > 0).astype(float)
    A = lms.correlation_matrix(MU, A_SLOPE, c)
    for i, j in [(0, 0), (0, 11), (11, 11), (1, 11), (3, 5), (2, 2)]:
        sample = u * xb[:, i] * xb[:, j]
        se = sample.std() / np.sqrt(N)
        assert abs(sample.mean() - A[i, j]) < SIGMAS * se, (i, j)


@pytest.mark.parametrize("p", PS)
def test_exactly_l_minus_2_eigenvalues_equal_probability(p):
    c = _c(p)
    lam = np.linalg.eigvalsh(lms.correlation_matrix(MU, A_SLOPE, c))
    assert int(np.sum(np.abs(lam - p) < 1e-12)) == len(MU) - 2
    modes = lms.mode_table(MU, A_SLOPE, c, 0.02)
    assert int(modes["is_p_mode"].sum()) == len(MU) - 2
    # two of the three other modes are slower than the P-modes
    assert int(np.sum(lam < p - 1e-9)) == 2


@pytest.mark.parametrize("p", PS)
def test_a_times_optimum_is_cross_correlation(p):
    """A w* = E[u(d) d xb] (the paper's eq 33), from the closed-form moments."""
    c = _c(p)
    A = lms.correlation_matrix(MU, A_SLOPE, c)
    w_star = np.zeros(len(MU) + 1)
    w_star[0], w_star[-1] = c, A_SLOPE
    m = lms.active_moments(A_SLOPE, MU[-1], c, 2)
    e_ud = A_SLOPE * m[1] + c * m[0]
    expected = np.concatenate([[e_ud], MU[:-1] * e_ud, [A_SLOPE * m[2] + c * m[1]]])
    np.testing.assert_allclose(A @ w_star, expected, rtol=0, atol=1e-12)


def test_fourth_moment_tensor_matches_monte_carlo():
    c = _c(0.5)
    T = lms.fourth_moment_tensor(MU, A_SLOPE, c)
    rng = np.random.default_rng(4)
    N = 1_000_000
    x = MU + rng.standard_normal((N, len(MU)))
    xb = np.hstack([np.ones((N, 1)), x])
    u = A_SLOPE * x[:, -1] + c > 0
    for idx in [(0, 0, 0, 0), (11, 11, 11, 11), (1, 1, 11, 11), (2, 3, 11, 0), (5, 5, 5, 5)]:
        sample = u * np.prod(xb[:, list(idx)], axis=1)
        se = sample.std() / np.sqrt(N)
        assert abs(sample.mean() - T[idx]) < SIGMAS * se, idx


def test_simulated_msd_matches_exact_second_moment():
    ps = [0.8, 0.2]
    cs = np.array([_c(p) for p in ps])
    sim = lms.simulate_lms(MU, A_SLOPE, cs, 0.02, 0.1, 2000, 400, 100, seed=11)
    ks = sim["k"]
    for i, c in enumerate(cs):
        exact = lms.second_moment_msd(MU, A_SLOPE, c, 0.02, 0.1, ks)
        for j in (1, 3, 10, 20):
            err = abs(sim["msd_mean"][0, i, j] - exact[j])
            assert err < SIGMAS * sim["msd_se"][0, i, j], (ps[i], ks[j])


def test_first_order_theory_is_exact_at_start_and_close_later():
    c = _c(0.5)
    ks = np.array([0, 1000, 2000])
    A = lms.correlation_matrix(MU, A_SLOPE, c)
    first = lms.first_order_msd(A, 0.02, 0.1, ks)
    exact = lms.second_moment_msd(MU, A_SLOPE, c, 0.02, 0.1, ks)
    assert first[0] == pytest.approx(exact[0], rel=1e-12)
    assert np.all(np.abs(10 * np.log10(first / exact)) < 1.0)


def test_mean_square_limit_lies_below_mean_limit():
    c = _c(0.8)
    eta_ms = lms.mean_square_limit(MU, A_SLOPE, c)
    lam_max = np.linalg.eigvalsh(lms.correlation_matrix(MU, A_SLOPE, c)).max()
    assert 0 < eta_ms < 2 / lam_max
    ks = np.array([0, 20000])
    below = lms.second_moment_msd(MU, A_SLOPE, c, 0.98 * eta_ms, 0.1, ks)
    above = lms.second_moment_msd(MU, A_SLOPE, c, 1.02 * eta_ms, 0.1, ks)
    assert below[1] < below[0] < above[1]


def test_original_model_activity_tends_to_probability():
    cs = np.array([_c(p) for p in PS])
    sim = lms.simulate_lms(MU, A_SLOPE, cs, 0.02, 0.1, 10000, 100, 10000, seed=5)
    np.testing.assert_allclose(sim["p_active_mean"][:, -1], PS, atol=0.01)


def test_simulation_is_deterministic_and_thread_independent():
    cs = np.array([_c(0.5), _c(0.1)])
    args = (MU, A_SLOPE, cs, 0.02, 0.1, 300, 40, 50)
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = lms.simulate_lms(*args, seed=9)
        numba.set_num_threads(max(threads, 1))
        many = lms.simulate_lms(*args, seed=9)
    finally:
        numba.set_num_threads(threads)
    for key in ("msd_mean", "msd_se", "p_active_mean"):
        np.testing.assert_array_equal(one[key], many[key])
    other = lms.simulate_lms(*args, seed=10)
    assert not np.array_equal(one["msd_mean"], other["msd_mean"])


@pytest.mark.parametrize("n", [2, 4])
def test_activation_at_init_is_half_alive_fraction(n):
    act, alpha_prev = lms.activation_at_init(n, 12, 3000, 256, np.random.default_rng(n))
    assert np.all(alpha_prev[:, 0] == 1)
    diff = act - alpha_prev / 2
    se = diff.std(axis=0, ddof=1) / np.sqrt(len(diff))
    assert np.all(np.abs(diff.mean(axis=0)) <= SIGMAS * se + 1e-12)
    # layer 1: every point is alive, so each unit is on with probability exactly 1/2
    assert abs(act[:, 0].mean() - 0.5) < binomial_tolerance(0.5, 3000 * n)  # conservative
