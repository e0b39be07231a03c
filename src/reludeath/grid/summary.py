"""The headline numbers of a run, as Markdown (results/summary.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reludeath.grid.constancy import depth_scaling, half_depths
from reludeath.stats import wilson_interval

__all__ = ["summary_markdown"]


def _paired_words(paired: dict | None) -> str:
    """O5 paired over the shared networks (reludeath.grid.identity), as a sentence."""
    if not paired:
        return ""
    return (
        f" Paired over the same networks (bootstrap): X^2 = {_g(paired['chi2'], '.1f')} on "
        f"{paired['dof']} dof (p = {_g(paired['p_value'], '.3g')}), max |z| = "
        f"{_g(paired['max_abs_z'], '.2f')}, Holm rejects at n = {paired['rejected'] or 'none'}; "
        f"the paired SE is {_g(paired['se_ratio'], '.2f')} of the direct one (median), and a "
        f"violation of {_g(paired['detectable'], '.2%')} of P/l (median over widths) is "
        "detected with probability 0.8."
    )


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
            f"(p = {_g(agree['deepest_p_value'], '.3g')}, direct count's SE only)."
            + _paired_words(check.get("paired"))
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


def _pooled(frame: pd.DataFrame, scheme: str, k: int, count: str) -> float:
    cells = frame[(frame["scheme"] == scheme) & (frame["k"] == k)]
    return cells[count].sum() / cells["networks"].sum()


def _rai_against_he(grid: pd.DataFrame, near_constant: pd.DataFrame | None) -> list[str]:
    """RAI against He with biases on Lu et al.'s two criteria (constant; near-constant at each
    tau), against iid on the alive one; the depth to near-constancy per width and its scaling."""
    depth = int(grid["k"].max())
    depths = sorted({d for d in (2, 4, 8, 16, 32, 64) if d <= depth} | {depth})
    taus = [] if near_constant is None else sorted(near_constant["tau"].unique(), reverse=True)
    rows = []
    for d in depths:
        row = {"k": d}
        for scheme in ("rai", "iid_bias"):
            row[f"constant ({scheme})"] = _pooled(grid, scheme, d, "constant_networks")
        for scheme in ("rai", "iid_bias"):
            row[f"not alive ({scheme})"] = 1 - _pooled(grid, scheme, d, "alive_networks")
        for tau in taus:
            table = near_constant[near_constant["tau"] == tau]
            for scheme in ("rai", "iid_bias"):
                row[f"spread <= {tau:g} ({scheme})"] = _pooled(
                    table, scheme, d, "near_constant_networks"
                )
        for scheme in ("rai", "iid"):
            row[f"alive ({scheme})"] = _pooled(grid, scheme, d, "alive_networks")
        rows.append(row)
    lines = [
        "",
        "## RAI against He initialization with biases: born dead, exactly and nearly",
        "",
        "Lu et al. call a network born dead when it is a constant function of its input. "
        "Exactly: some layer so far was a dead layer, its output 0 at every point "
        "(`constant`; with zero biases this is not alive, with biases a killed point is revived "
        "by the next bias and the two differ). Nearly: the output's std / RMS over the data, "
        "`output_spread`, is at most tau, which also counts networks whose output still depends "
        "on the input, weakly (docs/science.md, section 1.1). RAI is compared with He "
        "initialization with symmetric biases (iid_bias); iid is the reference for the alive "
        "criterion. Shares pooled over all widths:",
        "",
        _table(pd.DataFrame(rows)),
    ]
    if near_constant is None:
        return lines
    lines += [
        "",
        "Depth k_half at which half the networks are near-constant, per width (first depth "
        f"whose share reaches 1/2; '-' not by k = {depth}), and how it scales with n (weighted "
        "fits of log k_half, each with its chi-square goodness of fit):",
        "",
    ]
    halves, fits = [], []
    for tau in taus:
        for scheme in ("rai", "iid_bias"):
            table = near_constant[
                (near_constant["tau"] == tau) & (near_constant["scheme"] == scheme)
            ]
            half = half_depths(table)
            row = {"tau": f"{tau:g}", "scheme": scheme}
            for r in half.itertuples():
                row[f"n={int(r.n)}"] = "-" if np.isnan(r.k_half) else f"{int(r.k_half)}"
            halves.append(row)
            fit = depth_scaling(half)
            entry = {"tau": f"{tau:g}", "scheme": scheme, "widths": len(fit["widths"])}
            for model in ("exponential", "power"):
                if fit.get("fitted"):
                    f = fit[model]
                    entry[f"{model} slope"] = f"{f['slope']:.3g} +- {f['slope_se']:.2g}"
                    entry[f"{model} chi2 p"] = f"{f['p_value']:.2g}"
                else:
                    entry[f"{model} slope"] = entry[f"{model} chi2 p"] = "-"
            fits.append(entry)
    lines += [
        _table(pd.DataFrame(halves)),
        "",
        "Exponential: log k_half = a + b n (k_half ~ e^(b n)); power: log k_half = a + b log n "
        "(k_half ~ n^b). A model describes the data where its chi-square p >= 0.05; where "
        "neither does, the depths are descriptive only.",
        "",
        _table(pd.DataFrame(fits)),
    ]
    return lines


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
    near_constant: pd.DataFrame | None = None,
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
        parts += _rai_against_he(grid, near_constant)
    if claims is not None:
        parts += _claims(claims)
    return "\n".join(parts) + "\n"
