"""rr.lemma_5_7, rr.signflip_marginals and rr.conditional_variance_step, judged on the
tables of reludeath.errata.measure (results/errata/*.parquet) at SIGMAS standard errors."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reludeath.claims import Claim, judge

__all__ = ["SIGMAS", "conditional_variance_step", "errata_claims", "lemma_5_7",
           "signflip_marginals"]  # fmt: skip

SIGMAS = 5.0
RR_LONG, RR_SHORT = "Rister & Rubin (long version)", "Rister & Rubin (short version)"
LEMMA, MARGINALS = "results/errata/lemma_5_7.parquet", "results/errata/signflip_marginals.parquet"
CONDITIONAL = "results/errata/conditional_variance.parquet"


def _none(claim_id: str, source: str, claim: str, evidence: str) -> Claim:
    return Claim(claim_id, source, claim, "nothing measured", judge(None), evidence)


def lemma_5_7(table: pd.DataFrame) -> Claim:
    """The printed form fails where it is excluded beyond SIGMAS SE at a layer >= 2 (at layer
    1 both forms nearly coincide: E lam~^2 is O(1/M)); the corrected form is reported beside."""
    claim = "E s2(F) = 1/2 E s2(F~) - E lam^2 for a rectifier neuron F = relu(F~) (Lemma 5.7)"
    source = f"{RR_LONG} Lemma 5.7 and its proof, eq (14)-(15)"
    rows = table[table["layer"] >= 2]
    if rows.empty:
        return _none("rr.lemma_5_7", source, claim, LEMMA)
    printed_out = rows["z_printed"].abs() > SIGMAS
    corrected_out = rows["z_corrected"].abs() > SIGMAS
    parts = []
    for scheme, g in rows.groupby("scheme", sort=False):
        parts.append(
            f"{scheme}: printed excluded in {int(printed_out[g.index].sum())} of {len(g)} "
            f"(n, layer) cells, corrected in {int(corrected_out[g.index].sum())}"
        )
    pick = rows[(rows["n"] == 4) & (rows["layer"] == 2)]
    example = pick.iloc[0] if len(pick) else rows.iloc[0]
    measured = (
        "moments over the points with 1/M, each side per neuron divided by E[F~^2 | input], "
        f"layers >= 2, {SIGMAS:g} SE over networks: " + "; ".join(parts) + f". At "
        f"{example.scheme} n = {example.n}, layer {example.layer}: measured "
        f"{example.measured:.3f} +- {example.measured_se:.3f}, printed {example.printed:.3f} "
        f"(z = {example.z_printed:.1f}), corrected 1/2 (E s2(F~) + E lam~^2) - E lam^2 = "
        f"{example.corrected:.3f} (z = {example.z_corrected:.1f}); largest |z| of the "
        f"corrected form {rows['z_corrected'].abs().max():.2f}"
    )
    holds = not bool(printed_out.any())
    return Claim("rr.lemma_5_7", source, claim, measured, judge(holds), LEMMA)


def signflip_marginals(table: pd.DataFrame) -> Claim:
    """Fails at the widths where P(w > 0) excludes 1/2, or the mean weight excludes 0, beyond
    SIGMAS SE over networks (weights of layers 2..k after flipping)."""
    claim = "sign flipping changes only the joint distribution: each parameter's marginal is kept"
    source = f"{RR_LONG} §7"
    if table.empty:
        return _none("rr.signflip_marginals", source, claim, MARGINALS)
    z_p = (table["p_positive"] - 0.5) / table["p_positive_se"].where(table["p_positive_se"] > 0)
    z_p = z_p.fillna(np.inf * np.sign(table["p_positive"] - 0.5)).fillna(0.0)
    z_w = table["mean_weight"] / table["mean_weight_se"].where(table["mean_weight_se"] > 0)
    z_w = z_w.fillna(0.0)
    off = (z_p.abs() > SIGMAS) | (z_w.abs() > SIGMAS)
    shown = "; ".join(
        f"n = {r.n}: P(w > 0) = {r.p_positive:.4f} +- {r.p_positive_se:.4f}, mean "
        f"{r.mean_weight:+.4f} +- {r.mean_weight_se:.4f}"
        for r in table.itertuples()
    )
    changed = [int(n) for n in table.loc[off, "n"]]
    measured = (
        f"weights of layers 2..{int(table['layers'].iloc[0]) + 1} after flipping, mean in units "
        f"of the drawn weights' std, SE over networks: {shown}; marginal changed beyond "
        f"{SIGMAS:g} SE at n = {changed or 'none'}"
    )
    return Claim("rr.signflip_marginals", source, claim, measured, judge(not changed), MARGINALS)


def conditional_variance_step(table: pd.DataFrame) -> Claim:
    """Fails if any (network, layer, neuron) has Var(z | z > 0) > Var(z) beyond float
    tolerance over the living points; the share of such units and where they are."""
    claim = "Var(X | X > 0) <= Var(X) (the step before eq (14))"
    source = f"{RR_SHORT}, the step before eq (14)"
    units = int(table["units"].sum()) if len(table) else 0
    if units == 0:
        return _none("rr.conditional_variance_step", source, claim, CONDITIONAL)
    violations = int(table["violations"].sum())
    where = []
    for (scheme, n), g in table.groupby(["scheme", "n"], sort=False):
        bad = g[g["violations"] > 0]
        if len(bad):
            where.append(
                f"{scheme} n = {n}: {int(bad['violations'].sum())} of {int(g['units'].sum())} "
                f"at layers {int(bad['layer'].min())}..{int(bad['layer'].max())}"
            )
    worst = table.loc[table["worst_ratio"].idxmax()]
    measured = (
        "units (network, layer, neuron) with >= 2 living points where z > 0: "
        f"{violations} of {units} ({violations / units:.2%}) have Var(z | z > 0) > Var(z) "
        f"(1 + 1e-9); {'; '.join(where) or 'none'}; largest ratio {worst.worst_ratio:.3g} at "
        f"{worst.scheme} n = {worst.n}, layer {worst.layer}"
    )
    return Claim(
        "rr.conditional_variance_step", source, claim, measured, judge(violations == 0),
        CONDITIONAL,
    )  # fmt: skip


def errata_claims(tables: dict[str, pd.DataFrame]) -> list[Claim]:
    """The errata's claims, in ledger order, from errata_tables' output."""
    return [
        lemma_5_7(tables["lemma_5_7"]),
        signflip_marginals(tables["signflip_marginals"]),
        conditional_variance_step(tables["conditional_variance"]),
    ]
