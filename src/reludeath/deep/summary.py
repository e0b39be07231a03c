"""The deep family's section of the summary, every number computed from its tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["deep_markdown", "m_dependence"]

_Z95 = 1.959963984540054


def m_dependence(table: pd.DataFrame) -> pd.DataFrame:
    """Per width, how S and c - 1 grow with M: the increments of S between successive M,
    the ratio of the last increment to the first (below 1: the growth slows), the slope of
    S against ln M (least squares, weighted by the interval's SE), and whether the last
    increment is significantly smaller than the first (95%, SEs from the intervals)."""
    rows = []
    for n, g in table.sort_values("data_points").groupby("n"):
        m = g["data_points"].to_numpy(float)
        s = g["S"].to_numpy()
        se = np.maximum((g["S_high"] - g["S_low"]).to_numpy() / (2 * _Z95), 1e-9)
        slope = np.polyfit(np.log(m), s, 1, w=1 / se)[0] if len(m) >= 2 else math.nan
        steps = np.diff(s)
        step_se = np.sqrt(se[1:] ** 2 + se[:-1] ** 2)
        if len(steps) >= 2:
            first, last = steps[0], steps[-1]
            z = (first - last) / math.hypot(step_se[0], step_se[-1])
            ratio = last / first if first > 0 else math.nan
        else:
            z = ratio = math.nan
        rows.append(
            {
                "n": int(n),
                "S_by_M": dict(zip(g["data_points"].astype(int), s, strict=True)),
                "c_minus_1_by_M": dict(zip(g["data_points"].astype(int), g["c"] - 1, strict=True)),
                "slope_S_per_ln_M": float(slope),
                "increment_ratio": float(ratio),
                "slowing_z": float(z),
                "slows": bool(z > _Z95),
            }
        )
    return pd.DataFrame(rows)


def _fmt_row(r) -> str:
    return (
        f"| {int(r.n)} | {int(r.data_points)} | {int(r.networks)} | {int(r.depth_simulated)} | "
        f"{r.S:.4g} [{r.S_low:.4g}, {r.S_high:.4g}] | {r.c - 1:.4g} "
        f"[{r.c_low - 1:.4g}, {r.c_high - 1:.4g}] | {r.tail_bound:.3g} |"
    )


def deep_markdown(
    split: pd.DataFrame,
    path: pd.DataFrame,
    data_points: pd.DataFrame,
    networks: pd.DataFrame,
    claims: pd.DataFrame,
) -> str:
    """The Markdown section: S, c per width, P/l along the path, S and c against M."""
    head = "| n | M | networks | K | S [95%] | c - 1 [95%] | tail bound |\n" + "|---" * 7 + "|"
    lines = ["## The path to k = 10^9 through the split identity", ""]
    lines += [
        "P/l = prod_j (1 + sigma_j / (2^n - 1)) from the split rates sigma_j of iid networks "
        "(docs/science.md, the deep method); widths above the grid's simulated until the splits "
        "stop, the tail bound covering what the truncation leaves out.",
        "",
    ]
    if not networks.empty:
        wide = networks[networks["study"] == "path"]
        lines += [
            f"Of the {len(wide)} networks simulated beyond the grid's widths, "
            f"{int(wide['one_ray'].sum())} ended with their points on one ray (no split can "
            f"follow); the last split came at layer {int(wide['last_split'].max())} at most "
            f"(median {float(wide['last_split'].median()):.0f}).",
            "",
        ]
    lines += ["### S(n) and c(n)", "", head, *(_fmt_row(r) for r in split.itertuples()), ""]
    lines += ["### P/l along the path", ""]
    lines += ["| p | k | n | log10 l | P/l - 1 [95%] |", "|---|---|---|---|---|"]
    lines += [
        f"| {r.p:g} | {int(r.k):.0e} | {int(r.n)} | {r.log10_lower_bound:.4g} | "
        f"{r.p_over_l - 1:.3g} [{r.p_over_l_low - 1:.3g}, {r.p_over_l_high - 1:.3g}] |"
        for r in path.itertuples()
    ]
    lines += ["", "### S(n) and c(n) against the number of data points M", ""]
    lines += [head, *(_fmt_row(r) for r in data_points.itertuples()), ""]
    for r in m_dependence(data_points).itertuples():
        trend = (
            "the growth slows significantly (last increment below the first at 95%)"
            if r.slows
            else "no significant slowing of the growth"
        )
        lines.append(
            f"- n = {r.n}: S grows by {r.slope_S_per_ln_M:.3g} per unit ln M; last increment / "
            f"first = {r.increment_ratio:.3g} (z = {r.slowing_z:.2f}): {trend}."
        )
    lines += ["", "### Claims judged here", ""]
    lines += [f"- `{r.claim_id}`: **{r.verdict}**. {r.measured}" for r in claims.itertuples()]
    return "\n".join(lines) + "\n"
