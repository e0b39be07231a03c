"""Claims of the main grid experiment, judged from this run's outputs.

Each function below turns measured tables into one :class:`reludeath.claims.Claim`; the
verdict is computed (``judge``), never typed in. Significance: Wilson intervals at 5 sigma
for bounds (many cells, so 95% flags happen by chance), two-sided 95% tests elsewhere.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from reludeath.bounds import log2_upper_bound_half_depth
from reludeath.claims import Claim, judge
from reludeath.grid.constancy import depth_scaling, half_depths
from reludeath.stats import holm_reject, two_sided_p, wilson_interval

__all__ = ["SIGMAS", "grid_claims", "living_fraction_z"]

SIGMAS = 5.0
RR = "Rister & Rubin"
RR_LONG, RR_SHORT = "Rister & Rubin (long version)", "Rister & Rubin (short version)"
LU = "Lu et al., abstract and introduction"
GRID, CONV = "results/aggregate/grid.parquet", "results/fit/convergence.json"
ASSUMPTION, CELLS = "results/variance/assumption.json", "results/aggregate/cells.parquet"
NEAR = "results/aggregate/near_constant.parquet"


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


def _proof_step_z(deaths: pd.Series, trials: pd.Series) -> pd.Series:
    """Per width n (the index), z of the all-kill count among `trials` against 2^-n."""
    q = np.exp2(-deaths.index.to_numpy(float))
    return (deaths - trials * q) / np.sqrt(trials * q * (1 - q))


def proof_step(grid: pd.DataFrame) -> Claim:
    """P(E1 | E2^c) = 1 - 2^-n: among iid layers with no partial death, the share that kills
    every living point should be 2^-n. Judged, per network, on its splitting phase: layer 1
    and every layer right after one of its splits, a window fixed by the past alone (after
    the last split the step holds exactly and would dilute the test); z per width."""
    claim = "P(E1 | E2^c) = 1 - 2^-n (no living point dies, given no partial death)"
    source = f"{RR_LONG} §5 eq (16); short eq (17)"
    rows = _scheme(grid, "iid")
    if rows.empty:
        return _undecided("rr.proof_step", source, claim, "no iid cells", GRID)
    per_n = rows.groupby("n")[["phase_at_risk", "phase_intact", "phase_deaths"]].sum()
    per_n = per_n[per_n["phase_intact"] + per_n["phase_deaths"] > 0]
    if per_n.empty:
        return _undecided("rr.proof_step", source, claim, "no layer without partial death", GRID)
    trials = per_n["phase_intact"] + per_n["phase_deaths"]
    z = _proof_step_z(per_n["phase_deaths"], trials)
    pooled = rows.groupby("n")[["intact_networks", "deaths"]].sum().loc[z.index]
    z_all = _proof_step_z(pooled["deaths"], pooled["intact_networks"] + pooled["deaths"])
    worst = int(z.abs().idxmax())
    share = per_n.loc[worst, "phase_deaths"] / trials[worst]
    layers = ", ".join(f"{int(n)}: {int(v)}" for n, v in per_n["phase_at_risk"].items())
    measured = (
        "judged per network on its splitting phase (layer 1 and each layer right after one of "
        f"its splits), (network, layer) pairs per width {{{layers}}}; all-kill share among "
        f"those without partial death at n = {worst}: {share:.4f} against 2^-n = "
        f"{2.0**-worst:.4f}, z = {z[worst]:.1f} (over all layers z = {z_all[worst]:.1f}); "
        f"|z| > {SIGMAS:g} at {int((z.abs() > SIGMAS).sum())} of {len(z)} widths (the step "
        "holds given no split, not given no partial death)"
    )
    holds = bool((z.abs() <= SIGMAS).all())
    return Claim("rr.proof_step", source, claim, measured, judge(holds), GRID)


def signflip_guarantee(cells: pd.DataFrame) -> Claim:
    """A(k) >= ceil(A(k-1)/2) on every (network, layer) pair: an unflipped layer kills at
    most half the living points, and a flipped one spares what relu(z) would have killed.
    It implies the printed floor(M / 2^k) and P(alive) = 1."""
    claim = "with sign flipping at least floor(M / 2^k) data points stay alive"
    source = f"{RR_LONG} §7 (short §6 writes 2^n for 2^k)"
    rows = _scheme(cells, "signflip")
    if rows.empty:
        return _undecided("rr.signflip_guarantee", source, claim, "signflip not run", CELLS)
    below, below_floor = int(rows["below_half"].sum()), int(rows["below_floor"].sum())
    points = int(rows["data_points"].iloc[0])
    deepest = rows[rows["k"] == rows["k"].max()]
    floor_depth = math.floor(math.log2(points))
    measured = (
        f"A(k) >= ceil(A(k-1)/2) judged on every (network, layer) pair: {below} of "
        f"{int(rows['networks'].sum())} pairs below it ({below_floor} below floor(M/2^k), "
        f"which is 0 from k = {floor_depth + 1} on at M = {points}); alive at k = "
        f"{int(deepest['k'].iloc[0])} in {int(deepest['alive_networks'].sum())} of "
        f"{int(deepest['networks'].sum())} networks"
    )
    holds = below == 0 and below_floor == 0
    return Claim("rr.signflip_guarantee", source, claim, measured, judge(holds), CELLS)


def _ranges(values: list[int]) -> str:
    """Sorted integers as 'a..b, c' runs."""
    runs: list[list[int]] = []
    for v in sorted(values):
        if runs and v == runs[-1][1] + 1:
            runs[-1][1] = v
        else:
            runs.append([v, v])
    return ", ".join(f"{a}..{b}" if b > a else f"{a}" for a, b in runs)


def signflip_exceeds(grid: pd.DataFrame, min_depth: int = 8, factor: float = 10.0) -> Claim:
    """Living fraction at least `factor` times 2^-k in every signflip cell with k >= min_depth
    where it can fail: the guarantee A(k) >= ceil(M / 2^k) alone already gives
    ceil(M / 2^k) / M >= factor 2^-k at the other depths."""
    claim = "sign flipping keeps far more than the guaranteed 2^-k fraction of points alive"
    source = f"{RR_LONG} §7, Figure 6 ('far exceeding the 2^-k fraction'); short §8"
    rows = _scheme(grid, "signflip")
    rows = rows[rows["k"] >= min_depth]
    k = rows["k"].to_numpy(float)
    points = rows["data_points"].to_numpy(float)
    guaranteed = np.ceil(points * np.exp2(-k)) / points
    rows = rows[guaranteed < factor * np.exp2(-k)]
    if rows.empty:
        return _undecided("rr.signflip_exceeds", source, claim, "no signflip cell can fail", GRID)
    ratio = rows["living_fraction"] / np.exp2(-rows["k"].astype(float))
    worst = rows.loc[ratio.idxmin()]
    depths = _ranges([int(d) for d in rows["k"].unique()])
    measured = (
        f"judged at k = {depths}, the depths >= {min_depth} where it can fail (deeper, the "
        f"guarantee's ceil(M/2^k)/M >= {factor:g} 2^-k at M = {int(worst.data_points)}): "
        f"living fraction / 2^-k >= {ratio.min():.3g} over {len(rows)} cells (smallest at "
        f"n = {worst.n}, k = {worst.k}: {worst.living_fraction:.4f}); criterion: >= {factor:g}"
    )
    holds = bool(ratio.min() >= factor)
    return Claim("rr.signflip_exceeds", source, claim, measured, judge(holds), GRID)


def batchnorm_alive(grid: pd.DataFrame) -> Claim:
    """The long paper's per-layer statement (§2: dead at layer k when the Jacobian with
    respect to layer k's own parameters is zero): the layer output over the batch is nonzero.
    For M >= 2 every standardized row has zero batch mean, so this checks the implementation."""
    claim = "batch normalization ensured the network was alive"
    source = f"{RR_LONG} §7, Figure 6; definition of death §2"
    rows = _scheme(grid, "batchnorm")
    if rows.empty:
        return _undecided("rr.batchnorm_alive", source, claim, "batchnorm not run", GRID)
    nonzero = int((rows["p_nonzero"] == 1).sum())
    points = int(rows["data_points"].min())
    measured = (
        f"per-layer statement (layer k's output over the batch nonzero, so its Jacobian in "
        f"(A_k, b_k) is nonzero somewhere): nonzero in {nonzero} of {len(rows)} cells "
        f"({rows['p_nonzero'].mean():.2%} of networks); "
        + (
            "with M >= 2 this holds by construction (every standardized row has zero batch "
            "mean), so it checks the implementation"
            if points >= 2
            else "M = 1: the kernel zeroes the constant standardized row"
        )
    )
    return Claim("rr.batchnorm_alive", source, claim, measured, judge(nonzero == len(rows)), GRID)


def batchnorm_cumulative(grid: pd.DataFrame) -> Claim:
    """The cumulative reading, dead stays dead: P(alive) = 1 in every cell; fails where a
    cell's 5-sigma Wilson interval lies below 1."""
    claim = (
        "batch normalization keeps the network alive in the cumulative sense (some point that "
        "no layer so far has killed)"
    )
    source = f"{RR_LONG} §7, Figure 6, read with the cumulative death of §5"
    rows = _scheme(grid, "batchnorm")
    if rows.empty:
        return _undecided("rr.batchnorm_cumulative", source, claim, "batchnorm not run", GRID)
    _, high = wilson_interval(rows["alive_networks"], rows["networks"], z=SIGMAS)
    below = int((high < 1).sum())
    low_p = rows["p_alive"].min()
    worst = rows[rows["p_alive"] == low_p].sort_values(["n", "k"]).iloc[0]
    measured = (
        f"P(alive) falls to {worst.p_alive:.3f} [{worst.p_alive_low:.3f}, "
        f"{worst.p_alive_high:.3f}] at n = {worst.n}, k = {worst.k} (first depth at its "
        f"smallest); below 1 at 5 sigma in {below} of {len(rows)} cells"
    )
    return Claim("rr.batchnorm_cumulative", source, claim, measured, judge(below == 0), GRID)


