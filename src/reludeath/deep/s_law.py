"""The S(n) law: candidate models fitted over a range of widths fixed in advance, each with its
own goodness-of-fit test, and a law published only when it passes (results/deep/s_law.json).

Data: S(n) at the grid's M, one value per width from split.parquet, with its standard error
(S_high - S_low) / (2 z_0.975) from the bootstrap over that width's networks. The widths'
networks are drawn independently, so the chi-square over widths is a sum of independent terms:

    chi2 = sum_n ((S(n) - f(n)) / se(n))^2,  dof = widths - parameters,  p = P(chi2_dof >= chi2).

Candidates: a n + b, A n^b (power), a n ln n + b. The published model is the candidate with the
largest p among those with p >= 0.05; none passing, none is published.

Separately, on the M sweep: S(n, M) = a + b n + c ln M by generalized least squares, the
covariance block-diagonal over widths (independent networks) and, within a width, that of S
over M from the bootstrap (the same networks at every M).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import optimize, stats

from reludeath.deep.identity import Identity
from reludeath.deep.m_limit import s_of_m
from reludeath.stats import Z95

__all__ = [
    "CANDIDATES",
    "N_RANGE",
    "PASS_LEVEL",
    "fit_candidate",
    "law_json",
    "m_law",
    "s_law",
]

N_RANGE = (3, 34)  # fixed in advance (issue 31), not chosen after seeing the fits
PASS_LEVEL = 0.05

# name -> (model f(n, *params), parameter names, starting values for the power law)
CANDIDATES: dict[str, tuple[Callable, tuple[str, ...], tuple[float, ...]]] = {
    "linear": (lambda n, a, b: a * n + b, ("a", "b"), (1.0, 0.0)),
    "power": (lambda n, a, b: a * n**b, ("A", "b"), (1.0, 1.0)),
    "n_log_n": (lambda n, a, b: a * n * np.log(n) + b, ("a", "b"), (1.0, 0.0)),
}
_FORMULAS = {"linear": "S = a n + b", "power": "S = A n^b", "n_log_n": "S = a n ln n + b"}


def fit_candidate(name: str, n: np.ndarray, s: np.ndarray, se: np.ndarray) -> dict:
    """{formula, params, errors, chi2, dof, p_value} of one candidate, weighted by 1 / se^2."""
    model, names, start = CANDIDATES[name]
    params, cov = optimize.curve_fit(model, n, s, p0=start, sigma=se, absolute_sigma=True)
    chi2 = float((((s - model(n, *params)) / se) ** 2).sum())
    dof = len(n) - len(names)
    return {
        "formula": _FORMULAS[name],
        "params": dict(zip(names, map(float, params), strict=True)),
        "errors": dict(zip(names, map(float, np.sqrt(np.diag(cov))), strict=True)),
        "chi2": chi2,
        "dof": dof,
        "p_value": float(stats.chi2.sf(chi2, dof)),
    }


def s_law(split: pd.DataFrame) -> dict:
    """Every candidate on S(n), n in N_RANGE, from split.parquet's rows; `model` is the
    published candidate's name (None when none passes) and `data` the table fitted."""
    use = split[(split["n"] >= N_RANGE[0]) & (split["n"] <= N_RANGE[1])].sort_values("n")
    use = use[np.isfinite(use["S_high"])]
    n = use["n"].to_numpy(float)
    s = use["S"].to_numpy(float)
    se = ((use["S_high"] - use["S_low"]) / (2 * Z95)).to_numpy(float)
    out = {
        "n_range": list(N_RANGE),
        "errors": "bootstrap over each width's networks: se = (S_high - S_low) / (2 * 1.96); "
        "widths independent",
        "pass_level": PASS_LEVEL,
        "data": {
            "n": [int(v) for v in n],
            "S": s.tolist(),
            "se": se.tolist(),
            "data_points": [int(v) for v in use["data_points"]],
            "networks": [int(v) for v in use["networks"]],
        },
    }
    if len(n) < 3 or np.any(se <= 0):
        return {**out, "model": None, "candidates": {}, "verdict": "too few widths to fit"}
    candidates = {name: fit_candidate(name, n, s, se) for name in CANDIDATES}
    passing = {k: v for k, v in candidates.items() if v["p_value"] >= PASS_LEVEL}
    model = max(passing, key=lambda k: passing[k]["p_value"]) if passing else None
    shown = ", ".join(
        f"{v['formula']}: chi2 = {v['chi2']:.3g} on {v['dof']} dof, p = {v['p_value']:.3g}"
        for v in candidates.values()
    )
    verdict = (
        f"published {candidates[model]['formula']} (p = {candidates[model]['p_value']:.3g})"
        if model
        else "no candidate passes its goodness-of-fit test: no law is published"
    )
    published = candidates[model] if model else {}
    return {
        **out,
        "model": model,
        **{k: published.get(k) for k in ("formula", "params", "errors", "chi2", "dof")},
        "p_value": published.get("p_value"),
        "candidates": candidates,
        "verdict": f"{verdict}; {shown}",
    }


def m_law(sweep: dict[int, dict[int, Identity]]) -> dict:
    """S(n, M) = a + b n + c ln M over the M sweep (module docstring): params, errors, chi2,
    dof, p_value; available False when fewer points than parameters + 1."""
    ns, ms, ys, blocks = [], [], [], []
    for n, by_m in sorted(sweep.items()):
        m, s, cov = s_of_m(by_m)
        ns += [n] * len(m)
        ms += list(m)
        ys += list(s)
        blocks.append(cov)
    if len(ys) < 4:
        return {"available": False, "formula": "S = a + b n + c ln M"}
    design = np.stack([np.ones(len(ys)), np.array(ns, float), np.log(np.array(ms, float))], 1)
    cov = np.zeros((len(ys), len(ys)))
    at = 0
    for block in blocks:
        cov[at : at + len(block), at : at + len(block)] = block
        at += len(block)
    inverse = np.linalg.inv(cov)
    normal = np.linalg.inv(design.T @ inverse @ design)
    theta = normal @ design.T @ inverse @ np.array(ys)
    r = np.array(ys) - design @ theta
    chi2 = float(r @ inverse @ r)
    dof = len(ys) - 3
    return {
        "available": True,
        "formula": "S = a + b n + c ln M",
        "params": dict(zip("abc", map(float, theta), strict=True)),
        "errors": dict(zip("abc", map(float, np.sqrt(np.diag(normal))), strict=True)),
        "chi2": chi2,
        "dof": dof,
        "p_value": float(stats.chi2.sf(chi2, dof)),
        "passes": bool(stats.chi2.sf(chi2, dof) >= PASS_LEVEL),
        "errors_from": "bootstrap covariance of S over M within a width; widths independent",
        "widths": sorted(int(n) for n in sweep),
        "data_points": sorted({int(m) for m in ms}),
        "points": [
            {"n": int(n), "M": int(m), "S": float(y)} for n, m, y in zip(ns, ms, ys, strict=True)
        ],
    }


def law_json(split: pd.DataFrame, sweep: dict[int, dict[int, Identity]]) -> dict:
    """The content of s_law.json: s_law on split.parquet and, under "m_sweep", m_law."""
    return _json_ready({**s_law(split), "m_sweep": m_law(sweep)})


def _json_ready(value):
    """`value` with every non-finite float, at any depth, as None (JSON has no inf or NaN)."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
