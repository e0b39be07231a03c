"""The practice claims of the ledger, judged from the grid table (docs/science.md, §8).

- ``folk.small_positive_bias``: const_bias against iid (He, zero bias), per (n, k), on
  P(alive), on P(constant) (Lu et al.'s born dead: some layer so far was a dead layer, so
  the output is a constant function of the input) and on the near-constant share
  P(collapsed) (output_spread <= 1e-5). Holds when the bias helps measurably somewhere, never
  hurts on any of the three, and at the deepest layer every width keeps P(alive) >=
  KEEPS_ALIVE; partly when it helps, never hurts, but networks still die; fails when it
  makes no measurable difference or hurts on one of them.
  Each test two-sided, Holm-corrected at 95% over the claim's tests; the measured text
  gives the power: the smallest difference detected with probability 0.8 at the deepest layer.
- ``practice.uniform_vs_gaussian``, ``practice.orthogonal_vs_gaussian``: zero-bias
  sign-symmetric schemes, whose P differs from iid's only through S(n): an equivalence test
  on S(n) per width (reludeath.practice.equivalence; paired bootstrap for orthogonal, which
  shares iid's random numbers, unpaired for uniform). Holds where every width is equivalent.
- ``practice.torch_default_vs_he``: biased, so judged on P(alive) per (n, k): holds when no
  cell differs (Holm-corrected at 95%), with each test's power stated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from reludeath.claims import Claim, claims_table, judge
from reludeath.practice.compare import compare_schemes, deepest
from reludeath.stats import holm_reject, two_sided_p

__all__ = [
    "EQUIVALENCE_SCHEMES",
    "KEEPS_ALIVE",
    "PRACTICE_CLAIMS",
    "PracticeClaim",
    "practice_claims",
]

KEEPS_ALIVE = 0.9  # "keeps networks alive": P(alive) at the deepest layer at least this
ALPHA, POWER = 0.05, 0.8  # family-wise level (Holm) and the power the measured text states
SHOWN_WIDTHS = (2, 4, 8, 15)  # widths quoted in the measured text (all when none present)


@dataclass(frozen=True)
class PracticeClaim:
    """A practice claim: `scheme` against `reference` (iid)."""

    claim_id: str
    scheme: str
    reference: str
    source: str
    claim: str
    test: str = "p_alive"  # or "equivalence": on S(n), for zero-bias sign-symmetric schemes


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
        "equivalence",
    ),
    PracticeClaim(
        "practice.uniform_vs_gaussian",
        "uniform",
        "iid",
        "Keras Dense default (glorot_uniform weights, zero biases)",
        "Uniform weights (Keras' default) give deep narrow ReLU networks the same P(alive) "
        "as Gaussian weights.",
        "equivalence",
    ),
)


# The schemes judged by equivalence on S(n) against iid (their shards feed the test).
EQUIVALENCE_SCHEMES = tuple(c.scheme for c in PRACTICE_CLAIMS if c.test == "equivalence")


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


def _holm(frames: Sequence[pd.DataFrame]) -> list[pd.DataFrame]:
    """Each comparison frame with `less` / `more`: two-sided, Holm-corrected at ALPHA over
    every test of all the frames together (the claim's family)."""
    z = np.concatenate([f["z"].to_numpy() for f in frames]) if frames else np.zeros(0)
    reject = holm_reject(two_sided_p(z), ALPHA) if len(z) else np.zeros(0, bool)
    out, offset = [], 0
    for f in frames:
        r = reject[offset : offset + len(f)]
        offset += len(f)
        out.append(f.assign(less=r & (f["z"] < 0).to_numpy(), more=r & (f["z"] > 0).to_numpy()))
    return out


def _power(frame: pd.DataFrame, tests: int) -> str:
    """The smallest |d| each deepest-layer test detects with probability POWER at Holm's
    strictest level ALPHA / tests: (z_{1 - ALPHA/(2 tests)} + z_POWER) se, per shown width."""
    rows = deepest(frame)
    rows = rows[rows["n"].isin(_widths(frame))]
    factor = norm.isf(ALPHA / (2 * tests)) + norm.ppf(POWER)
    parts = [f"n={int(r.n)}: {factor * r.se:.3f}" for r in rows.itertuples() if r.se > 0]
    return (
        f"power: |d| detected with probability {POWER:g} at the deepest layer (level "
        f"{ALPHA:g}/{tests}) {'; '.join(parts) or 'none (se 0)'}"
    )


def _largest(frame: pd.DataFrame) -> str:
    row = frame.loc[frame["z"].abs().idxmax()]
    return (
        f"largest |z| at n={int(row.n)}, k={int(row.k)}: d={row['diff']:+.4f} "
        f"(se {row.se:.4f}, z={row.z:+.1f})"
    )


def _most_near(near: pd.DataFrame) -> str:
    """Where the scheme is most often near-constant beyond the reference, if anywhere."""
    if not near["more"].any():
        return ""
    row = near.loc[near["z"].idxmax()]
    return f" (most at n={int(row.n)}, k={int(row.k)}: {row.p:.3f} vs {row.p_ref:.3f})"


def _folk(spec: PracticeClaim, grid: pd.DataFrame, evidence: str, _: object) -> Claim:
    frames = [
        compare_schemes(grid, spec.scheme, spec.reference, column)
        for column in ("p_alive", "p_constant", "p_collapsed")
    ]
    alive, constant, near = _holm(frames)
    tests = sum(len(f) for f in frames)
    better_alive, worse_alive = int(alive["more"].sum()), int(alive["less"].sum())
    fewer_constant, more_constant = int(constant["less"].sum()), int(constant["more"].sum())
    fewer_near, more_near = int(near["less"].sum()), int(near["more"].sum())
    last = deepest(alive)
    keeps = bool((last["p"] >= KEEPS_ALIVE).all())
    helps = better_alive + fewer_constant > 0
    hurts = worse_alive + more_constant + more_near > 0
    verdict = judge(False) if not helps or hurts else judge(True, partly=not keeps)
    cells = len(alive)
    measured = (
        f"{spec.scheme} against {spec.reference} over {cells} (n, k) cells, {tests} tests "
        f"(P(alive), P(constant), P(near-constant) per cell), two-sided, Holm-corrected at "
        f"{ALPHA:g}: more alive in {better_alive}, fewer alive in {worse_alive}; "
        f"fewer born dead (a constant function) in {fewer_constant}, more in {more_constant}; "
        f"fewer near-constant (output spread <= 1e-5) in {fewer_near}, more in {more_near}"
        f"{_most_near(near)}. "
        f"{_at_deepest(alive, spec.scheme, spec.reference)}; {_power(alive, tests)}. Keeps "
        f"P(alive) >= {KEEPS_ALIVE:g} at the deepest layer of every width: "
        f"{'yes' if keeps else 'no'} "
        f"(smallest {last['p'].min():.3f} at n={int(last.loc[last['p'].idxmin(), 'n'])})."
    )
    return Claim(spec.claim_id, spec.source, spec.claim, measured, verdict, evidence)


def _same(spec: PracticeClaim, grid: pd.DataFrame, evidence: str, _: object) -> Claim:
    (alive,) = _holm([compare_schemes(grid, spec.scheme, spec.reference, "p_alive")])
    beyond = alive[alive["less"] | alive["more"]]
    measured = (
        f"{spec.scheme} minus {spec.reference} on P(alive): {len(beyond)} of {len(alive)} "
        f"(n, k) cells differ (two-sided, Holm-corrected at {ALPHA:g} over the {len(alive)} "
        "tests)"
        + (
            f" ({int(beyond['more'].sum())} higher, {int(beyond['less'].sum())} lower)"
            if len(beyond)
            else " (no measurable difference)"
        )
        + f"; {_largest(alive)}. {_at_deepest(alive, spec.scheme, spec.reference)}; "
        f"{_power(alive, len(alive))}."
    )
    return Claim(spec.claim_id, spec.source, spec.claim, measured, judge(beyond.empty), evidence)


def _equivalent(
    spec: PracticeClaim, grid: pd.DataFrame, evidence: str, table: pd.DataFrame | None
) -> Claim:
    """Equivalence on S(n) per width: holds where every width is equivalent; fails where some
    width is different and none equivalent, partly where some are; else undecided."""
    rows = pd.DataFrame() if table is None else table[table["scheme"] == spec.scheme]
    if rows.empty:
        return Claim(spec.claim_id, spec.source, spec.claim,
                     "no equivalence table for this scheme", judge(None), evidence)  # fmt: skip
    rows = rows.sort_values("n")
    same = rows["result"] == "equivalent"
    different = rows["result"] == "different"
    parts = [
        f"n={r.n}: {r.delta:+.3f} [{r.delta_low:+.3f}, {r.delta_high:+.3f}] (margin "
        f"{r.margin:.3g}, S_ref {r.S_ref:.3f})"
        for r in rows.itertuples()
        if r.n in _widths(rows)
    ]
    pairing = "paired over shared networks" if rows["paired"].all() else "unpaired"
    unshown = ", ".join(str(n) for n in rows.loc[~same, "n"])
    alive = compare_schemes(grid, spec.scheme, spec.reference)
    measured = (
        f"equivalence on S(n), {spec.scheme} minus {spec.reference}, 90% bootstrap interval "
        f"over networks ({pairing}), margin the dS that moves P(n, {int(rows['depth'].max())}) "
        f"by 0.01: equivalent at {int(same.sum())} of {len(rows)} widths, different at "
        f"{int(different.sum())}"
        + (f" (not shown equivalent at n = {unshown})" if unshown else "")
        + f"; dS: {'; '.join(parts)}. {_at_deepest(alive, spec.scheme, spec.reference)}."
    )
    if different.any():
        verdict = judge(True, partly=True) if same.any() else judge(False)
    elif same.all():
        verdict = judge(True)
    else:
        verdict = judge(True, partly=True) if same.any() else judge(None)
    evidence = f"results/practice/equivalence.parquet; {evidence}"
    return Claim(spec.claim_id, spec.source, spec.claim, measured, verdict, evidence)


def practice_claims(
    grid: pd.DataFrame,
    evidence: str,
    claims: Sequence[PracticeClaim] = PRACTICE_CLAIMS,
    equivalence: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The claims whose two schemes are both in `grid`, as a ledger table; `equivalence`
    (results/practice/equivalence.parquet) for the claims judged on S(n)."""
    present = set(grid["scheme"])
    judged = []
    for spec in claims:
        if {spec.scheme, spec.reference} <= present:
            if spec.test == "equivalence":
                judge_one = _equivalent
            else:
                judge_one = _folk if spec.claim_id.startswith("folk.") else _same
            judged.append(judge_one(spec, grid, evidence, equivalence))
    return claims_table(judged)
