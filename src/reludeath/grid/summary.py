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


def _g(value: float | None, spec: str) -> str:
    """`value` formatted with `spec`; 'n/a' where the report holds no number (None)."""
    return "n/a" if value is None else format(value, spec)


def _convergence(convergence: dict) -> list[str]:
    hazard_model = convergence["hazard_model"]
    params = hazard_model["parameters"]
    split = convergence["split"]
    growth = split["growth"]
    legacy = convergence["legacy_model"]
    overlay = convergence["path_overlay"]
    lines = [
        "## Convergence of P / l along the path",
        "",
        "For iid networks P/l = prod_j (1 + sigma_j(n)/(2^n - 1)) exactly, sigma_j(n) being "
        "the probability that layer j splits the living points (docs/science.md). So P/l "
        "rises in k to a plateau c(n), and the paper's sufficient condition is "
        "S(n) = sum_j sigma_j(n) = o(2^n).",
        "",
    ]
    for scheme, check in convergence["identity_check"].items():
        rate, agree = check["nosplit_death_rate"], check["ratio_agreement"]
        lines.append(
            f"- Identity, {scheme}: {check['deaths_at_split']} of {check['deaths']} deaths at a "
            f"split layer (must be 0); deaths at non-split layers against 2^-n: X^2 = "
            f"{_g(rate['chi2'], '.1f')} on {rate['dof']} dof "
            f"(p = {_g(rate['p_value'], '.3g')}); the identity lies in the 95% interval of the "
            f"direct P/l in {_g(agree['fraction_inside_95'], '.1%')} of "
            f"{agree['cells']} (correlated) cells; at the deepest layer of each width, X^2 = "
            f"{_g(agree['deepest_chi2'], '.1f')} on {agree['deepest_dof']} dof "
            f"(p = {_g(agree['deepest_p_value'], '.3g')})."
        )
    table = pd.DataFrame(
        {
            "n": [int(n) for n in split["S"]],
            "S(n)": [v["value"] for v in split["S"].values()],
            "S 95% CI": [
                f"{_g(v['ci95'][0], '.4g')} to {_g(v['ci95'][1], '.4g')}"
                for v in split["S"].values()
            ],
            "c(n)": [v["value"] for v in split["c"].values()],
            "c 95% CI": [
                f"{_g(v['ci95'][0], '.5g')} to {_g(v['ci95'][1], '.5g')}"
                for v in split["c"].values()
            ],
        }
    )
    lines += [
        "",
        f"S(n) and c(n) over k <= {split['depth']} ({split['bootstrap_replicates']} bootstrap "
        "replicates over networks):",
        "",
        _table(table),
        "",
        f"**S(n) = o(2^n): {growth['verdict']}**",
        "",
        f"Hazard model: {hazard_model['model']}. "
        + ", ".join(
            f"{name} = {_g(params[name]['value'], '.3g')} ({_g(params[name]['ci95'][0], '.3g')} to "
            f"{_g(params[name]['ci95'][1], '.3g')})"
            for name in ("tau0", "a", "gamma")
        )
        + f". **{hazard_model['verdict']}** Path overlay: the model lies in the 95% interval of "
        f"{_g(overlay['fraction_covered'], '.1%')} of {overlay['distinct_cells']} distinct "
        "path cells.",
        "",
        f"Legacy model ({legacy['model']}): C = {_g(legacy['C'], '.3g')}, "
        f"beta = {_g(legacy['beta'], '.3g')}, chi2/dof = {_g(legacy['reduced_chi2'], '.3g')} "
        f"(p = {_g(legacy['p_value'], '.3g')}). It fails because {legacy['why_it_fails']}.",
        "",
        "Mean P/l over the deepest tenth of each path: "
        + ", ".join(f"p={p}: {v:.3f}" for p, v in convergence["ratio_at_deepest_tenth"].items())
        + ".",
    ]
    return lines


def _rai_against_he(grid: pd.DataFrame) -> list[str]:
    """RAI against He with biases on the collapsed criterion, against iid on the alive one."""
    depth = int(grid["k"].max())
    depths = sorted({d for d in (2, 4, 8, 16, 32, 64) if d <= depth} | {depth})
    rows = []
    for d in depths:
        row = {"k": d}
        for scheme in ("rai", "iid_bias"):
            cells = grid[(grid["scheme"] == scheme) & (grid["k"] == d)]
            share = cells["collapsed_networks"].sum() / cells["networks"].sum()
            row[f"collapsed ({scheme})"] = share
        for scheme in ("rai", "iid"):
            cells = grid[(grid["scheme"] == scheme) & (grid["k"] == d)]
            row[f"alive ({scheme})"] = cells["alive_networks"].sum() / cells["networks"].sum()
        rows.append(row)
    return [
        "",
        "## RAI against He initialization with biases",
        "",
        "Lu et al. compare RAI with He initialization with symmetric biases (iid_bias here) on "
        "the collapsed criterion (the output is the same vector at every point); with zero "
        "biases a collapsed network is simply dead, so iid is the reference for the alive "
        "criterion. Shares pooled over all widths:",
        "",
        _table(pd.DataFrame(rows)),
    ]


def _claims(claims: pd.DataFrame) -> list[str]:
    counts = claims["verdict"].value_counts()
    lines = [
        "",
        "## Claims of the main grid",
        "",
        ", ".join(f"{counts.get(v, 0)} {v}" for v in ("holds", "fails", "partly", "undecided"))
        + " (full ledger, with every family: results/claims.md).",
        "",
    ]
    lines += [f"- `{r.claim_id}`: **{r.verdict}**. {r.measured}" for r in claims.itertuples()]
    return lines


def summary_markdown(
    grid: pd.DataFrame,
    convergence: dict,
    assumption: dict,
    claims: pd.DataFrame | None = None,
) -> str:
    """Bound violations, the convergence explained by the split identity, the variance
    verdict, scheme comparisons and the main grid's claims."""
    depth = int(grid["k"].max())
    parts = [
        "# reludeath: summary",
        "",
        f"{int(grid['networks'].max())} networks per cell, {int(grid['data_points'].max())} "
        f"data points, depths 1..{depth}, widths {grid['n'].min()}..{grid['n'].max()}.",
        "",
        _violations(grid),
        "",
        *_convergence(convergence),
        "",
        "## Normalized-variance assumption",
        "",
        assumption["verdict"]["summary"],
    ]
    schemes = set(grid["scheme"])
    if {"iid", "signflip", "batchnorm"} & schemes and "iid" in schemes:
        compared = grid[grid["scheme"].isin(["iid", "signflip", "batchnorm"])]
        table = _flatten(_final_depth(compared, ["living_fraction"]))
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
    if {"rai", "iid", "iid_bias"} <= schemes:
        parts += _rai_against_he(grid)
    if claims is not None:
        parts += _claims(claims)
    return "\n".join(parts) + "\n"
