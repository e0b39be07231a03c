"""The split identity and the quantities that control the convergence of P / l.

For iid networks (with or without symmetric biases) a layer kills every living point only
if no neuron *splits* them, and then with probability exactly 2^-n, so

    P(n, k) / l(n, k) = prod_{j <= k} (1 + sigma_j(n) / (2^n - 1)),

with sigma_j(n) the probability that layer j splits the living points of a network alive
at layer j - 1 (docs/science.md). This module estimates

    S(n) = sum_j sigma_j(n)                 (the paper's sufficient condition is S = o(2^n))
    c(n) = prod_j (1 + sigma_j / (2^n - 1)) (the plateau of P / l in k)

with bootstrap intervals over networks, checks the identity against the direct counts,
and compares a power law with an exponential for S(n).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy import stats

from reludeath.sampling.seeds import generator
from reludeath.stats import Z95, bootstrap_counts

__all__ = [
    "bootstrap_split",
    "identity_check",
    "network_split_arrays",
    "s_and_c",
    "s_growth_report",
    "split_arrays",
    "split_report",
]

_LN2 = math.log(2.0)


def network_split_arrays(
    table: pa.Table, networks: int, depth: int, data_points: int, keep: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(at_risk, split), both (networks, keep) booleans, from one shard table:
    at_risk[t, j-1] = network t is alive after layer j-1; split[t, j-1] = it is, and
    layer j splits its living points. `keep` truncates to the first layers."""
    alive = table.column("alive_points").to_numpy().reshape(networks, depth)
    split = table.column("split").to_numpy(zero_copy_only=False).reshape(networks, depth)
    return split_arrays(alive, split, data_points, keep)


