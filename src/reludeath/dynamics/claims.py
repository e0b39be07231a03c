"""The dynamics family's rows of the claims ledger, each verdict computed from the tables.

`dynamics_claims` takes the tables that exist (an experiment switched off gives no rows).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reludeath.claims import Claim, claims_table, judge
from reludeath.dynamics.momentum import beta_star

__all__ = ["GAP_DB", "PARALLEL", "dynamics_claims"]

GAP_DB = 1.0  # "initially slower": the original model at least this far behind at k = 1000
PARALLEL = 0.25  # "then parallel": late slopes (dB per iteration) within this relative difference
K_EARLY = 1000
OUT = "results/dynamics"


def _k_early(curves: pd.DataFrame) -> int:
    """The recorded iteration nearest K_EARLY (the paper's 'initially')."""
    ks = np.array(sorted(set(curves.k)))
    return int(ks[np.argmin(np.abs(ks - K_EARLY))])


def _dy_at(curves: pd.DataFrame, model: str, k: int) -> pd.Series:
    t = curves[(curves.model == model) & (curves.k == k)]
    return t.set_index("p_d").msd_db.sort_index(ascending=False)


def _late_slope(curves: pd.DataFrame, model: str, p: float) -> float:
    t = curves[(curves.model == model) & (curves.p_d == p)]
    late = t[t.k >= t.k.max() / 2]
    return float(np.polyfit(late.k, late.msd_db, 1)[0])


def _dy_claims(curves: pd.DataFrame | None, modes: pd.DataFrame | None, L: int) -> list[Claim]:
    out = []
    if modes is not None:
        counts = modes.groupby("p_d").is_p_mode.sum()
        others = modes[~modes.is_p_mode]
        slower = {int((t.eigenvalue < p).sum()) for p, t in others.groupby("p_d")}
        out.append(
            Claim(
                "dy.modes_p",
                "Douglas & Yu, Sec. 4, eqs 31-34",
                "L - 2 modes of the mean LMS dynamics converge at rate 1 - eta Pr[d > 0]",
                f"eigenvalues of A equal to Pr[d > 0] (to 1e-9): {sorted(set(counts.astype(int)))} "
                f"for every Pr[d > 0] (L - 2 = {L - 2}); besides, {sorted(slower)} of the "
                "other three modes are slower, and dominate late",
                judge(bool((counts == L - 2).all())),
                f"{OUT}/dy/modes.parquet",
            )
        )
    if curves is not None and "analysis" in set(curves.model):
        k_early = _k_early(curves)
        early = _dy_at(curves, "analysis", k_early)
        last = _dy_at(curves, "analysis", int(curves.k.max()))
        monotone = bool(np.all(np.diff(early.values) > 0) and np.all(np.diff(last.values) > 0))
        shown = ", ".join(f"{p:g}: {v:.2f}" for p, v in early.items())
        out.append(
            Claim(
                "dy.small_p_slow",
                "Douglas & Yu, Sec. 4, Fig 6",
                "convergence of the analysis model slows as Pr[d > 0] falls",
                f"10 log10 E||v_k||^2 at k = {k_early} (Pr[d > 0]: dB): {shown}; increasing "
                f"as Pr[d > 0] falls at k = {k_early} and at k = {int(curves.k.max())}: {monotone}",
                judge(monotone),
                f"{OUT}/dy/curves.parquet",
            )
        )
    if curves is not None and {"analysis", "original"} <= set(curves.model):
        small = [p for p in sorted(set(curves.p_d)) if p <= 0.2]
        if small:
            k_early = _k_early(curves)
            gap = _dy_at(curves, "original", k_early) - _dy_at(curves, "analysis", k_early)
            gaps = {p: float(gap[p]) for p in small}
            rel = {
                p: abs(_late_slope(curves, "original", p) / _late_slope(curves, "analysis", p) - 1)
                for p in small
            }
            slower = all(g >= GAP_DB for g in gaps.values())
            parallel = all(r <= PARALLEL for r in rel.values())
            out.append(
                Claim(
                    "dy.original_initially_slower",
                    "Douglas & Yu, Sec. 5, Fig 7",
                    "the original ReLU update is initially slower for small Pr[d > 0], then "
                    "converges parallel to the analysis model",
                    f"gap original - analysis at k = {k_early} (dB): "
                    + ", ".join(f"{p:g}: {g:.2f}" for p, g in gaps.items())
                    + f" (>= {GAP_DB} needed); late slopes differ by "
                    + ", ".join(f"{p:g}: {100 * r:.0f}%" for p, r in rel.items())
                    + f" (<= {100 * PARALLEL:.0f}% needed)",
                    judge(slower and parallel, partly=slower != parallel),
                    f"{OUT}/dy/curves.parquet",
                )
            )
    return out


def _ar_claims(tables: dict[str, pd.DataFrame], ar: dict) -> list[Claim]:
    out = []
    eigen = tables.get("eigen")
    if eigen is not None:
        eta = float(eigen.eta.iloc[0])
        measured = float(eigen[eigen.is_complex].beta.min())
        closed = beta_star(eta)
        step = float(np.diff(np.sort(eigen.beta.unique())).max())
        ok = closed <= measured <= closed + step and abs(closed - 0.7) < 0.05
        out.append(
            Claim(
                "ar.beta_star",
                "Arnekvist et al., Sec. 4, eq 20, Fig 2",
                "the momentum iteration oscillates (complex eigenvalues) above beta of about 0.7",
                f"first complex beta on the grid {measured:.4f}; closed form "
                f"((1 - eta)/(1 + eta))^2 = {closed:.5f} at eta = {eta:g}",
                judge(ok),
                f"{OUT}/ar/eigen.parquet",
            )
        )
    summary = tables.get("basin_summary")
    if summary is not None:
        no_mom = summary[summary.beta == 0].sort_values("gamma", ascending=False)
        if len(no_mom) >= 2:
            dead = no_mom.frac_dead.to_numpy()
            rising = bool(np.all(np.diff(dead) >= 0) and dead[-1] > 0.5)
            shown = ", ".join(
                f"{g:g}: {d:.3f}" for g, d in zip(no_mom.gamma, no_mom.frac_dead, strict=True)
            )
            out.append(
                Claim(
                    "ar.small_gamma_dead_cone",
                    "Arnekvist et al., Sec. 5, Figs 3-4",
                    "a small target scale sends the parameters into the dead cone",
                    f"fraction of starts ending dead, beta = 0 (gamma: fraction): {shown}",
                    judge(rising),
                    f"{OUT}/ar/basin_summary.parquet",
                )
            )
        if len(no_mom):
            major = no_mom.frac_optimum > 0.5
            shown = ", ".join(
                f"{g:g}: {f:.3f}" for g, f in zip(no_mom.gamma, no_mom.frac_optimum, strict=True)
            )
            out.append(
                Claim(
                    "ar.majority_converges",
                    "Arnekvist et al., Sec. 5, Fig 4",
                    "without momentum the majority of starts still converges to the optimum",
                    f"fraction reaching the optimum, beta = 0 (gamma: fraction): {shown}",
                    judge(bool(major.any()), partly=bool(major.any() and not major.all())),
                    f"{OUT}/ar/basin_summary.parquet",
                )
            )
        gamma_m = float(ar["basins"]["momentum_gamma"])
        mom = summary[np.isclose(summary.gamma, gamma_m)].set_index("beta").frac_optimum
        low = [b for b in mom.index if b <= 0.7]
        high = [b for b in mom.index if b >= 0.9]
        if 0.0 in mom.index and low and high:
            kept = all(abs(mom[b] - mom[0.0]) <= 0.05 for b in low)
            collapsed = all(mom[b] <= 0.05 for b in high)
            shown = ", ".join(f"{b:g}: {f:.4f}" for b, f in mom.items())
            out.append(
                Claim(
                    "ar.momentum_collapse",
                    "Arnekvist et al., Sec. 5, Fig 5",
                    "with momentum above about 0.7 the optimum's basin collapses",
                    f"fraction reaching the optimum at gamma = {gamma_m:g} (beta: fraction): "
                    f"{shown}; within 0.05 of beta = 0 for beta <= 0.7: {kept}; "
                    f"<= 0.05 for beta >= 0.9: {collapsed}",
                    judge(kept and collapsed, partly=kept != collapsed),
                    f"{OUT}/ar/basin_summary.parquet",
                )
            )
    reg = tables.get("regression")
    if reg is not None and "adam" in set(reg.optimizer) and reg.gamma.nunique() >= 2:
        last = reg[(reg.step == reg.step.max()) & (reg.delta == reg.delta.min())]
        dead = last.groupby(["optimizer", "gamma"]).dead_frac.mean()
        g_small, g_large = reg.gamma.min(), reg.gamma.max()
        adam_small, adam_large = dead[("adam", g_small)], dead[("adam", g_large)]
        others = [dead[(o, g_small)] for o in set(reg.optimizer) - {"adam"}]
        kills = adam_small > 0 and adam_small > adam_large
        only = all(o < adam_small for o in others)
        shown = ", ".join(f"{o} at gamma {g:g}: {v:.3f}" for (o, g), v in dead.items())
        out.append(
            Claim(
                "ar.adam_kills",
                "Arnekvist et al., Fig 1 (synthetic surrogate, not their UCI data)",
                "with Adam, small target scales kill hidden ReLU units",
                f"dead fraction of hidden units at step {int(reg.step.max())}: {shown}",
                judge(kills and only, partly=kills and not only),
                f"{OUT}/ar/regression.parquet",
            )
        )
    return out


def dynamics_claims(tables: dict[str, pd.DataFrame], dy: dict, ar: dict) -> pd.DataFrame:
    """Claims rows (reludeath.claims.CLAIM_COLUMNS) from the dynamics tables present."""
    claims = _dy_claims(tables.get("curves"), tables.get("modes"), int(dy["L"]))
    claims += _ar_claims(tables, ar)
    return claims_table(claims)