def living_fraction_z(rows: pd.DataFrame) -> tuple[pd.Series, int]:
    """z of the mean living fraction against the exact l(n, k). SE: the larger of the sample
    SE over networks and the Bhatia-Davis bound sqrt(l (1 - l) / T) on the SE under l (A(k)/M
    lies in [0, 1]). Once a network's points lie near one ray they die together, so the mean
    rests on rare whole-network deaths the sample SE does not see; the bound is the SE of
    exactly that case. Also the count of cells where the bound is used."""
    lower = rows["lower_bound"]
    null_se = np.sqrt(lower * (1 - lower) / rows["networks"])
    bound = rows["living_fraction_se"] < null_se
    se = rows["living_fraction_se"].where(~bound, null_se)
    diff = rows["living_fraction"] - lower
    z = (diff / se.where(se > 0)).fillna(0.0).where((se > 0) | (diff == 0), np.inf)
    return z, int(bound.sum())


def _living_fraction_claim(
    claim_id: str, source: str, claim: str, rows: pd.DataFrame, why: str
) -> Claim:
    """Holds when no cell's mean living fraction excludes l(n, k) beyond SIGMAS SE."""
    if rows.empty:
        return _undecided(claim_id, source, claim, "scheme not run", GRID)
    z, flat = living_fraction_z(rows)
    # batchnorm at M = 1 zeroes its constant row, which can only lower the fraction
    one_point = (rows["data_points"] == 1) & (rows["scheme"] == "batchnorm")
    beyond = (z.abs() > SIGMAS) & ~(one_point & (z < 0))
    worst = rows.loc[z.abs().idxmax()]
    parts = []
    for scheme, g in rows.groupby("scheme", sort=False):
        parts.append(f"{scheme}: {int(beyond[g.index].sum())} of {len(g)} cells")
    measured = (
        f"{why}; cells whose mean living fraction (interval over networks) excludes l(n, k) "
        f"beyond {SIGMAS:g} SE: {'; '.join(parts)}; largest |z| = {abs(z[worst.name]):.2f} "
        f"at {worst.scheme} n = {worst.n}, k = {worst.k} ({worst.living_fraction:.4g} against "
        f"l = {worst.lower_bound:.4g}); SE the larger of the sample SE and the Bhatia-Davis "
        f"bound sqrt(l (1 - l) / T), the bound in {flat} cells"
    )
    return Claim(claim_id, source, claim, measured, judge(not bool(beyond.any())), GRID)


