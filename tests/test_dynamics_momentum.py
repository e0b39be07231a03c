"""Arnekvist et al.'s single ReLU unit with momentum: closed forms, oracles, basins."""

from __future__ import annotations

import math

import numpy as np
import pytest
from stats_helpers import SIGMAS

from reludeath.dynamics import experiments, momentum


@pytest.mark.parametrize("eta", [0.05, 0.1, 0.5])
def test_eigenvalues_match_the_matrix(eta):
    betas = np.linspace(0, 0.999, 57)
    l1, l2 = momentum.eigenvalues(eta, betas)
    for beta, a, b in zip(betas, l1, l2, strict=True):
        numeric = np.sort_complex(np.linalg.eigvals(momentum.iteration_matrix(eta, beta)))
        np.testing.assert_allclose(np.sort_complex(np.array([a, b])), numeric, atol=1e-9)
        assert a * b == pytest.approx(beta, abs=1e-12)  # det A = beta


def test_beta_star_separates_real_from_complex():
    eta = 0.1
    star = momentum.beta_star(eta)
    assert star == pytest.approx(0.669421487603306, abs=1e-12)
    near, _ = momentum.eigenvalues(eta, [star - 1e-6, star + 1e-6])
    assert abs(near[0].imag) < 1e-12 and abs(near[1].imag) > 0
    # above beta*: complex pair with modulus sqrt(beta)
    l1, l2 = momentum.eigenvalues(eta, [0.8, 0.95])
    np.testing.assert_allclose(np.abs(l1), np.sqrt([0.8, 0.95]), atol=1e-12)
    # beta = 0: eigenvalues {1 - eta, 0}
    l1, l2 = momentum.eigenvalues(eta, [0.0])
    np.testing.assert_allclose(sorted([l1[0].real, l2[0].real]), [0, 1 - eta], atol=1e-12)


def test_eigen_table_finds_beta_star_within_grid_step():
    table = experiments.ar_eigen({"eta": 0.1, "eigen": {"betas": 1001}})["eigen"]
    first = table[table.is_complex].beta.min()
    assert momentum.beta_star(0.1) <= first < momentum.beta_star(0.1) + 1 / 1001


@pytest.mark.parametrize("beta", [0.0, 0.7, 0.9])
def test_affine_descent_equals_matrix_power(beta):
    w, b = momentum.affine_descent(0.5, 0.5, 0.1, 0.2, 0.1, beta, 300)
    r = momentum.affine_ratio(0.1, beta, 300)
    np.testing.assert_allclose(w, 0.1 + r * 0.4, rtol=0, atol=1e-12)
    np.testing.assert_allclose(b, 0.2 + r * 0.3, rtol=0, atol=1e-12)


def _mc_gradient(w, b, Gamma, Delta, n=1_000_000, seed=0):
    x = np.random.default_rng(seed).standard_normal((n, len(w)))
    pre = x @ w + b
    err = np.where(pre > 0, pre - (x @ Gamma + Delta), 0.0)
    samples = np.hstack([err[:, None] * x, err[:, None]])
    return samples.mean(axis=0), samples.std(axis=0) / np.sqrt(n)


@pytest.mark.parametrize(
    ("w", "b", "Gamma", "Delta"),
    [
        ([0.7], -0.3, [0.1], 0.0),
        ([-0.4], 0.5, [1.0], 0.2),
        ([0.3, -0.5, 0.8], 0.1, [0.0, 0.0, 0.5], -0.1),
        ([1.0, 0.2, -0.1], -0.6, [0.0, 0.0, 0.01], 0.0),
    ],
)
def test_gradient_matches_monte_carlo(w, b, Gamma, Delta):
    w, Gamma = np.array(w), np.array(Gamma)
    mean, se = _mc_gradient(w, b, Gamma, Delta)
    closed = momentum.relu_gradient(w, b, Gamma, Delta)
    assert np.all(np.abs(closed - mean) < SIGMAS * se), (closed, mean, se)


def test_two_dimensional_system_equals_coordinate_free_form():
    rng = np.random.default_rng(1)
    for _ in range(50):
        wL, b, gamma, delta = rng.normal(size=4)
        g_w, g_b = momentum.relu_gradient_1d(wL, b, gamma, delta)
        full = momentum.relu_gradient(np.array([0.0, 0.0, wL]), b, np.array([0, 0, gamma]), delta)
        np.testing.assert_allclose(full, [0.0, 0.0, float(g_w), float(g_b)], atol=1e-13)


