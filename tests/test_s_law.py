"""The S(n) law (reludeath.deep.s_law): every candidate's chi-square and p recomputed here
from the table it was fitted to, a law published only when it passes, and the a + b n + c ln M
fit on the M sweep with its block covariance."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.linalg import block_diag
from stats_helpers import SIGMAS

from reludeath.deep.identity import identity
from reludeath.deep.m_limit import s_of_m
from reludeath.deep.networks import simulate_splits
from reludeath.deep.s_law import CANDIDATES, N_RANGE, law_band, law_json, m_law, s_law
from reludeath.stats import Z95


def _split(s, se, widths):
    return pd.DataFrame(
        {"n": widths, "S": s, "S_low": s - Z95 * se, "S_high": s + Z95 * se,
         "data_points": 1024, "networks": 64}
    )  # fmt: skip


def _recomputed(law):
    """chi2 and p of the published model from law["data"] and its params."""
    data = law["data"]
    n, s, se = (np.array(data[k], float) for k in ("n", "S", "se"))
    model = CANDIDATES[law["model"]][0]
    chi2 = (((s - model(n, *law["params"].values())) / se) ** 2).sum()
    return chi2, stats.chi2.sf(chi2, len(n) - 2)


def test_a_linear_law_is_published_and_its_p_recomputed():
    widths = np.arange(1, 40)
    rng = np.random.default_rng(4)
    se = 0.5 + 0.1 * widths
    s = 4 * widths - 10 + rng.normal(0, se)
    law = s_law(_split(s, se, widths))
    assert law["data"]["n"] == list(range(N_RANGE[0], N_RANGE[1] + 1))
    assert law["model"] == "linear" and law["p_value"] >= 0.05
    chi2, p = _recomputed(law)
    assert law["chi2"] == pytest.approx(chi2) and law["p_value"] == pytest.approx(p)
    assert law["params"]["a"] == pytest.approx(4, abs=5 * law["errors"]["a"])
    for fit in law["candidates"].values():
        assert fit["dof"] == len(law["data"]["n"]) - 2
        assert fit["p_value"] == pytest.approx(stats.chi2.sf(fit["chi2"], fit["dof"]))
    assert law["candidates"]["power"]["p_value"] < 0.05  # 4 n - 10 is no power of n here


def test_no_law_when_none_passes():
    widths = np.arange(3, 35)
    s = 30 + 10 * np.sin(widths)  # no candidate follows this
    law = s_law(_split(s, np.full(len(widths), 0.1), widths))
    assert law["model"] is None and law["p_value"] is None
    assert "no law is published" in law["verdict"]
    assert all(f["p_value"] < 0.05 for f in law["candidates"].values())


def test_m_law_is_gls_with_the_block_covariance():
    sweep = {}
    for n in (3, 4):
        sweep[n] = {m: identity(simulate_splits(n, m, 24, 40, 9), 200, 9) for m in (8, 16, 32, 64)}
    fit = m_law(sweep)
    ys, blocks, rows = [], [], []
    for n in (3, 4):
        ms, s, cov = s_of_m(sweep[n])
        ys += list(s)
        blocks.append(cov)
        rows += [[1, n, np.log(m)] for m in ms]
    cov = block_diag(*blocks)
    whiten = np.linalg.cholesky(np.linalg.inv(cov)).T
    theta, *_ = np.linalg.lstsq(whiten @ np.array(rows), whiten @ np.array(ys), rcond=None)
    r = np.array(ys) - np.array(rows) @ theta
    chi2 = r @ np.linalg.inv(cov) @ r
    assert fit["chi2"] == pytest.approx(chi2, rel=1e-8) and fit["dof"] == len(ys) - 3
    assert list(fit["params"].values()) == pytest.approx(theta, rel=1e-8)
    assert law_json(_split(np.arange(3.0, 35), np.ones(32), np.arange(3, 35)), sweep)["m_sweep"]


def test_pearson_weights_from_the_pooled_relative_error():
    """With S_rel_se in the table, se(n) = |f(n)| S_rel_se at the fit (iterated): chi2 and p
    recomputed from the data and the fitted parameters; a linear truth with a 10% relative
    error passes, and the band contains the truth at every width within 5 sigma."""
    widths = np.arange(3, 35)
    rng = np.random.default_rng(11)
    rel = np.full(len(widths), 0.1)
    truth = 4 * widths - 10
    s = truth * (1 + rel * rng.standard_normal(len(widths)))
    table = _split(s, s * rel, widths).assign(S_rel_se=rel, source="deep")
    law = s_law(table)
    assert law["data"]["rel_se"] == pytest.approx(rel.tolist())
    for fit in law["candidates"].values():
        model = CANDIDATES[next(k for k, v in law["candidates"].items() if v is fit)][0]
        f = model(widths.astype(float), *fit["params"].values())
        assert fit["se"] == pytest.approx(np.abs(f) * rel, rel=1e-6)
        chi2 = (((s - f) / (np.abs(f) * rel)) ** 2).sum()
        assert fit["chi2"] == pytest.approx(chi2, rel=1e-6)
        assert fit["p_value"] == pytest.approx(stats.chi2.sf(chi2, len(widths) - 2), rel=1e-6)
    assert law["model"] == "linear"
    f, low, high = law_band(law, widths)
    assert (low < f).all() and (f < high).all()
    half = (high - low) / 2
    assert (np.abs(f - truth) <= SIGMAS / Z95 * half).all()
