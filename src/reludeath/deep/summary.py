"""The deep family's section of the summary, every number computed from its tables."""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["deep_markdown", "m_dependence"]

_Z95 = 1.959963984540054


def m_dependence(steps: pd.DataFrame) -> pd.DataFrame:
    """Per width, from the paired steps in M: the first and last increment of S with their
    intervals, their ratio, whether the last is significantly below the first (disjoint
    95% intervals: the growth slows, as a converging S must), and the last step's share of
    c - 1 (how much c(n) still moved over the last factor of M)."""
    rows = []
    for n, g in steps.groupby("n"):
        first, last = g.iloc[0], g.iloc[-1]
        rows.append(
            {
                "n": int(n),
                "first": first,
                "last": last,
                "ratio": last.dS / first.dS if first.dS > 0 else math.nan,
                "slows": bool(len(g) >= 2 and last.dS_high < first.dS_low),
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
    m_steps: pd.DataFrame,
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
    wide = networks[networks["study"] == "path"]
    if wide.empty:
        lines += [
            "No width beyond the grid's was simulated: the grid's iid networks hold every width "
            "the path needs (deep.widths resolved to an empty list).",
            "",
        ]
    if not networks.empty:
        lines += (
            []
            if wide.empty
            else [
                f"Of the {len(wide)} networks simulated beyond the grid's widths, "
                f"{int(wide['one_ray'].sum())} ended with their points on one ray (no split can "
                f"follow); the last split came at layer {int(wide['last_split'].max())} at most "
                f"(median {float(wide['last_split'].median()):.0f}).",
                "",
            ]
        )
        late = networks[networks["study"] == "grid_late"]
        if not late.empty:
            lines += [
                f"{len(late)} late-splitting networks of the grid's widths "
                f"{sorted(int(n) for n in late['n'].unique())} (tail unbounded from the shards) "
                f"were followed past the grid's depth: {int(late['one_ray'].sum())} ended on one "
                f"ray (followed to layer {int(late['depth_simulated'].max())} at most), the last "
                f"split at layer {int(late['last_split'].max())}.",
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
    for r in m_dependence(m_steps).itertuples():
        a, b = r.first, r.last
        trend = (
            "the increments shrink significantly (paired 95% intervals disjoint)"
            if r.slows
            else "the increments do not shrink significantly"
        )
        lines.append(
            f"- n = {r.n}: S rises by {a.dS:.3g} [{a.dS_low:.3g}, {a.dS_high:.3g}] from M = "
            f"{int(a.data_points_from)} to {int(a.data_points_to)} and by {b.dS:.3g} "
            f"[{b.dS_low:.3g}, {b.dS_high:.3g}] from {int(b.data_points_from)} to "
            f"{int(b.data_points_to)} (ratio {r.ratio:.3g}): {trend}; the last step moved "
            f"c(n) - 1 by {100 * b.dc_relative:.2g}%."
        )
    lines += [
        "",
        "The paper's P is about the data distribution, the M -> infinity limit of the simulated "
        "quantity; a fixed-M study estimates it from below (S and c grow with M). Where the "
        "increments shrink, the M = 1024 values are within the last steps' share of the limit.",
    ]
    lines += ["", "### Claims judged here", ""]
    lines += [f"- `{r.claim_id}`: **{r.verdict}**. {r.measured}" for r in claims.itertuples()]
    return "\n".join(lines) + "\n"
