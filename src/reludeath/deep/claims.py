"""rr.p_to_l, lu.deep_born_dead and rr.p_to_l_population, judged on the deep family's tables
(split.parquet, path.parquet, s_infinity.parquet). When the deep family runs, the grid does not
judge these ids (CLAIM_IDS)."""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import pandas as pd

from reludeath.bounds import log2_upper_bound_half_depth
from reludeath.claims import Claim, judge
from reludeath.deep.plan import CLAIM_IDS
from reludeath.grid.split import s_growth_report
from reludeath.stats import Z95

__all__ = [
    "CLAIM_IDS",
    "deep_born_dead",
    "deep_claims",
    "growth_of",
    "half_life",
    "law_words",
    "p_to_l",
    "p_to_l_population",
]

SPLIT, PATH = "results/deep/split.parquet", "results/deep/path.parquet"
SLAW = "results/deep/s_law.json"
LIMITS = "results/deep/s_infinity.parquet"


def growth_of(split: pd.DataFrame) -> dict:
    """s_growth_report on the widths whose tail bound is finite (the others cannot be
    placed); the SE of S from its 95% interval, tail bound included."""
    table = split[np.isfinite(split["tail_bound"])]
    return s_growth_report(table.assign(S_se=(table["S_high"] - table["S_low"]) / (2 * Z95)))


def law_words(law: dict | None) -> str:
    """The S(n) law of s_law.json in words: the published model with its parameters, errors
    and p, or that none passes (with every candidate's chi2 and p)."""
    if law is None:
        return "no S(n) law was fitted"
    lo, hi = law["n_range"]
    tried = "; ".join(
        f"{v['formula']}: chi2 = {v['chi2']:.3g} on {v['dof']} dof, p = {v['p_value']:.2g}"
        for v in law.get("candidates", {}).values()
    )
    if law.get("model") is None:
        return (
            f"S(n) law over n = {lo}..{hi}: no candidate passes its test, none published ({tried})"
        )
    params = ", ".join(f"{k} = {v:.4g} +- {law['errors'][k]:.2g}" for k, v in law["params"].items())
    return (
        f"S(n) law over n = {lo}..{hi}: {law['formula']} with {params}, chi2 = "
        f"{law['chi2']:.3g} on {law['dof']} dof, p = {law['p_value']:.2g} ({SLAW})"
    )


def p_to_l(split: pd.DataFrame, path: pd.DataFrame, law: dict | None = None) -> Claim:
    """Holds when S(n) = o(2^n) over every width and, for every p, P/l - 1 at the deepest k
    lies below P/l - 1 at the shallowest k (upper end against lower end). The measured text
    quotes the S(n) law of s_law.json (law_words), not a fit of its own."""
    claim = "P(n(k),k) / l(n(k),k) -> 1 along the path n = ceil(n(k,p))"
    source = "Rister & Rubin (long version) §5-6; short §8 ('P -> l with increasing n and k')"
    evidence = f"{SPLIT}; {PATH}" + (f"; {SLAW}" if law is not None else "")
    growth = growth_of(split)
    if not growth.get("available") or path.empty:
        return Claim("rr.p_to_l", source, claim, "too few widths", judge(None), evidence)
    depths = sorted(path["k"].unique())
    first, last = depths[0], depths[-1]
    falls, parts = [], []
    for p, rows in path.groupby("p"):
        a = rows[rows["k"] == first].iloc[0]
        b = rows[rows["k"] == last].iloc[0]
        # an infinite upper end (the tail could not be bounded) cannot decide
        falls.append(
            bool(b.p_over_l_high < a.p_over_l_low) if np.isfinite(b.p_over_l_high) else None
        )
        shown = [
            f"k = {int(r.k):.0e} (n = {int(r.n)}): {r.p_over_l - 1:.3g} "
            f"[{r.p_over_l_low - 1:.3g}, {r.p_over_l_high - 1:.3g}]"
            for r in rows[rows["k"].isin(depths[-2:])].itertuples()
        ]
        parts.append(f"p = {p:g}: " + "; ".join(shown))
    verdict = growth["is_o_2n"]
    if verdict == "fails" or False in falls:
        holds = False
    elif verdict == "holds" and all(f is True for f in falls):
        holds = True
    else:
        holds = None
    dropped = sorted(int(n) for n in split.loc[~np.isfinite(split["tail_bound"]), "n"])
    points = sorted({int(m) for m in split["data_points"]})
    measured = (
        f"at M = {', '.join(map(str, points))} points per network (P_M <= P_inf; "
        f"{LIMITS} and rr.p_to_l_population for M -> infinity): "
        f"P/l - 1 along the path through the split identity: {' | '.join(parts)}; "
        f"below its value at k = {int(first)} for {sum(f is True for f in falls)} of "
        f"{len(falls)} p. S(n) = o(2^n) over n = {int(split['n'].min())}.."
        f"{int(split['n'].max())}"
        + (f" (without n = {dropped}, tail unbounded)" if dropped else "")
        + f": {growth['rate_verdict']} {law_words(law)}"
    )
    return Claim("rr.p_to_l", source, claim, measured, judge(holds), evidence)


def half_life(n: int, c_high: float) -> float:
    """The least k with c_high l(n, k) < 1/2, so P(n, k) <= c(n) l(n, k) < 1/2 from there
    on (the product defining c grows with k); inf when c_high is infinite."""
    if not math.isfinite(c_high):
        return math.inf
    return float(math.floor(math.log(0.5 / c_high) / math.log1p(-(2.0**-n))) + 1)