def split_arrays(
    alive_points: np.ndarray, split: np.ndarray, data_points: int, keep: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(at_risk, split), both (networks, keep) booleans, from a shard's (networks, depth)
    alive_points and split columns (``network_split_arrays``' definitions)."""
    keep = alive_points.shape[1] if keep is None else min(keep, alive_points.shape[1])
    alive = alive_points[:, :keep]
    before = np.hstack([np.full((len(alive), 1), data_points, alive.dtype), alive[:, :-1]])
    at_risk = before > 0
    return at_risk, split[:, :keep] & at_risk


def s_and_c(at_risk: np.ndarray, split: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """S and c from per-layer counts (..., K); layers with no network at risk add nothing."""
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = np.where(at_risk > 0, split / np.maximum(at_risk, 1), 0.0)
    S = sigma.sum(axis=-1)
    c = np.exp(np.log1p(sigma / (2.0**n - 1)).sum(axis=-1))
    return S, c


def bootstrap_split(
    at_risk: np.ndarray,
    split: np.ndarray,
    n: int,
    replicates: int = 1000,
    seed: int = 0,
    chunk: int = 100,
) -> dict:
    """S(n) and c(n) with 95% percentile intervals from a bootstrap over networks.

    Each replicate redraws the T networks with replacement (multinomial counts), so
    sigma_j* = sum_t w_t split_tj / sum_t w_t at_risk_tj. Deterministic given `seed`.
    """
    T = at_risk.shape[0]
    risk, cut = at_risk.astype(float), split.astype(float)
    S, c = s_and_c(risk.sum(axis=0), cut.sum(axis=0), n)
    rng = generator(seed, "split-bootstrap", n)
    S_boot, c_boot = [], []
    for start in range(0, replicates, chunk):
        size = min(chunk, replicates - start)
        weights = bootstrap_counts(rng, T, size)
        s, cc = s_and_c(weights @ risk, weights @ cut, n)
        S_boot.append(s)
        c_boot.append(cc)
    S_b, c_b = np.concatenate(S_boot), np.concatenate(c_boot)
    return {
        "n": n,
        "networks": T,
        "depth": at_risk.shape[1],
        "S": float(S),
        "S_low": float(np.quantile(S_b, 0.025)),
        "S_high": float(np.quantile(S_b, 0.975)),
        "S_se": float(S_b.std(ddof=1)) if replicates > 1 else math.nan,
        "c": float(c),
        "c_low": float(np.quantile(c_b, 0.025)),
        "c_high": float(np.quantile(c_b, 0.975)),
        "replicates": replicates,
    }


def _line(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> dict:
    """Weighted least squares y = intercept + slope x, with 95% t intervals."""
    design = np.column_stack([np.ones_like(x), x])
    sw = np.sqrt(w)
    coef, _, _, _ = np.linalg.lstsq(design * sw[:, None], y * sw, rcond=None)
    residual = (y - design @ coef) * sw
    dof = len(x) - 2
    rss = float(residual @ residual)
    scale = rss / dof if dof > 0 else math.nan
    cov = scale * np.linalg.inv(design.T @ (design * w[:, None]))
    q = float(stats.t.ppf(0.975, dof)) if dof > 0 else math.nan
    se = np.sqrt(np.diag(cov))
    return {
        "intercept": float(coef[0]),
        "slope": float(coef[1]),
        "slope_ci95": [float(coef[1] - q * se[1]), float(coef[1] + q * se[1])],
        "weighted_rss": rss,
        "points": len(x),
    }


def s_growth_report(boot: pd.DataFrame, min_width: int = 4) -> dict:
    """Fit S(n) = A n^b (power law) and S(n) = B e^(lambda n) (exponential) on n >= min_width,
    weighted by the bootstrap SE of log S, compare them, and judge S(n) = o(2^n) by the
    local growth rate d ln S / dn over the upper half of the widths against ln 2."""
    use = boot[(boot["n"] >= min_width) & (boot["S"] > 0)].sort_values("n")
    if len(use) < 3:
        return {"available": False, "verdict": "undecided: fewer than three widths n >= 4"}
    n = use["n"].to_numpy(float)
    log_s = np.log(use["S"].to_numpy())
    se = (use["S_se"] / use["S"]).to_numpy()
    w = 1 / np.maximum(se, 1e-3) ** 2
    power = _line(np.log(n), log_s, w)
    exponential = _line(n, log_s, w)
    upper = use.tail(max(3, math.ceil(len(use) / 2)))  # the larger widths, at least three
    local = _line(upper["n"].to_numpy(float), np.log(upper["S"].to_numpy()), w[-len(upper) :])
    low, high = local["slope_ci95"]
    better = "power law" if power["weighted_rss"] <= exponential["weighted_rss"] else "exponential"
    ratio = (use["S"] / np.exp2(use["n"])).to_numpy()
    if len(use) >= 4 and high < _LN2:
        verdict = "holds"
    elif len(use) >= 4 and low > _LN2:
        verdict = "fails"
    else:
        verdict = "undecided"
    rate_words = (
        f"{verdict}: over n = {int(upper['n'].min())}..{int(upper['n'].max())}, ln S(n) grows "
        f"at {local['slope']:.3f} per unit n (95% CI {low:.3f} to {high:.3f}) against "
        f"ln 2 = {_LN2:.3f}; S(n)/2^n falls from {ratio[0]:.3g} (n = {int(n[0])}) to "
        f"{ratio[-1]:.3g} (n = {int(n[-1])})."
    )
    words = (
        f"{rate_words} Of A n^b and B e^(lambda n), the {better} has the smaller weighted RSS "
        f"({power['weighted_rss']:.3g} power law, {exponential['weighted_rss']:.3g} "
        "exponential): a comparison, not a test of fit, so no law is quoted here (with the deep "
        "family, results/deep/s_law.json tests the candidate laws)."
    )
    return {
        "available": True,
        "widths": [int(v) for v in n],
        "power_law": {**power, "A": math.exp(power["intercept"]), "b": power["slope"]},
        "exponential": {**exponential, "rate": exponential["slope"]},
        "better": better,
        "local_growth": local,
        "S_over_2n": {int(k): float(v) for k, v in zip(n, ratio, strict=True)},
        "is_o_2n": verdict,
        "rate_verdict": rate_words,
        "verdict": words,
    }


def split_report(boot: pd.DataFrame) -> dict:
    """S(n) and c(n) as {n: {value, ci95}}, and the growth of S(n) (s_growth_report)."""
    rows = boot.sort_values("n")
    return {
        "S": {
            int(r.n): {"value": r.S, "ci95": [r.S_low, r.S_high]}
            for r in rows.itertuples(index=False)
        },
        "c": {
            int(r.n): {"value": r.c, "ci95": [r.c_low, r.c_high]}
            for r in rows.itertuples(index=False)
        },
        "depth": int(rows["depth"].max()),
        "networks": int(rows["networks"].max()),
        "bootstrap_replicates": int(rows["replicates"].max()),
        "growth": s_growth_report(rows),
    }


def identity_check(grid: pd.DataFrame) -> dict:
    """Check the split identity on every scheme of `grid`, which holds only schemes that obey
    it (sign-symmetric: reludeath.workflow_plan.WorkflowPlan.identity_schemes), in its order
    (O1, O2, O5 of docs/science.md).

    - deaths at split layers (exactly 0 if the identity's first step holds);
    - deaths at non-split layers against Binomial(nosplit_at_risk, 2^-n), pooled over k:
      z_n = (O - E) / sqrt(sum at_risk 2^-n (1 - 2^-n)); X^2 = sum_n z_n^2 on #n dof;
    - ratio_identity against the direct P / l: the share of cells whose 95% Wilson
      interval holds it, and at the deepest layer of each n, z_n and X^2 over n (the
      widths are independent; the direct count's variance dominates the difference).
    """
    out = {}
    for scheme in grid["scheme"].unique():
        rows = grid[(grid["scheme"] == scheme) & (grid["n"] >= 1)]
        if rows.empty:
            continue
        q = np.exp2(-rows["n"].astype(float))
        per_n = (
            rows.assign(
                expected=rows["nosplit_at_risk"] * q,
                variance=rows["nosplit_at_risk"] * q * (1 - q),
                nosplit_deaths=rows["deaths"] - rows["deaths_at_split"],
            )
            .groupby("n")[["nosplit_deaths", "expected", "variance"]]
            .sum()
        )
        per_n = per_n[per_n["variance"] > 0]
        z = (per_n["nosplit_deaths"] - per_n["expected"]) / np.sqrt(per_n["variance"])
        x2 = float((z**2).sum())
        lower = rows["lower_bound"]
        low, high = rows["p_alive_low"] / lower, rows["p_alive_high"] / lower
        usable = rows["ratio_identity"].notna() & (rows["alive_networks"] > 0)
        inside = (low <= rows["ratio_identity"]) & (rows["ratio_identity"] <= high)
        deepest = rows[usable].sort_values("k").groupby("n").tail(1)
        se = (deepest["p_alive_high"] - deepest["p_alive_low"]) / (2 * Z95)
        se = se / deepest["lower_bound"]
        ok = se > 0
        zd = (deepest["p_alive"] / deepest["lower_bound"] - deepest["ratio_identity"])[ok] / se[ok]
        out[scheme] = {
            "deaths_at_split": int(rows["deaths_at_split"].sum()),
            "deaths": int(rows["deaths"].sum()),
            "nosplit_death_rate": {
                "z_by_n": {int(k): float(v) for k, v in z.items()},
                "chi2": x2,
                "dof": len(z),
                "p_value": float(stats.chi2.sf(x2, len(z))) if len(z) else math.nan,
            },
            "ratio_agreement": {
                "cells": int(usable.sum()),
                "cells_inside_95": int((inside & usable).sum()),
                "fraction_inside_95": float((inside & usable).sum() / max(usable.sum(), 1)),
                "deepest_z_by_n": {
                    int(n): float(v) for n, v in zip(deepest["n"][ok], zd, strict=True)
                },
                "deepest_chi2": float((zd**2).sum()),
                "deepest_dof": int(ok.sum()),
                "deepest_p_value": float(stats.chi2.sf((zd**2).sum(), ok.sum()))
                if ok.sum()
                else math.nan,
            },
        }
    return out
