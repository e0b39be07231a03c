"""The S(n) law: candidate models fitted over a range of widths fixed in advance, each with its
own goodness-of-fit test, and a law published only when it passes (results/deep/s_law.json).

Data: S(n) at the grid's M, one value per width from split.parquet, and its relative standard
error S_rel_se = sqrt(v_pooled(n) / T_n) (reludeath.deep.estimate: influence values over the
width's networks, the relative variance pooled over neighbouring widths). The variance is that
of the model's value, se(n) = |f(n)| S_rel_se(n) (Pearson, as the score intervals; a sample's
own S is correlated with its spread), so each candidate is fitted by iterated weighted least
squares. The widths' networks are drawn independently, so the chi-square over widths is a sum
of independent terms:

    chi2 = sum_n ((S(n) - f(n)) / se(n))^2,  dof = widths - parameters,  p = P(chi2_dof >= chi2).

Tables without S_rel_se (older ones) use se = (S_high - S_low) / (2 z_0.975), fixed.

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
    "law_band",
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


_ITERATIONS = 20


def fit_candidate(
    name: str, n: np.ndarray, s: np.ndarray, se: np.ndarray, rel: np.ndarray | None = None
) -> dict:
    """{formula, params, errors, covariance, chi2, dof, p_value, se} of one candidate: weighted
    by 1 / se^2 with se fixed, or, given rel, se = |f(n)| rel iterated to convergence (se
    starts at the data's; the chi2 and `se` are at the final parameters)."""
    model, names, start = CANDIDATES[name]
    sigma = np.asarray(se, float)
    params = np.asarray(start, float)
    for _ in range(_ITERATIONS if rel is not None else 1):
        previous = params
        params, cov = optimize.curve_fit(model, n, s, p0=params, sigma=sigma, absolute_sigma=True)
        if rel is None:
            break
        sigma = np.maximum(np.abs(model(n, *params)), 1e-12) * rel
        if np.allclose(params, previous, rtol=1e-10, atol=1e-12):
            break
    chi2 = float((((s - model(n, *params)) / sigma) ** 2).sum())
    dof = len(n) - len(names)
    return {
        "formula": _FORMULAS[name],
        "params": dict(zip(names, map(float, params), strict=True)),
        "errors": dict(zip(names, map(float, np.sqrt(np.diag(cov))), strict=True)),
        "covariance": [[float(v) for v in row] for row in cov],
        "chi2": chi2,
        "dof": dof,
        "p_value": float(stats.chi2.sf(chi2, dof)),
        "se": [float(v) for v in sigma],
    }


def s_law(split: pd.DataFrame) -> dict:
    """Every candidate on S(n), n in N_RANGE, from split.parquet's rows; `model` is the
    published candidate's name (None when none passes) and `data` the table fitted."""
    use = split[(split["n"] >= N_RANGE[0]) & (split["n"] <= N_RANGE[1])].sort_values("n")
    use = use[np.isfinite(use["S_high"])]
    n = use["n"].to_numpy(float)
    s = use["S"].to_numpy(float)
    pooled = "S_rel_se" in use
    rel = use["S_rel_se"].to_numpy(float) if pooled else None
    se = s * rel if pooled else ((use["S_high"] - use["S_low"]) / (2 * Z95)).to_numpy(float)
    errors = (
        "influence values over each width's networks, relative variance pooled over "
        "neighbouring widths; se(n) = |f(n)| S_rel_se(n) at each candidate's fit (iterated); "
        "widths independent"
        if pooled
        else "se = (S_high - S_low) / (2 * 1.96); widths independent"
    )
    out = {
        "n_range": list(N_RANGE),
        "errors_from": errors,
        "pass_level": PASS_LEVEL,
        "data": {
            "n": [int(v) for v in n],
            "S": s.tolist(),
            "se": se.tolist(),
            "rel_se": rel.tolist() if pooled else None,
            "source": use["source"].tolist() if "source" in use else None,
            "data_points": [int(v) for v in use["data_points"]],
            "networks": [int(v) for v in use["networks"]],
        },
    }
    if len(n) < 3 or np.any(se <= 0):
        return {**out, "model": None, "candidates": {}, "verdict": "too few widths to fit"}
    candidates = {name: fit_candidate(name, n, s, se, rel) for name in CANDIDATES}
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
        **{
            k: published.get(k)
            for k in ("formula", "params", "errors", "covariance", "chi2", "dof")
        },
        "p_value": published.get("p_value"),
        "candidates": candidates,
        "verdict": f"{verdict}; {shown}",
    }


def law_band(law: dict, n: np.ndarray, z: float = Z95) -> tuple[np.ndarray, ...]:
    """(f(n), low, high): the published model and its pointwise 95% band from the parameters'
    covariance (delta method, central-difference gradient); law["model"] must not be None."""
    model = CANDIDATES[law["model"]][0]
    theta = np.array(list(law["params"].values()), float)
    cov = np.array(law["covariance"], float)
    n = np.asarray(n, float)
    grad = []
    for i in range(len(theta)):
        h = 1e-6 * max(abs(theta[i]), 1.0)
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        grad.append((model(n, *up) - model(n, *down)) / (2 * h))
    g = np.stack(grad, axis=-1)
    se = np.sqrt(np.einsum("...i,ij,...j->...", g, cov, g))
    f = model(n, *theta)
    return f, f - z * se, f + z * se


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
