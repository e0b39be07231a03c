"""The practice claims of the ledger, judged from the grid table (docs/science.md, §8).

- ``folk.small_positive_bias``: const_bias against iid (He, zero bias), per (n, k), on
  P(alive), on P(constant) (Lu et al.'s born dead: some layer so far was a dead layer, so
  the output is a constant function of the input) and on the near-constant share
  P(collapsed) (output_spread <= 1e-5). Holds when the bias helps measurably somewhere, never
  hurts on any of the three, and at the deepest layer every width keeps P(alive) >=
  KEEPS_ALIVE; partly when it helps, never hurts, but networks still die; fails when it
  makes no measurable difference or hurts on one of them.
- ``practice.<scheme>_vs_...``: the scheme against iid on P(alive). The claim is "no
  difference": it holds when no (n, k) differs beyond Z_SIGNIFICANT standard errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from reludeath.claims import Claim, claims_table, judge
from reludeath.practice.compare import Z_SIGNIFICANT, compare_schemes, deepest

__all__ = ["KEEPS_ALIVE", "PRACTICE_CLAIMS", "PracticeClaim", "practice_claims"]

KEEPS_ALIVE = 0.9  # "keeps networks alive": P(alive) at the deepest layer at least this
SHOWN_WIDTHS = (2, 4, 8, 15)  # widths quoted in the measured text (all when none present)


@dataclass(frozen=True)
class PracticeClaim:
    """A practice claim: `scheme` against `reference` (iid)."""

    claim_id: str
    scheme: str
    reference: str
    source: str
    claim: str


PRACTICE_CLAIMS = (
    PracticeClaim(
        "folk.small_positive_bias",
        "const_bias",
        "iid",
        "Stanford CS231n notes, 'Setting up the data and the model' (biases = 0.01)",
        "A small positive bias (0.01) keeps ReLU networks alive: initializing every bias to "
        "a small positive constant ensures that all ReLU units fire in the beginning.",
    ),
    PracticeClaim(
        "practice.torch_default_vs_he",
        "torch_default",
        "iid",
        "PyTorch nn.Linear.reset_parameters (kaiming_uniform_(a=sqrt(5)), uniform bias)",
        "PyTorch's default nn.Linear initialization (weights and biases U(-1/sqrt(n), "
        "1/sqrt(n))) gives deep narrow ReLU networks the same P(alive) as He initialization.",
    ),
    PracticeClaim(
        "practice.orthogonal_vs_gaussian",
        "orthogonal",
        "iid",
        "torch.nn.init.orthogonal_; Saxe et al. 2014",
        "Haar orthogonal weights give deep narrow ReLU networks the same P(alive) as "
        "i.i.d. Gaussian weights.",
    ),
    PracticeClaim(
        "practice.uniform_vs_gaussian",
        "uniform",
        "iid",
        "Keras Dense default (glorot_uniform weights, zero biases)",
        "Uniform weights (Keras' default) give deep narrow ReLU networks the same P(alive) "
        "as Gaussian weights.",
    ),
)


def _widths(frame: pd.DataFrame) -> list[int]:
    present = sorted(int(n) for n in frame["n"].unique())
    return [n for n in SHOWN_WIDTHS if n in present] or present


def _at_deepest(frame: pd.DataFrame, scheme: str, reference: str) -> str:
    rows = deepest(frame)
    rows = rows[rows["n"].isin(_widths(frame))]
    k = int(rows["k"].max()) if len(rows) else 0
    parts = [
        f"n={int(r.n)}: {r.p:.3f} vs {r.p_ref:.3f} (d={r.diff:+.3f}, z={r.z:+.1f})"
        for r in rows.itertuples()
    ]
    return f"P(alive) at k={k}, {scheme} vs {reference}: " + "; ".join(parts)


def _largest(frame: pd.DataFrame) -> str:
    row = frame.loc[frame["z"].abs().idxmax()]
    return (
        f"largest |z| at n={int(row.n)}, k={int(row.k)}: d={row['diff']:+.4f} "
        f"(se {row.se:.4f}, z={row.z:+.1f})"
    )


def _most_near(near: pd.DataFrame) -> str:
    """Where the scheme is most often near-constant beyond the reference, if anywhere."""
    if not (near["z"] > Z_SIGNIFICANT).any():
        return ""
    row = near.loc[near["z"].idxmax()]
    return f" (most at n={int(row.n)}, k={int(row.k)}: {row.p:.3f} vs {row.p_ref:.3f})"


def _folk(spec: PracticeClaim, grid: pd.DataFrame, evidence: str) -> Claim:
    alive = compare_schemes(grid, spec.scheme, spec.reference, "p_alive")
    constant = compare_schemes(grid, spec.scheme, spec.reference, "p_constant")
    better_alive = int((alive["z"] > Z_SIGNIFICANT).sum())
    worse_alive = int((alive["z"] < -Z_SIGNIFICANT).sum())
    fewer_constant = int((constant["z"] < -Z_SIGNIFICANT).sum())
    more_constant = int((constant["z"] > Z_SIGNIFICANT).sum())
    near = compare_schemes(grid, spec.scheme, spec.reference, "p_collapsed")
    fewer_near = int((near["z"] < -Z_SIGNIFICANT).sum())
    more_near = int((near["z"] > Z_SIGNIFICANT).sum())
    last = deepest(alive)
    keeps = bool((last["p"] >= KEEPS_ALIVE).all())
    helps = better_alive + fewer_constant > 0
    hurts = worse_alive + more_constant + more_near > 0
    verdict = judge(False) if not helps or hurts else judge(True, partly=not keeps)
    cells = len(alive)
    measured = (
        f"{spec.scheme} against {spec.reference} over {cells} (n, k) cells, beyond "
        f"{Z_SIGNIFICANT:g} SE: more alive in {better_alive}, fewer alive in {worse_alive}; "
        f"fewer born dead (a constant function) in {fewer_constant}, more in {more_constant}; "
        f"fewer near-constant (output spread <= 1e-5) in {fewer_near}, more in {more_near}"
        f"{_most_near(near)}. "
        f"{_at_deepest(alive, spec.scheme, spec.reference)}. Keeps P(alive) >= "
        f"{KEEPS_ALIVE:g} at the deepest layer of every width: {'yes' if keeps else 'no'} "
        f"(smallest {last['p'].min():.3f} at n={int(last.loc[last['p'].idxmin(), 'n'])})."
    )
    return Claim(spec.claim_id, spec.source, spec.claim, measured, verdict, evidence)


def _same(spec: PracticeClaim, grid: pd.DataFrame, evidence: str) -> Claim:
    alive = compare_schemes(grid, spec.scheme, spec.reference, "p_alive")
    beyond = alive[alive["z"].abs() > Z_SIGNIFICANT]
    measured = (
        f"{spec.scheme} minus {spec.reference}: {len(beyond)} of {len(alive)} (n, k) cells "
        f"differ beyond {Z_SIGNIFICANT:g} SE"
        + (
            f" ({int((beyond['z'] > 0).sum())} higher, {int((beyond['z'] < 0).sum())} lower)"
            if len(beyond)
            else " (no measurable difference)"
        )
        + f"; {_largest(alive)}. {_at_deepest(alive, spec.scheme, spec.reference)}."
    )
    return Claim(spec.claim_id, spec.source, spec.claim, measured, judge(beyond.empty), evidence)


def practice_claims(
    grid: pd.DataFrame, evidence: str, claims: Sequence[PracticeClaim] = PRACTICE_CLAIMS
) -> pd.DataFrame:
    """The claims whose two schemes are both in `grid`, as a ledger table."""
    present = set(grid["scheme"])
    judged = []
    for spec in claims:
        if {spec.scheme, spec.reference} <= present:
            judge_one = _folk if spec.claim_id.startswith("folk.") else _same
            judged.append(judge_one(spec, grid, evidence))
    return claims_table(judged)