def batchnorm_no_gain(grid: pd.DataFrame) -> Claim:
    """Under batchnorm (M >= 2) the mean cumulative living fraction is exactly l(n, k): given
    the past, z_{i,m} is proportional to a_i . (h_m - mean h), so each row's sign at a living
    point is a fair coin. Judged in every (n, k) cell at SIGMAS SE."""
    claim = "batch normalization did nothing to increase the proportion of living data over iid"
    source = f"{RR_LONG} §7, Figure 6; short §8 ('hardly exceeds the IID case'), Figure 1"
    why = (
        "for M >= 2 the mean cumulative living fraction under batch normalization equals "
        "l(n, k), iid's own mean, exactly (each standardized row's sign at a point is a fair "
        "coin given the past)"
    )
    rows = _scheme(grid, "batchnorm")
    return _living_fraction_claim("rr.batchnorm_no_gain", source, claim, rows, why)


def mean_living_fraction(grid: pd.DataFrame) -> Claim:
    """Lemma 5.4: with iid (sign-symmetric) parameters E A(k)/M = l(n, k); iid and iid_bias."""
    claim = "the mean living fraction of iid networks is l(n, k) = (1 - 2^-n)^k"
    source = f"{RR_LONG} Lemma 5.4"
    why = "each neuron's sign at a living point is a fair coin given the past"
    rows = grid[grid["scheme"].isin(["iid", "iid_bias"])]
    return _living_fraction_claim("rr.mean_living_fraction", source, claim, rows, why)


