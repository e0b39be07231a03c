"""The deep family's section of the summary, every number computed from its tables."""

from __future__ import annotations

import math

import pandas as pd

from reludeath.deep.estimate import POOL_HALF_WIDTH, monotone_violations

__all__ = [
    "deep_markdown",
    "law_markdown",
    "m_dependence",
    "population_markdown",
    "s_table_markdown",
]


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


def s_table_markdown(split: pd.DataFrame) -> list[str]:
    """Lines: the S(n) table (one estimator, score intervals on the pooled relative variance;
    reludeath.deep.estimate) with each width's source, and whether S is monotone within its
    intervals."""
    pooled = "S_rel_se" in split
    head = "| n | source | M | networks | K | S [95%] | c - 1 [95%] | tail bound |"
    lines = [head, "|---" * 8 + "|"]
    for r in split.itertuples():
        row = _fmt_row(r)
        lines.append(f"| {int(r.n)} | {getattr(r, 'source', '-')} |" + row.split("|", 2)[2])
    if pooled:
        bad = monotone_violations(split)
        lines += [
            "",
            "S and c from sum_j C_j / R_j over each width's networks (the grid's iid shards or "
            "the deep runs, late networks followed until their points are on one ray); 95% "
            "score intervals from influence values, the relative variance pooled over widths "
            f"n - {POOL_HALF_WIDTH}..n + {POOL_HALF_WIDTH} (docs/science.md, section 9). "
            + (
                "S is monotone within its intervals: no n < n' with S_high(n') < S_low(n)."
                if not bad
                else f"S is not monotone within its intervals at (n, n') = {bad}."
            ),
        ]
    return lines


def deep_markdown(
    split: pd.DataFrame,
    path: pd.DataFrame,
    data_points: pd.DataFrame,
    m_steps: pd.DataFrame,
    networks: pd.DataFrame,
    claims: pd.DataFrame,
    population: pd.DataFrame | None = None,
    limits: pd.DataFrame | None = None,
    law: dict | None = None,
) -> str:
    """The Markdown section: S, c per width, P/l along the path, S and c against M, and (with
    its tables) the population probability and S_inf."""
    head = "| n | M | networks | K | S [95%] | c - 1 [95%] | tail bound |\n" + "|---" * 7 + "|"
    lines = ["## The path to k = 10^9 through the split identity", ""]
    lines += [
        "P/l = prod_j (1 + sigma_j / (2^n - 1)) from the split rates sigma_j of iid networks "
        "(docs/science.md, the deep method); widths above the grid's simulated until the splits "
        "stop, the tail bound covering what the truncation leaves out.",
        "",
    ]
    wide = networks[networks["study"] == "path"]
    K = wide["depth_simulated"]
    late_wide = wide["last_split"] > K - 2 * (K // 4)
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
                f"{int(late_wide.sum())} split in the last half of their run (late: checked in "
                f"float64), {int(wide['one_ray'].sum())} of them with their points on one ray "
                "at the end (no split can follow); the last split came at layer "
                f"{int(wide['last_split'].max())} at most "
                f"(median {float(wide['last_split'].median()):.0f}).",
                "",
            ]
        )
        late = networks[networks["study"] == "grid_late"]
        if not late.empty:
            lines += [
                f"{len(late)} late-splitting networks of the grid's widths "
                f"{sorted(int(n) for n in late['n'].unique())} (the shards carry no one-ray flags) "
                f"were followed past the grid's depth: {int(late['one_ray'].sum())} ended on one "
                f"ray (followed to layer {int(late['depth_simulated'].max())} at most), the last "
                f"split at layer {int(late['last_split'].max())}.",
                "",
            ]
    lines += ["### S(n) and c(n)", "", *s_table_markdown(split), ""]
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
        "quantity; a fixed-M study estimates it from below (S and c grow with M). Shrinking "
        "increments alone do not bound what is left: the limit is estimated by the tail model "
        "below, or left undecided.",
    ]
    if law is not None:
        lines += ["", *law_markdown(law)]
    if population is not None and limits is not None:
        lines += ["", *population_markdown(population, limits, split)]
    lines += ["", "### Claims judged here", ""]
    lines += [f"- `{r.claim_id}`: **{r.verdict}**. {r.measured}" for r in claims.itertuples()]
    return "\n".join(lines) + "\n"


def _p(value: float, low: float, high: float) -> str:
    return f"{value:.4g} [{low:.4g}, {high:.4g}]"


