"""The headline numbers of a run, as Markdown (results/summary.md)."""

from __future__ import annotations

import pandas as pd

from reludeath.stats import wilson_interval

__all__ = ["summary_markdown"]


def _table(frame: pd.DataFrame) -> str:
    """A small DataFrame as a Markdown table (no optional dependency needed)."""
    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = [
        "| " + " | ".join(f"{v:.4g}" if isinstance(v, float) else str(v) for v in row) + " |"
        for row in frame.itertuples(index=False)
    ]
    return "\n".join([header, rule, *rows])


def _violations(grid: pd.DataFrame) -> str:
    counts = grid.groupby("scheme").agg(
        cells=("k", "size"),
        below_lower=("violates_lower", "sum"),
        above_upper=("violates_upper", "sum"),
    )
    lines = [
        "## Bound violations",
        "",
        "A cell (scheme, n, k) violates a bound when its 95% Wilson interval for P(alive) "
        "excludes it. The bounds l <= P <= u0 are proved for iid parameters only; signflip "
        "and batchnorm are expected to exceed u0.",
        "",
        _table(counts.reset_index()),
    ]
    if "iid" in counts.index:
        iid = counts.loc["iid"]
        total = int(iid.below_lower + iid.above_upper)
        rows = grid[grid["scheme"] == "iid"]
        low, high = wilson_interval(rows["alive_networks"], rows["networks"], z=5.0)
        strict = int(((high < rows["lower_bound"]) | (low > rows["upper_bound"])).sum())
        lines += [
            "",
            f"**iid: {total} of {iid.cells} cells violate a bound at 95%; {strict} at 5 sigma.** "
            "Where a bound is tight (P = l at large n), a 95% interval excludes it in 2.5% of "
            "cells by chance alone, so a few 95% flags are expected; 5-sigma flags are not.",
        ]
    return "\n".join(lines)


def _final_depth(grid: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    deepest = grid[grid["k"] == grid["k"].max()]
    widths = sorted(deepest["n"].unique())
    chosen = sorted({widths[0], widths[len(widths) // 3], widths[2 * len(widths) // 3], widths[-1]})
    rows = deepest[deepest["n"].isin(chosen)]
    return rows.pivot_table(index="n", columns="scheme", values=columns).round(4)


def _flatten(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame.columns = [f"{a} ({b})" for a, b in frame.columns]
    return frame.reset_index()


def summary_markdown(grid: pd.DataFrame, convergence: dict, assumption: dict) -> str:
    """Bound violations, fitted convergence, variance verdict and scheme comparisons."""
    depth = int(grid["k"].max())
    params = convergence["parameters"]
    fit = convergence["goodness_of_fit"]
    parts = [
        "# reludeath: summary",
        "",
        f"{int(grid['networks'].max())} networks per cell, {int(grid['data_points'].max())} "
        f"data points, depths 1..{depth}, widths {grid['n'].min()}..{grid['n'].max()}.",
        "",
        _violations(grid),
        "",
        "## Convergence of P / l along the path",
        "",
        f"Model: {convergence['model']}.",
        f"C = {params['C']:.3g} (95% CI {params['C_ci95'][0]:.3g} to {params['C_ci95'][1]:.3g}), "
        f"beta = {params['beta']:.3g} (95% CI {params['beta_ci95'][0]:.3g} to "
        f"{params['beta_ci95'][1]:.3g}); chi2/dof = {fit['reduced_chi2']:.3g} "
        f"(p = {fit['p_value']:.3g}).",
        "",
        "Mean P/l over the deepest tenth of each path: "
        + ", ".join(f"p={p}: {v:.3f}" for p, v in convergence["ratio_at_deepest_tenth"].items())
        + ".",
        "",
        "## Normalized-variance assumption",
        "",
        assumption["verdict"]["summary"],
    ]
    schemes = set(grid["scheme"])
    if {"iid", "signflip", "batchnorm"} & schemes and "iid" in schemes:
        table = _flatten(_final_depth(grid, ["living_fraction"]))
        parts += [
            "",
            f"## Living fraction at depth {depth}: signflip and batchnorm against iid",
            "",
            _table(table),
        ]
    if "batchnorm" in schemes:
        bn = grid[grid["scheme"] == "batchnorm"]
        worst = bn.loc[bn["p_alive"].idxmin()]
        parts += [
            "",
            "## Batch normalization and the claim that it keeps networks alive",
            "",
            f"The layer output over the batch is nonzero in {bn['p_nonzero'].mean():.1%} of "
            f"(network, layer) cells, as the paper's guarantee says. But in the cumulative sense "
            f"P(alive) falls to {worst.p_alive:.3f} (95% CI {worst.p_alive_low:.3f} to "
            f"{worst.p_alive_high:.3f}) at n={worst.n}, k={worst.k}: batch normalization does not "
            f"keep data points alive.",
        ]
    if {"rai", "iid"} <= schemes:
        table = _flatten(_final_depth(grid, ["p_alive", "p_collapsed"]))
        table = table[[c for c in table.columns if c == "n" or "(iid)" in c or "(rai)" in c]]
        parts += [
            "",
            f"## RAI against iid at depth {depth}: alive and collapsed",
            "",
            _table(table),
        ]
    return "\n".join(parts) + "\n"