def _depths(depth: int) -> list[int]:
    return [d for d in (2**i for i in range(1, 20)) if d <= depth] + (
        [depth] if depth & (depth - 1) else []
    )


def _two_proportion_z(x1: float, n1: float, x2: float, n2: float) -> float:
    """z of the pooled two-proportion test of x1/n1 against x2/n2 (0 when both are 0 or 1)."""
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2)) if 0 < pooled < 1 else 0.0
    return (x1 / n1 - x2 / n2) / se if se > 0 else 0.0


def _compare(a: pd.DataFrame, b: pd.DataFrame, count: str, depths: list[int]) -> list[tuple]:
    """Per depth, (k, share a, share b, z) pooled over widths: a two-proportion z-test."""
    results = []
    for d in depths:
        x1, n1 = a.loc[a["k"] == d, count].sum(), a.loc[a["k"] == d, "networks"].sum()
        x2, n2 = b.loc[b["k"] == d, count].sum(), b.loc[b["k"] == d, "networks"].sum()
        results.append((d, x1 / n1, x2 / n2, _two_proportion_z(x1, n1, x2, n2)))
    return results


def _per_width(a: pd.DataFrame, b: pd.DataFrame, count: str, depth: int) -> list[tuple]:
    """Per width n at `depth`, (n, z) of a's share against b's (two-proportion z-test)."""
    a, b = a[a["k"] == depth].set_index("n"), b[b["k"] == depth].set_index("n")
    return [
        (int(n), _two_proportion_z(a.at[n, count], a.at[n, "networks"], b.at[n, count],
                                   b.at[n, "networks"]))
        for n in sorted(set(a.index) & set(b.index))
    ]  # fmt: skip