def test_stationary_points():
    # the optimum and the dead saddle (w = 0, b < 0) are exact stationary points
    for gamma in (1.0, 0.001):
        np.testing.assert_array_equal(momentum.relu_gradient_1d(gamma, 0.0, gamma, 0.0), (0, 0))
    np.testing.assert_array_equal(momentum.relu_gradient_1d(0.0, -0.3, 0.5, 0.0), (0, 0))
    # deep in the linear cone (s >= 8) the gradient is the affine one, (a, c)
    g_w, g_b = momentum.relu_gradient_1d(0.1, 0.9, 0.4, 0.2)
    np.testing.assert_allclose([g_w, g_b], [0.1 - 0.4, 0.9 - 0.2], atol=1e-14)


@pytest.mark.parametrize("gamma", [1.0, 0.01])
def test_finite_difference_hessian_at_optimum(gamma):
    h = 1e-6 * gamma
    H = np.empty((2, 2))
    for j, (dw, db) in enumerate([(h, 0.0), (0.0, h)]):
        plus = momentum.relu_gradient_1d(gamma + dw, db, gamma, 0.0)
        minus = momentum.relu_gradient_1d(gamma - dw, -db, gamma, 0.0)
        H[:, j] = (np.array(plus) - np.array(minus)) / (2 * h)
    np.testing.assert_allclose(H, momentum.optimum_hessian(), atol=1e-6)
    lam = np.linalg.eigvalsh(momentum.optimum_hessian())
    np.testing.assert_allclose(
        lam, [0.5 - 1 / math.sqrt(2 * math.pi), 0.5 + 1 / math.sqrt(2 * math.pi)]
    )


@pytest.mark.parametrize("beta", [0.0, 0.9])
def test_rescaling_equivariance(beta):
    """theta_t(gamma, gamma theta_0) = gamma theta_t(1, theta_0) for every t and beta."""
    w0, b0 = experiments.basin_starts(6, 1.0)
    w1, b1, _ = momentum.descend(w0, b0, 1.0, 0.0, 0.1, beta, 0.0, 1000)
    for gamma in (0.1, 0.001):
        wg, bg, _ = momentum.descend(gamma * w0, gamma * b0, gamma, 0.0, 0.1, beta, 0.0, 1000)
        np.testing.assert_allclose(wg, gamma * w1, rtol=1e-10, atol=1e-10 * gamma)
        np.testing.assert_allclose(bg, gamma * b1, rtol=1e-10, atol=1e-10 * gamma)


def _basins(grid=16, betas=(0.0, 0.5, 0.7, 0.9, 0.95), gammas=(1.0,)):
    ar = {
        "eta": 0.1,
        "basins": {
            "gammas": list(gammas), "betas": list(betas), "momentum_gamma": 0.001, "grid": grid,
            "lim": 1.0, "tol": 1e-6, "tol_relative": False, "max_iter": 100000, "eps_dead": 0.05,
            "r_opt": 0.5,
        },
    }  # fmt: skip
    return experiments.ar_basins(ar)


def test_momentum_collapse_on_small_grid():
    summary = _basins()["basin_summary"].set_index(["gamma", "beta"]).frac_optimum
    base = summary[(0.001, 0.0)]
    assert base > 0.1
    for beta in (0.5, 0.7):
        assert abs(summary[(0.001, beta)] - base) <= 0.05
    for beta in (0.9, 0.95):
        assert summary[(0.001, beta)] <= 0.05


def test_basin_outcomes_are_clean():
    """Optimum runs end near the optimum; every other run ends in the dead cone."""
    tables = _basins(grid=12, betas=(0.0,), gammas=(1.0, 0.01))
    basins = tables["basins"]
    dist = np.hypot(basins.w_end - basins.gamma, basins.b_end) / basins.gamma
    assert np.all(dist[basins.outcome == "optimum"] < 0.2)
    assert set(basins.outcome) <= {"optimum", "dead"}
    assert np.all(basins.p_active_end[basins.outcome == "dead"] < 0.05)
    summary = tables["basin_summary"]
    assert np.allclose(summary.frac_optimum + summary.frac_dead + summary.frac_other, 1)
    assert np.all(summary.optimum_low <= summary.frac_optimum)


def test_field_is_zero_in_dead_cone_and_smaller_for_small_gamma():
    ar = {"field": {"gammas": [1.0, 0.001], "delta": 0.0, "grid": 21, "lim": 1.0, "eps": 0.01}}
    field = experiments.ar_field(ar)["field"]
    deep = field[field.s < -4]
    assert len(deep) and np.all(deep.grad_norm < 1e-3)
    assert np.all(field.p_active.dropna().between(0, 1))


def test_descend_refuses_bad_input():
    with pytest.raises(ValueError, match="beta"):
        momentum.descend(np.ones(1), np.ones(1), 1.0, 0.0, 0.1, 1.0, 1e-6, 10)
    with pytest.raises(ValueError, match="eta"):
        momentum.descend(np.ones(1), np.ones(1), 1.0, 0.0, 0.0, 0.5, 1e-6, 10)
