"""S_inf(n), the M -> infinity limit of S(n, M) (reludeath.deep.m_limit), and the claim
rr.p_to_l_population judged on it: the fit's chi-square and p-value recomputed here, the
profile interval's ends, and each verdict moved by the number it rests on."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reludeath.deep.claims import p_to_l_population
from reludeath.deep.m_limit import LIMIT_COLUMNS, arc_anchor, exact_anchor, tail_fit
from reludeath.deep.networks import simulate_splits
from reludeath.deep.population import arc_run, draw_weights

M = np.array([64.0, 256, 1024, 4096, 16384])


def _correlated(scale: float) -> np.ndarray:
    """A covariance like the sweep's: strong positive correlation between nearby M."""
    logs = np.log(M)
    return scale**2 * np.exp(-np.abs(logs[:, None] - logs[None, :]) / 8)


def _gls_chi2(y, cov, beta):
    """chi2 of S_inf - A M^-beta by whitening with the Cholesky factor and least squares."""
    factor = np.linalg.cholesky(np.linalg.inv(cov))
    design = np.stack([np.ones_like(M), -(M**-beta)], 1)
    coef, *_ = np.linalg.lstsq(factor.T @ design, factor.T @ y, rcond=None)
    r = y - design @ coef
    return float(r @ np.linalg.inv(cov) @ r), coef[0]


def test_tail_fit_recovers_a_converging_law():
    cov = _correlated(0.05)
    rng = np.random.default_rng(3)
    y = 10 - 40 * M**-0.5 + rng.multivariate_normal(np.zeros(len(M)), cov)
    fit = tail_fit(M, y, cov)
    assert fit["available"] and fit["dof"] == 2
    chi2, s_inf = _gls_chi2(y, cov, fit["beta"])
    assert fit["chi2"] == pytest.approx(chi2, rel=1e-8)
    assert fit["S_inf"] == pytest.approx(s_inf, rel=1e-8)
    assert fit["p_value"] == pytest.approx(stats.chi2.sf(chi2, 2))
    assert fit["S_inf_low"] <= 10 <= fit["S_inf_high"] < math.inf
    assert fit["p_value"] > 0.05


def test_tail_fit_allows_unbounded_growth_when_log_m_fits():
    """Data that grow like log M: the beta -> 0 limit fits, so the upper end is infinite."""
    cov = _correlated(0.05)
    y = 3 + 0.8 * np.log(M)
    fit = tail_fit(M, y, cov)
    assert fit["S_inf_high"] == math.inf and fit["log_chi2"] < 1e-6
    assert fit["S_inf"] == math.inf and fit["beta"] == 0 and fit["chi2"] == fit["log_chi2"]


def test_tail_fit_rejects_a_law_it_cannot_fit():
    cov = _correlated(0.05)
    y = np.array([5.0, 6.0, 5.0, 6.0, 5.0])
    fit = tail_fit(M, y, cov)
    assert fit["p_value"] < 1e-6
    assert not tail_fit(M[:3], y[:3], cov[:3, :3])["available"]


def test_anchors():
    assert exact_anchor()["S_inf"] == 1.0
    record = arc_run(draw_weights(2, 48, 400, 11))
    row = arc_anchor(record, 200, 11)
    assert row["S_inf_low"] <= row["S_inf"] <= row["S_inf_high"]
    # the same networks over 256 points split less (a subset), layer by layer
    points = simulate_splits(2, 256, 48, 400, 11)
    assert not (points.split & ~record.split).any()
    assert (points.split != record.split).mean() < 0.01


def _limits(fits):
    rows = [
        {**dict.fromkeys(LIMIT_COLUMNS, math.nan), "n": n, "method": "tail_model", "S_inf": s,
         "S_inf_low": lo, "S_inf_high": hi, "chi2": 1.0, "dof": 2, "p_value": p,
         "log_chi2": 9.0, "data_points": "64,256,1024,4096"}
        for n, s, lo, hi, p in fits
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(LIMIT_COLUMNS))


SPLIT = pd.DataFrame({"n": [2], "S": [1.5], "S_low": [1.4], "S_high": [1.6], "data_points": [1024]})


def test_p_to_l_population_verdict():
    good = [(4, 6.5, 6.0, 7.0, 0.5), (8, 23.0, 21.0, 26.0, 0.6), (12, 35.0, 30.0, 40.0, 0.3)]
    assert p_to_l_population(_limits(good), SPLIT).verdict == "holds"
    unbounded = [*good[:2], (12, 35.0, 30.0, math.inf, 0.3)]
    assert p_to_l_population(_limits(unbounded), SPLIT).verdict == "undecided"
    failing = [*good[:2], (12, 35.0, 30.0, 40.0, 0.01)]
    claim = p_to_l_population(_limits(failing), SPLIT)
    assert claim.verdict == "undecided" and "p = 0.01" in claim.measured
    flat = [(4, 6.5, 6.0, 7.0, 0.5), (5, 14.0, 13.5, 14.5, 0.5)]  # 14.5/32 > 6/16
    assert p_to_l_population(_limits(flat), SPLIT).verdict == "undecided"
