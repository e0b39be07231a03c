"""Claims of the main grid experiment, judged from this run's outputs.

Each function below turns measured tables into one :class:`reludeath.claims.Claim`; the
verdict is computed (``judge``), never typed in. Significance: Wilson intervals at 5 sigma
for bounds (many cells, so 95% flags happen by chance), two-sided 95% tests elsewhere.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from reludeath.claims import Claim, judge
from reludeath.stats import Z95, wilson_interval

__all__ = ["SIGMAS", "grid_claims"]

SIGMAS = 5.0
RR = "Rister & Rubin"
RR_LONG, RR_SHORT = "Rister & Rubin (long version)", "Rister & Rubin (short version)"
LU = "Lu et al., abstract and introduction"
GRID, CONV = "results/aggregate/grid.parquet", "results/fit/convergence.json"
ASSUMPTION, CELLS = "results/variance/assumption.json", "results/aggregate/cells.parquet"


def _scheme(grid: pd.DataFrame, name: str) -> pd.DataFrame:
    return grid[grid["scheme"] == name]


def _undecided(claim_id: str, source: str, claim: str, why: str, evidence: str) -> Claim:
    return Claim(claim_id, source, claim, why, judge(None), evidence)


def bounds_hold(grid: pd.DataFrame) -> Claim:
    """l <= P <= u (u0 without bias) in every iid and iid_bias cell, at 5 sigma."""
    claim = "l(n,k) <= P(n,k) <= u(n,k) in all cases (iid parameters; u0 without biases)"
    source = f"{RR}, long §6 and short §8 ('in all cases'), Figure 1 top"
    rows = grid[grid["scheme"].isin(["iid", "iid_bias"])]
    if rows.empty:
        return _undecided("rr.bounds_hold", source, claim, "no iid cells in this run", GRID)
    low, high = wilson_interval(rows["alive_networks"], rows["networks"], z=SIGMAS)
    strict = int(((high < rows["lower_bound"]) | (low > rows["upper_bound"])).sum())
    loose = int((rows["violates_lower"] | rows["violates_upper"]).sum())
    measured = (
        f"{strict} of {len(rows)} iid and iid_bias cells exclude a bound at 5 sigma; "
        f"{loose} at 95% (where a bound is tight, 2.5% of cells exclude it at 95% by chance)"
    )
    return Claim("rr.bounds_hold", source, claim, measured, judge(strict == 0), GRID)


def p_to_l(convergence: dict) -> Claim:
    """P/l -> 1 along the path: S(n) = o(2^n), and c(n), the plateau of P/l, falls in n."""
    claim = "P(n(k),k) / l(n(k),k) -> 1 along the path n = ceil(n(k,p))"
    source = f"{RR_LONG} §5-6; short §8 ('P -> l with increasing n and k'), Figure 2"
    split = convergence["split"]
    growth = split["growth"]
    c = {int(n): v for n, v in split["c"].items()}
    widths = sorted(n for n in c if n >= 4)
    if not growth.get("available") or len(widths) < 2:
        return _undecided("rr.p_to_l", source, claim, "too few widths n >= 4 to judge", CONV)
    first, last = widths[0], widths[-1]
    falls = c[last]["ci95"][1] < c[first]["ci95"][0]
    verdict = growth["is_o_2n"]
    holds = None if verdict == "undecided" else (verdict == "holds" and falls)
    measured = (
        f"c(n) = P/l plateau: {c[first]['value']:.4f} at n = {first}, {c[last]['value']:.4f} "
        f"[{c[last]['ci95'][0]:.4f}, {c[last]['ci95'][1]:.4f}] at n = {last}; "
        f"S(n) = o(2^n): {growth['verdict']}"
    )
    return Claim("rr.p_to_l", source, claim, measured, judge(holds), CONV)


def _decay_words(assumption: dict) -> str:
    return assumption["verdict"]["v_decays_exponentially"]


def normalized_variance_decays(assumption: dict) -> Claim:
    """Short version: V(n,k) decreases exponentially in k, confirming the assumption."""
    claim = "the normalized conditional variance decreases exponentially in k (Assumption 5.1)"
    source = f"{RR_SHORT} §8 and Figure 2 ('confirming assumption 5.1')"
    structural = assumption["structural_bound"]
    decays = _decay_words(assumption).startswith("yes")
    flat = bool(structural["flat_widths"])
    holds = False if flat else (True if decays else None)
    measured = (
        f"V(n,k) >= E[(1-alpha)/alpha | alive] in all {structural['checked']} alive "
        f"(network, layer) pairs ({structural['violations']} violations); the bound is flat in "
        f"k at {len(structural['flat_widths'])} widths; fitted decay: {_decay_words(assumption)}"
    )
    return Claim("rr.normalized_variance_decays", source, claim, measured, judge(holds), ASSUMPTION)


def normalized_variance_flat(assumption: dict) -> Claim:
    """Long version: no exponential decay is seen after normalization by the mean."""
    claim = "we do not notice exponential decay after normalization by the mean"
    source = f"{RR_LONG} §6, on Assumption 5.6"
    words = _decay_words(assumption)
    flat = bool(assumption["structural_bound"]["flat_widths"])
    holds = (
        True if (flat or words.startswith("no")) else (False if words.startswith("yes") else None)
    )
    measured = f"{words}; structurally flat widths: {assumption['structural_bound']['flat_widths']}"
    return Claim("rr.normalized_variance_flat", source, claim, measured, judge(holds), ASSUMPTION)


def proof_step(grid: pd.DataFrame) -> Claim:
    """P(E1 | E2^c) = 1 - 2^-n: among iid layers with no partial death, the share that
    kills every living point should be 2^-n. z per width, pooled over layers."""
    claim = "P(E1 | E2^c) = 1 - 2^-n (no living point dies, given no partial death)"
    source = f"{RR_LONG} §5 eq (16); short eq (17)"
    rows = _scheme(grid, "iid")
    if rows.empty:
        return _undecided("rr.proof_step", source, claim, "no iid cells", GRID)
    per_n = rows.groupby("n")[["intact_networks", "deaths"]].sum()
    trials = per_n["intact_networks"] + per_n["deaths"]
    q = np.exp2(-per_n.index.to_numpy(float))
    z = (per_n["deaths"] - trials * q) / np.sqrt(trials * q * (1 - q))
    z = z[trials > 0]
    worst = int(z.abs().idxmax())
    share = per_n.loc[worst, "deaths"] / trials[worst]
    measured = (
        f"share of all-kill among layers without partial death at n = {worst}: {share:.4f} "
        f"against 2^-n = {2.0**-worst:.4f}, z = {z[worst]:.1f}; |z| > {SIGMAS:g} at "
        f"{int((z.abs() > SIGMAS).sum())} of {len(z)} widths (the step holds given no split, "
        "not given no partial death)"
    )
    holds = bool((z.abs() <= SIGMAS).all())
    return Claim("rr.proof_step", source, claim, measured, judge(holds), GRID)


def signflip_guarantee(cells: pd.DataFrame) -> Claim:
    claim = "with sign flipping at least floor(M / 2^k) data points stay alive"
    source = f"{RR_LONG} §7 (short §6 writes 2^n for 2^k)"
    rows = _scheme(cells, "signflip")
    if rows.empty:
        return _undecided("rr.signflip_guarantee", source, claim, "signflip not run", CELLS)
    below = int(rows["below_floor"].sum())
    measured = f"{below} of {int(rows['networks'].sum())} (network, layer) pairs below floor(M/2^k)"
    return Claim("rr.signflip_guarantee", source, claim, measured, judge(below == 0), CELLS)


def signflip_exceeds(grid: pd.DataFrame, min_depth: int = 8, factor: float = 10.0) -> Claim:
    """Living fraction at least `factor` times 2^-k in every signflip cell with k >= min_depth."""
    claim = "sign flipping keeps far more than the guaranteed 2^-k fraction of points alive"
    source = f"{RR_LONG} §7, Figure 6 ('far exceeding the 2^-k fraction'); short §8"
    rows = _scheme(grid, "signflip")
    rows = rows[rows["k"] >= min_depth]
    if rows.empty:
        return _undecided("rr.signflip_exceeds", source, claim, "no signflip cells", GRID)
    ratio = rows["living_fraction"] / np.exp2(-rows["k"].astype(float))
    worst = rows.loc[ratio.idxmin()]
    measured = (
        f"living fraction / 2^-k >= {ratio.min():.3g} over {len(rows)} cells with "
        f"k >= {min_depth} (smallest at n = {worst.n}, k = {worst.k}: "
        f"{worst.living_fraction:.4f}); criterion: >= {factor:g}"
    )
    holds = bool(ratio.min() >= factor)
    return Claim("rr.signflip_exceeds", source, claim, measured, judge(holds), GRID)


def batchnorm_alive(grid: pd.DataFrame) -> Claim:
    claim = "batch normalization ensured the network was alive"
    source = f"{RR_LONG} §7, Figure 6"
    rows = _scheme(grid, "batchnorm")
    if rows.empty:
        return _undecided("rr.batchnorm_alive", source, claim, "batchnorm not run", GRID)
    nonzero = bool((rows["p_nonzero"] == 1).all())
    worst = rows.loc[rows["p_alive"].idxmin()]
    dies = bool(worst.p_alive_high < 1)
    measured = (
        f"layer output nonzero over the batch in {rows['p_nonzero'].mean():.2%} of cells; "
        f"cumulative P(alive) down to {worst.p_alive:.3f} [{worst.p_alive_low:.3f}, "
        f"{worst.p_alive_high:.3f}] at n = {worst.n}, k = {worst.k}"
    )
    verdict = judge(nonzero, partly=nonzero and dies)
    return Claim("rr.batchnorm_alive", source, claim, measured, verdict, GRID)


def batchnorm_no_gain(grid: pd.DataFrame, tolerance: float = 0.1) -> Claim:
    """Living fraction under batchnorm within `tolerance` (relative) of iid at the deepest k."""
    claim = "batch normalization did nothing to increase the proportion of living data over iid"
    source = f"{RR_LONG} §7, Figure 6; short §8 ('hardly exceeds the IID case'), Figure 1"
    depth = int(grid["k"].max())
    bn = _scheme(grid, "batchnorm").set_index(["n", "k"])["living_fraction"]
    iid = _scheme(grid, "iid").set_index(["n", "k"])["living_fraction"]
    both = pd.concat([bn.rename("bn"), iid.rename("iid")], axis=1).dropna()
    both = both[both.index.get_level_values("k") == depth]
    both = both[both["iid"] > 0]
    if both.empty:
        return _undecided("rr.batchnorm_no_gain", source, claim, "batchnorm or iid missing", GRID)
    gain = both["bn"] / both["iid"]
    gains = gain > 1 + tolerance
    widths = [int(n) for n, _ in gain[gains].index]
    measured = (
        f"living fraction batchnorm/iid at k = {depth}: {gain.min():.3g} to {gain.max():.3g} "
        f"over {len(gain)} widths; above {1 + tolerance:g} at n = {widths or 'none'}"
    )
    verdict = judge(not gains.all(), partly=bool(gains.any() and not gains.all()))
    return Claim("rr.batchnorm_no_gain", source, claim, measured, verdict, GRID)


def _depths(depth: int) -> list[int]:
    return [d for d in (2**i for i in range(1, 20)) if d <= depth] + (
        [depth] if depth & (depth - 1) else []
    )


def rai_less_collapse(grid: pd.DataFrame) -> Claim:
    """RAI against He with symmetric biases (iid_bias), pooled over widths, per depth:
    a two-proportion z-test of the collapsed share."""
    claim = "RAI makes a deep network collapse (be born dead) less often than He with biases"
    source = f"{LU} (RAI against symmetric He initialization with biases)"
    rai, he = _scheme(grid, "rai"), _scheme(grid, "iid_bias")
    if rai.empty or he.empty:
        return _undecided("lu.rai_less_collapse", source, claim, "rai or iid_bias not run", GRID)
    results = []
    for d in _depths(int(grid["k"].max())):
        a, b = rai[rai["k"] == d], he[he["k"] == d]
        x1, n1 = a["collapsed_networks"].sum(), a["networks"].sum()
        x2, n2 = b["collapsed_networks"].sum(), b["networks"].sum()
        pooled = (x1 + x2) / (n1 + n2)
        se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2)) if 0 < pooled < 1 else 0.0
        z = (x1 / n1 - x2 / n2) / se if se > 0 else 0.0
        results.append((d, x1 / n1, x2 / n2, z))
    less = [d for d, _, _, z in results if z < -Z95]
    text = "; ".join(f"k={d}: {p1:.3f} vs {p2:.3f}" for d, p1, p2, _ in results)
    measured = (
        f"collapsed share, rai vs iid_bias, pooled over widths: {text}; significantly less "
        f"at k = {less or 'none'}"
    )
    verdict = judge(bool(less), partly=bool(less) and len(less) < len(results))
    return Claim("lu.rai_less_collapse", source, claim, measured, verdict, GRID)


def deep_born_dead(grid: pd.DataFrame) -> Claim:
    """Symmetric initializations die as depth grows: per width, iid P(alive) at the deepest
    k below its value at k = 1, and iid_bias P(collapsed) above (95% Wilson, disjoint)."""
    claim = "a deep ReLU network will eventually die in probability as the depth goes to infinity"
    source = "Lu et al., abstract (symmetric initialization)"
    depth = int(grid["k"].max())
    checks = []
    for scheme, low, high, sign in (
        ("iid", "p_alive_low", "p_alive_high", -1),
        ("iid_bias", "p_collapsed_low", "p_collapsed_high", +1),
    ):
        rows = _scheme(grid, scheme)
        for _, g in rows.groupby("n"):
            first, last = g[g["k"] == 1].iloc[0], g[g["k"] == depth].iloc[0]
            moved = last[high] < first[low] if sign < 0 else last[low] > first[high]
            checks.append(bool(moved))
    if not checks:
        return _undecided("lu.deep_born_dead", source, claim, "no iid or iid_bias cells", GRID)
    iid = _scheme(grid, "iid")
    deep = iid[iid["k"] == depth]
    dying = [int(r.n) for r in deep.itertuples() if r.p_alive_high < 1]
    measured = (
        f"significant change from k = 1 to k = {depth} in {sum(checks)} of {len(checks)} "
        f"(scheme, width) series; iid P(alive) at k = {depth} below 1 at n = {dying}"
    )
    verdict = judge(any(checks), partly=any(checks) and not all(checks))
    return Claim("lu.deep_born_dead", source, claim, measured, verdict, GRID)


def grid_claims(
    grid: pd.DataFrame, cells: pd.DataFrame, convergence: dict, assumption: dict
) -> list[Claim]:
    """Every claim of the main grid, in ledger order."""
    return [
        bounds_hold(grid),
        p_to_l(convergence),
        normalized_variance_decays(assumption),
        normalized_variance_flat(assumption),
        proof_step(grid),
        signflip_guarantee(cells),
        signflip_exceeds(grid),
        batchnorm_alive(grid),
        batchnorm_no_gain(grid),
        rai_less_collapse(grid),
        deep_born_dead(grid),
    ]