def population_markdown(
    population: pd.DataFrame, limits: pd.DataFrame, split: pd.DataFrame
) -> list[str]:
    """Lines: P_inf(2, k) from the arc construction against P_M on the same networks at the
    grid's M, with the gap P_inf - P_M (paired); P_M(3, k) at the smallest and largest M; and
    S_inf(n) per width."""
    lines = ["### The population probability P_inf (every input)", ""]
    points = population[population["method"] == "points"]
    arc = population[population["method"] == "arc"].set_index("k")
    depths = [k for k in (2, 4, 8, 16) if k in arc.index]
    grid_m = split.loc[split["n"] == 2, "data_points"]
    m = int(grid_m.iloc[0]) if len(grid_m) else int(points["data_points"].max())
    paired = points[(points["n"] == 2) & (points["data_points"] == m)].set_index("k")
    if depths and not paired.empty:
        lines += [
            f"n = 2, on the same {int(arc['networks'].iloc[0])} networks: P_inf from the exact "
            f"arc construction, P_M on each network's first M = {m} points, and the gap "
            "P_inf - P_M (the share of networks alive over every input and dead on the points; "
            "95% Wilson intervals).",
            "",
            f"| k | P_inf(2, k) | P_{m}(2, k) | P_inf - P_{m} |",
            "|---|---|---|---|",
        ]
        for k in depths:
            a, b = arc.loc[k], paired.loc[k]
            lines.append(
                f"| {k} | {_p(a.p_alive, a.p_low, a.p_high)} | {_p(b.p_alive, b.p_low, b.p_high)}"
                f" | {_p(b.gap, b.gap_low, b.gap_high)} |"
            )
        lines.append("")
    for n, rows in points[points["n"] != 2].groupby("n"):
        small, large = rows["data_points"].min(), rows["data_points"].max()
        by = rows.set_index(["data_points", "k"])
        shown = [
            f"k = {k}: {by.loc[(small, k), 'p_alive']:.4g} at M = {small}, "
            f"{_p(*by.loc[(large, k), ['p_alive', 'p_low', 'p_high']])} at M = {large}"
            for k in (2, 4, 8, 16)
            if (large, k) in by.index
        ]
        lines += [f"- n = {int(n)}, nested in M: " + "; ".join(shown), ""]
    lines += [
        "### S_inf(n), the limit in M",
        "",
        "| n | method | S_inf [95%] | chi2 / dof, p | a + b log M chi2 | M |",
        "|---|---|---|---|---|---|",
    ]
    for r in limits.itertuples():
        fit = f"{r.chi2:.3g} / {r.dof:.0f}, p = {r.p_value:.3g}" if math.isfinite(r.chi2) else "-"
        log = f"{r.log_chi2:.3g}" if math.isfinite(r.log_chi2) else "-"
        lines.append(
            f"| {int(r.n)} | {r.method} | {_p(r.S_inf, r.S_inf_low, r.S_inf_high)} | {fit} | "
            f"{log} | {r.data_points} |"
        )
    return lines


def law_markdown(law: dict) -> list[str]:
    """Lines: the S(n) law (results/deep/s_law.json) and the fit in ln M."""
    lo, hi = law["n_range"]
    lines = [f"### The S(n) law over n = {lo}..{hi} (results/deep/s_law.json)", ""]
    verdict = law["verdict"][:1].upper() + law["verdict"][1:]
    lines += [f"At the grid's M, errors: {law.get('errors_from')}. {verdict}."]
    if law.get("model") is None and law.get("candidates"):
        lines += [
            "",
            "No law is published: the data are the S(n) table above (and deep_split.png).",
        ]
    fit = law.get("m_sweep", {})
    if fit.get("available"):
        a, b, c = (fit["params"][k] for k in "abc")
        ea, eb, ec = (fit["errors"][k] for k in "abc")
        lines += [
            "",
            f"On the M sweep (n = {fit['widths']}, M = {fit['data_points']}): S = {a:.3g} "
            f"(+- {ea:.2g}) + {b:.3g} (+- {eb:.2g}) n + {c:.3g} (+- {ec:.2g}) ln M, chi2 = "
            f"{fit['chi2']:.3g} on {fit['dof']} dof, p = {fit['p_value']:.3g}"
            f"{'' if fit['passes'] else ' (fails its test)'}.",
        ]
    return lines
