"""rr.p_to_l and lu.deep_born_dead, judged on the deep family's tables (split.parquet,
path.parquet). When the deep family runs, the grid does not judge these ids (CLAIM_IDS)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from reludeath.bounds import log2_upper_bound_half_depth
from reludeath.claims import Claim, judge
from reludeath.grid.split import s_growth_report

__all__ = ["CLAIM_IDS", "deep_born_dead", "deep_claims", "growth_of", "half_life", "p_to_l"]

CLAIM_IDS = ("rr.p_to_l", "lu.deep_born_dead")
SPLIT, PATH = "results/deep/split.parquet", "results/deep/path.parquet"
_Z95 = 1.959963984540054


def growth_of(split: pd.DataFrame) -> dict:
    """s_growth_report on the widths whose tail bound is finite (the others cannot be
    placed); the SE of S from its 95% interval, tail bound included."""
    table = split[np.isfinite(split["tail_bound"])]
    return s_growth_report(table.assign(S_se=(table["S_high"] - table["S_low"]) / (2 * _Z95)))


def p_to_l(split: pd.DataFrame, path: pd.DataFrame) -> Claim:
    """Holds when S(n) = o(2^n) over every width and, for every p, P/l - 1 at the deepest k
    lies below P/l - 1 at the shallowest k (upper end against lower end)."""
    claim = "P(n(k),k) / l(n(k),k) -> 1 along the path n = ceil(n(k,p))"
    source = "Rister & Rubin (long version) §5-6; short §8 ('P -> l with increasing n and k')"
    evidence = f"{SPLIT}; {PATH}"
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
    measured = (
        f"P/l - 1 along the path through the split identity: {' | '.join(parts)}; "
        f"below its value at k = {int(first)} for {sum(f is True for f in falls)} of "
        f"{len(falls)} p. S(n) = o(2^n) over n = {int(split['n'].min())}.."
        f"{int(split['n'].max())}"
        + (f" (without n = {dropped}, tail unbounded)" if dropped else "")
        + f": {growth['verdict']}"
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


def deep_claims(split: pd.DataFrame, path: pd.DataFrame) -> list[Claim]:
    """The deep family's claims, in ledger order (CLAIM_IDS)."""
    return [p_to_l(split, path), deep_born_dead(split)]