def _holm_signs(z: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """(significantly less, significantly more) per test: two-sided, Holm-corrected at 95%
    over the whole family of tests `z`."""
    z = np.asarray(z, float)
    reject = holm_reject(two_sided_p(z)) if len(z) else np.zeros(0, bool)
    return reject & (z < 0), reject & (z > 0)


def _less_verdict(depths: list[int], less: list[int], more: list[int], widths_more: list) -> str:
    """holds: significantly less at some depth, at every depth from there on, never more
    (pooled), and at no width more at the deepest depth; fails: never less; else partly."""
    if not less:
        return judge(False)
    tail = [d for d in depths if d >= less[0]]
    return judge(True, partly=bool(more or widths_more or tail != less))


def _tests(a: pd.DataFrame, b: pd.DataFrame, count: str, depth: int) -> tuple[list, list]:
    """One comparison's tests: (k, share a, share b, z) per pooled depth, (n, z) per width."""
    return _compare(a, b, count, _depths(depth)), _per_width(a, b, count, depth)


def _z_of(tests: tuple[list, list]) -> list[float]:
    return [r[3] for r in tests[0]] + [z for _, z in tests[1]]


def _classify(tests: tuple[list, list], less: np.ndarray, more: np.ndarray) -> dict:
    """The depths and widths a comparison's (Holm-corrected) masks mark less or more."""
    results, widths = tests
    cut = len(results)
    depths, ns = [r[0] for r in results], [n for n, _ in widths]

    def pick(keys: list, mask: np.ndarray) -> list:
        return [key for key, m in zip(keys, mask, strict=True) if m]

    return {
        "results": results,
        "depths": depths,
        "less": pick(depths, less[:cut]),
        "more": pick(depths, more[:cut]),
        "less_n": pick(ns, less[cut:]),
        "more_n": pick(ns, more[cut:]),
    }


def rai_less_collapse(grid: pd.DataFrame) -> Claim:
    """Lu et al.'s born dead is a constant function: some layer so far was a dead layer
    (p_constant). RAI against He with symmetric biases (iid_bias), per depth pooled over widths
    and per width at the deepest layer (two-proportion z-tests, Holm-corrected together)."""
    claim = (
        "RAI makes a deep network born dead (a constant function) less often than He with biases"
    )
    source = f"{LU} (RAI against symmetric He initialization with biases)"
    rai, he = _scheme(grid, "rai"), _scheme(grid, "iid_bias")
    if rai.empty or he.empty:
        return _undecided("lu.rai_less_collapse", source, claim, "rai or iid_bias not run", GRID)
    depth = int(grid["k"].max())
    tests = _tests(rai, he, "constant_networks", depth)
    z = _z_of(tests)
    f = _classify(tests, *_holm_signs(z))
    text = "; ".join(f"k={d}: {p1:.3f} vs {p2:.3f}" for d, p1, p2, _ in f["results"])
    measured = (
        f"constant (some layer so far dead) share, rai vs iid_bias, pooled over widths: {text}; "
        f"{len(z)} tests, two-sided, Holm-corrected at 95% within the claim: less at "
        f"k = {f['less'] or 'none'}, more at k = {f['more'] or 'none'}; per width at "
        f"k = {depth}: less at n = {f['less_n'] or 'none'}, more at n = {f['more_n'] or 'none'}"
    )
    verdict = _less_verdict(f["depths"], f["less"], f["more"], f["more_n"])
    return Claim("lu.rai_less_collapse", source, claim, measured, verdict, GRID)


def _scaling_words(fit: dict) -> str:
    if not fit.get("fitted"):
        return f"too few widths reach it for a fit ({len(fit['widths'])})"
    words = []
    for model, law in (("exponential", "e^({:.3g} n)"), ("power", "n^{:.3g}")):
        f = fit[model]
        words.append(f"k_half ~ {law.format(f['slope'])} (chi2 p = {f['p_value']:.2g})")
    good = [m for m in ("exponential", "power") if fit[m]["p_value"] >= 0.05]
    tail = f"{' and '.join(good)} fit{'s' if len(good) == 1 else ''}" if good else "neither fits"
    return f"{'; '.join(words)}: {tail}" + ("" if good else ", descriptive only")


def rai_near_constant(near_constant: pd.DataFrame | None) -> Claim:
    """The tolerance reading of born dead: output_spread (std / RMS over the data) <= tau.
    RAI against iid_bias per tau and depth, pooled over widths (two-proportion z-tests); the
    depth at which half the networks are near-constant, per width, and its scaling in n."""
    claim_id = "lu.rai_near_constant"
    claim = (
        "RAI makes a deep network near-constant (output std / RMS over the data <= tau) less "
        "often than He with biases"
    )
    source = f"{LU} (born dead read as a tolerance on the output's spread)"
    if near_constant is None or near_constant.empty:
        return _undecided(claim_id, source, claim, "no near-constant table", NEAR)
    rai, he = _scheme(near_constant, "rai"), _scheme(near_constant, "iid_bias")
    if rai.empty or he.empty:
        return _undecided(claim_id, source, claim, "rai or iid_bias not run", NEAR)
    depth = int(near_constant["k"].max())
    taus = sorted(near_constant["tau"].unique(), reverse=True)
    count = "near_constant_networks"
    pairs = [(rai[rai["tau"] == tau], he[he["tau"] == tau]) for tau in taus]
    tests = [_tests(a, b, count, depth) for a, b in pairs]
    z = [_z_of(t) for t in tests]
    # Holm over every test of the claim (all tolerances), not per tolerance.
    less_all, more_all = _holm_signs([v for part in z for v in part])
    parts, verdicts, offset = [], [], 0
    for tau, (a, b), t, zs in zip(taus, pairs, tests, z, strict=True):
        span = slice(offset, offset + len(zs))
        offset += len(zs)
        f = _classify(t, less_all[span], more_all[span])
        less, more, more_n = f["less"], f["more"], f["more_n"]
        verdicts.append(_less_verdict(f["depths"], less, more, more_n))
        shares = "; ".join(f"k={d}: {p1:.3f} vs {p2:.3f}" for d, p1, p2, _ in f["results"])
        halves = []
        for scheme, frame in (("rai", a), ("iid_bias", b)):
            half = half_depths(frame)
            reached = half.dropna(subset=["k_half"])
            listed = ", ".join(f"{int(r.n)}: {int(r.k_half)}" for r in reached.itertuples())
            halves.append(
                f"{scheme} k_half by n {{{listed or 'none by k = ' + str(depth)}}}, "
                f"{_scaling_words(depth_scaling(half))}"
            )
        parts.append(
            f"tau = {tau:g}: rai vs iid_bias pooled over widths: {shares}; rai less at "
            f"k = {less or 'none'}, more at k = {more or 'none'}, more at n = "
            f"{more_n or 'none'} (k = {depth}); " + "; ".join(halves)
        )
    parts.insert(
        0,
        f"{offset} tests (pooled depths and widths at k = {depth}, per tau), two-sided, "
        "Holm-corrected at 95% within the claim",
    )
    if all(v == "holds" for v in verdicts):
        verdict = judge(True)
    elif all(v == "fails" for v in verdicts):
        verdict = judge(False)
    else:
        verdict = judge(True, partly=True)
    return Claim(claim_id, source, claim, ". ".join(parts), verdict, NEAR)


def _half_below(rows: pd.DataFrame, high: str) -> str:
    """Per width, the first depth whose 95% upper end `high` is below 1/2 ('> K' if none)."""
    depth = int(rows["k"].max())
    parts = []
    for n, g in rows.groupby("n"):
        below = g.loc[g[high] < 0.5, "k"]
        parts.append(f"{int(n)}: {int(below.min()) if len(below) else f'> {depth}'}")
    return ", ".join(parts)


def deep_born_dead(grid: pd.DataFrame) -> Claim:
    """The theorem: P(n, k) <= u0(n, k) -> 0 without biases, and P(not constant by layer k)
    <= u(n, k) = (1 - 2^-(n^2+n))^(k-1) -> 0 with biases. Holds unless a measured cell
    exceeds its bound at SIGMAS (Wilson); the measured depths at which P falls below 1/2
    are the evidence. Never undecided: the bound's limit is computed, not estimated."""
    claim = "a deep ReLU network will eventually die in probability as the depth goes to infinity"
    source = "Lu et al., abstract (symmetric initialization)"
    iid, bias = _scheme(grid, "iid"), _scheme(grid, "iid_bias")
    widths = sorted(set(iid["n"]) | set(bias["n"])) or sorted(set(grid["n"]))
    u0_half = log2_upper_bound_half_depth(np.array(widths, float), biased=False)
    u_half = log2_upper_bound_half_depth(np.array(widths, float), biased=True)
    excess = 0
    if not iid.empty:
        low, _ = wilson_interval(iid["alive_networks"], iid["networks"], z=SIGMAS)
        excess += int((low > iid["upper_bound"]).sum())
    if not bias.empty:
        living = bias["networks"] - bias["constant_networks"]
        low, _ = wilson_interval(living, bias["networks"], z=SIGMAS)
        excess += int((low > bias["upper_bound"]).sum())
    finite = bool(np.isfinite(u0_half).all() and np.isfinite(u_half).all())
    evidence = []
    if not iid.empty:
        evidence.append(f"iid P(alive) < 1/2 from k = {{{_half_below(iid, 'p_alive_high')}}}")
    if not bias.empty:
        alive = bias.assign(p_live_high=1 - bias["p_constant_low"])
        evidence.append(
            f"iid_bias P(not constant) < 1/2 from k = {{{_half_below(alive, 'p_live_high')}}}"
        )
    measured = (
        "theorem: P(n, k) <= u0(n, k) = (1 - 2^-n^2)^(k-1) -> 0 without biases, P(not constant "
        "by layer k) <= u(n, k) = (1 - 2^-(n^2+n))^(k-1) -> 0 with biases; u0 < 1/2 from k = "
        f"{2 ** u0_half[0]:.0f} at n = {widths[0]} to 2^{u0_half[-1]:.1f} at n = {widths[-1]}; "
        f"cells above their bound at {SIGMAS:g} sigma: {excess}; measured (95% upper end): "
        + ("; ".join(evidence) or "no iid or iid_bias cells")
    )
    return Claim("lu.deep_born_dead", source, claim, measured, judge(finite and excess == 0), GRID)


def grid_claims(
    grid: pd.DataFrame,
    cells: pd.DataFrame,
    convergence: dict,
    assumption: dict,
    near_constant: pd.DataFrame | None = None,
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
        batchnorm_cumulative(grid),
        batchnorm_no_gain(grid),
        mean_living_fraction(grid),
        rai_less_collapse(grid),
        rai_near_constant(near_constant),
        deep_born_dead(grid),
    ]
