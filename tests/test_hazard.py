"""The split hazard model: its shape, maximum likelihood on data drawn from it, and the
binned Pearson goodness of fit (accepts the true model, rejects a wrong one)."""

import math

import numpy as np
import pandas as pd
import pytest

from reludeath.grid import hazard

THETA = (0.5, 1.7, 3.0)


def simulate_counts(theta, widths=range(2, 9), depth=128, networks=4000, seed=0):
    """Alive counts drawn layer by layer from the model: N_j ~ Bin(N_{j-1}, 1 - h_j)."""
    rng = np.random.default_rng(seed)
    rows = []
    for n in widths:
        alive = networks
        j = np.arange(1, depth + 1)
        h = 2.0**-n * (1 - hazard.sigma_model(j, np.full(depth, n), theta))
        for k in j:
            if alive == 0:
                break
            deaths = rng.binomial(alive, h[k - 1])
            rows.append({"n": n, "k": int(k), "at_risk": alive, "deaths": int(deaths)})
            alive -= deaths
    return pd.DataFrame(rows)


def test_sigma_model_shape():
    j = np.arange(1, 200)
    sigma = hazard.sigma_model(j, np.full(len(j), 6), THETA)
    assert sigma[0] == 1.0
    assert np.all(np.diff(sigma) <= 0) and sigma[-1] < 0.01
    tau = THETA[0] * 6 ** THETA[1]
    assert hazard.sigma_model(np.array([1 + tau]), np.array([6]), THETA)[0] == pytest.approx(0.5)
    log = hazard.log_one_minus_sigma(j[1:], np.full(len(j) - 1, 6), THETA)
    assert np.allclose(np.exp(log), 1 - sigma[1:])


def test_fit_recovers_the_parameters():
    fit = hazard.fit_hazard(simulate_counts(THETA))
    for name, true in zip(hazard.PARAMETER_NAMES, THETA, strict=True):
        low, high = fit.ci95[name]
        width = high - low
        assert low - 1.5 * width <= true <= high + 1.5 * width, (name, fit.ci95[name], true)
    assert math.isfinite(fit.nll)


def test_binned_pearson_accepts_the_true_model_and_rejects_a_wrong_one():
    data = simulate_counts(THETA, seed=1)
    good = hazard.binned_pearson(data, THETA)
    assert good["dof"] == good["bins"] - 3 and good["dof"] > 20
    assert good["p_value"] > 1e-4
    wrong = hazard.binned_pearson(data, (0.1, 1.0, 3.0))  # splits stop far too early
    assert wrong["p_value"] < 1e-6


def test_predict_ratio_is_the_product_and_exact_at_width_one():
    ratio = hazard.predict_ratio(np.array([3, 1]), np.array([4, 9]), THETA, data_points=5)
    j = np.arange(1, 5)
    expected = np.prod(1 + hazard.sigma_model(j, np.full(4, 3), THETA) / 7)
    assert ratio[0] == pytest.approx(expected)
    assert ratio[1] == 2 - 2.0**-4
