"""The "Beyond initialization" section of results/summary.md, from the dynamics tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reludeath.claims import claims_markdown
from reludeath.dynamics.momentum import beta_star

__all__ = ["dynamics_markdown"]


def _md(frame: pd.DataFrame, digits: int = 4) -> str:
    cols = list(frame.columns)
    lines = ["| " + " | ".join(map(str, cols)) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        cells = [f"{v:.{digits}g}" if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def dynamics_markdown(tables: dict[str, pd.DataFrame], claims: pd.DataFrame) -> str:
    """Markdown: DY dB values and modes, AR beta*, basin fractions, surrogate, claims."""
    parts = ["# Beyond initialization: training dynamics\n"]
    curves, theory = tables.get("curves"), tables.get("theory")
    if curves is not None and theory is not None:
        ks = [k for k in (100, 1000, 3000, int(curves.k.max())) if k in set(curves.k)]
        rows = []
        for p in sorted(set(curves.p_d), reverse=True):
            th = theory[theory.p_d == p].set_index("k")
            for k in ks:
                row = {"Pr[d>0]": p, "k": k}
                for model in sorted(set(curves.model)):
                    t = curves[(curves.model == model) & (curves.p_d == p) & (curves.k == k)]
                    row[f"{model} dB"] = float(t.msd_db.iloc[0])
                row["exact theory dB"] = float(10 * np.log10(th.msd_exact[k]))
                row["first order dB"] = float(10 * np.log10(th.msd_first_order[k]))
                rows.append(row)
        parts.append(
            "## Douglas & Yu: one ReLU unit trained by LMS (Figs 6, 7)\n\n"
            "Mean-square deviation from the optimum, 10 log10 E||v_k||^2, simulated (analysis "
            "model gated by u(d), original update gated by u(y)) and the two theories.\n\n"
            + _md(pd.DataFrame(rows))
        )
    modes = tables.get("modes")
    if modes is not None:
        m = modes[~modes.is_p_mode].copy()
        m["kind"] = (
            m.groupby("p_d").cumcount().map({0: "lambda_min", 1: "lambda_2", 2: "lambda_max"})
        )
        wide = m.pivot(index="p_d", columns="kind", values="eigenvalue").sort_index(ascending=False)
        limits = modes.groupby("p_d")[["eta_max_mean", "eta_max_ms"]].first()
        wide = wide.join(limits).reset_index()
        parts.append(
            "Eigenvalues of A besides the L - 2 equal to Pr[d > 0], and the step-size limits "
            "(mean: 2/lambda_max; mean square: the second-moment recursion).\n\n" + _md(wide)
        )
    act = tables.get("act_init")
    if act is not None:
        last = act[act.k == act.k.max()][["n", "k", "act_mean", "alpha_prev_mean"]]
        parts.append(
            "DY-0: activation probability at initialization in the deepest layer, with "
            "E[alpha_(k-1)] (the expectation of act is half of it).\n\n" + _md(last)
        )
    eigen = tables.get("eigen")
    if eigen is not None:
        eta = float(eigen.eta.iloc[0])
        parts.append(
            "## Arnekvist et al.: target scale and momentum (Figs 2-5)\n\n"
            f"beta*: first complex beta on the grid {eigen[eigen.is_complex].beta.min():.4f}, "
            f"closed form ((1 - eta)/(1 + eta))^2 = {beta_star(eta):.5f} (eta = {eta:g}).\n"
        )
    summary = tables.get("basin_summary")
    if summary is not None:
        cols = ["gamma", "beta", "frac_optimum", "optimum_low", "optimum_high", "frac_dead"]
        parts.append(
            "Basins of attraction (AR-D: beta = 0, each gamma; AR-E: each beta at the "
            "smallest gamma), with 95% Wilson bounds.\n\n" + _md(summary[cols])
        )
    reg = tables.get("regression")
    if reg is not None:
        last = reg[reg.step == reg.step.max()]
        last = last.groupby(["optimizer", "gamma", "delta"])[["mse_z", "dead_frac"]].mean()
        parts.append(
            f"AR-G (synthetic surrogate of Fig 1, step {int(reg.step.max())}).\n\n"
            + _md(last.reset_index())
        )
    if len(claims):
        parts.append(claims_markdown(claims).replace("# Claims ledger", "## Dynamics claims"))
    return "\n".join(parts)