def deep_born_dead(split: pd.DataFrame) -> Claim:
    """The theorem: P(n, k) <= u0(n, k) = (1 - 2^-n^2)^(k-1) -> 0 without biases, and
    P(not constant by layer k) <= u(n, k) = (1 - 2^-(n^2+n))^(k-1) -> 0 with biases; holds
    when the bound falls below 1/2 at a finite depth for every width (computed, so never
    undecided from an interval). The evidence: the depth beyond which P < 1/2 measured
    through c(n) on zero-bias iid networks, where constant = not alive (docs/science.md, 9)."""
    claim = "a deep ReLU network will eventually die in probability as the depth goes to infinity"
    source = "Lu et al., abstract (symmetric initialization)"
    if split.empty:
        return Claim("lu.deep_born_dead", source, claim, "no widths", judge(None), SPLIT)
    rows = split.sort_values("n")
    widths = rows["n"].to_numpy(float)
    u0_half = log2_upper_bound_half_depth(widths, biased=False)
    u_half = log2_upper_bound_half_depth(widths, biased=True)
    theorem = bool(np.isfinite(u0_half).all() and np.isfinite(u_half).all())
    k_half = {int(r.n): half_life(int(r.n), r.c_high) for r in rows.itertuples()}
    shown = ", ".join(f"n = {n}: {v:.3g}" for n, v in k_half.items())
    unbounded = [n for n, v in k_half.items() if not math.isfinite(v)]
    measured = (
        "theorem: P(n, k) <= u0(n, k) = (1 - 2^-n^2)^(k-1) -> 0 without biases, P(not constant "
        "by layer k) <= u(n, k) = (1 - 2^-(n^2+n))^(k-1) -> 0 with biases; u0 < 1/2 from "
        f"k = {2 ** u0_half[0]:.0f} at n = {int(widths[0])} to 2^{u0_half[-1]:.1f} at "
        f"n = {int(widths[-1])}; measured on zero-bias iid networks, the depth beyond which "
        f"P <= c(n) l(n, k) < 1/2: {shown}"
        + (f" (c(n) unbounded at n = {unbounded}: tail bound infinite)" if unbounded else "")
    )
    return Claim("lu.deep_born_dead", source, claim, measured, judge(theorem), SPLIT)


def _interval(r) -> str:
    return f"{r.S_inf:.4g} [{r.S_inf_low:.4g}, {r.S_inf_high:.4g}]"


def p_to_l_population(limits: pd.DataFrame, split: pd.DataFrame) -> Claim:
    """Judged on S_inf(n) = lim_M S(n, M) at the M sweep's widths (reludeath.deep.m_limit):
    holds when every width's tail model passes its own test (p >= 0.05) with a finite S_inf
    interval and S_inf(n) / 2^n falls from each width to the next (upper end of the wider
    below lower end of the narrower); undecided otherwise. The exact rows (n = 1, and n = 2
    from the arc construction over every input) are reported beside it."""
    claim = (
        "P(n(k),k) / l(n(k),k) -> 1 along the path, P over the input distribution "
        "(every input, M -> infinity)"
    )
    source = "Rister & Rubin (long version) §5-6; P is over the data distribution (§2)"
    fits = limits[limits["method"] == "tail_model"].sort_values("n")
    anchors = limits[limits["method"] != "tail_model"].sort_values("n")
    passes = [
        bool(r.p_value >= 0.05 and np.isfinite(r.S_inf_high)) if np.isfinite(r.chi2) else False
        for r in fits.itertuples()
    ]
    ratios = [(r.S_inf_low / 2.0**r.n, r.S_inf_high / 2.0**r.n) for r in fits.itertuples()]
    falls = [later[1] < earlier[0] for earlier, later in pairwise(ratios)]
    holds = True if len(fits) >= 2 and all(passes) and all(falls) else None
    shown = [
        f"n = {int(r.n)}: S_inf = {_interval(r)}, tail model chi2 = {r.chi2:.3g} on "
        f"{r.dof:.0f} dof, p = {r.p_value:.3g} (a + b log M: chi2 = {r.log_chi2:.3g}) over "
        f"M = {r.data_points}"
        if np.isfinite(r.chi2)
        else f"n = {int(r.n)}: too few M values for the tail model ({r.data_points})"
        for r in fits.itertuples()
    ]
    grid = split.set_index("n")
    anchor = [
        f"n = {int(r.n)} ({r.method}, every input): S_inf = {_interval(r)}"
        + (
            f" against S = {grid.loc[r.n, 'S']:.4g} [{grid.loc[r.n, 'S_low']:.4g}, "
            f"{grid.loc[r.n, 'S_high']:.4g}] at M = {int(grid.loc[r.n, 'data_points'])}"
            if r.n in grid.index
            else ""
        )
        for r in anchors.itertuples()
    ]
    why = (
        "every tail model passes and S_inf(n) / 2^n falls"
        if holds
        else "undecided: "
        + (
            "a tail model fails its test or allows unbounded growth in M"
            if not all(passes) or not len(fits)
            else "S_inf(n) / 2^n does not fall significantly"
        )
    )
    measured = "; ".join([*shown, *anchor]) + f". {why}"
    evidence = f"{LIMITS}; results/deep/population.parquet"
    return Claim("rr.p_to_l_population", source, claim, measured, judge(holds), evidence)


def deep_claims(
    split: pd.DataFrame,
    path: pd.DataFrame,
    limits: pd.DataFrame | None = None,
    law: dict | None = None,
) -> list[Claim]:
    """The deep family's claims, in ledger order (CLAIM_IDS); rr.p_to_l_population only
    with the S_inf table; rr.p_to_l quotes the S(n) law of s_law.json when given."""
    claims = [p_to_l(split, path, law), deep_born_dead(split)]
    return claims if limits is None else [*claims, p_to_l_population(limits, split)]
