"""The claims ledger: one row per quantitative claim of the papers, with a computed verdict.

Each family of experiments (the main grid, architecture variants, training
dynamics) judges its own claims from its outputs and writes them as a small
table; the workflow concatenates the families into ``results/claims.parquet``
and ``results/claims.md``. A verdict is always computed from measured numbers,
never typed in: build it with :func:`judge`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import pandas as pd

__all__ = [
    "CLAIM_COLUMNS",
    "PAPERS",
    "VERDICTS",
    "Claim",
    "claims_markdown",
    "claims_table",
    "judge",
]

VERDICTS = ("holds", "fails", "partly", "undecided")

# Claim id prefix -> the paper its claims come from (pages group the ledger by it).
PAPERS = {
    "rr": "Rister & Rubin",
    "lu": "Lu et al.",
    "dy": "Douglas & Yu",
    "ar": "Arnekvist et al.",
    "folk": "Practitioners' advice",
    "practice": "Library defaults against He",
}

CLAIM_COLUMNS = {
    "claim_id": "stable identifier, '<paper>.<claim>' ("
    + ", ".join(f"{prefix}: {paper}" for prefix, paper in PAPERS.items())
    + ")",
    "source": "paper, section, equation or figure the claim comes from",
    "claim": "the claim, quoted or paraphrased",
    "measured": "what this run measured, with its interval or test statistic",
    "verdict": "holds, fails, partly or undecided, computed from the measurement",
    "evidence": "the output file or figure the measurement comes from",
}

_ID = re.compile(r"^[a-z]+\.[a-z0-9_]+$")


@dataclass(frozen=True)
class Claim:
    """One row of the ledger; see CLAIM_COLUMNS for the fields."""

    claim_id: str
    source: str
    claim: str
    measured: str
    verdict: str
    evidence: str

    def __post_init__(self) -> None:
        if not _ID.match(self.claim_id):
            raise ValueError(f"claim_id must look like 'paper.name', got {self.claim_id!r}")
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")
        for name in ("source", "claim", "measured", "evidence"):
            if not getattr(self, name).strip():
                raise ValueError(f"claim {self.claim_id}: {name} is empty")


def judge(holds: bool | None, partly: bool = False) -> str:
    """The verdict of a computed test: None means the data cannot decide.

    `partly` marks a claim that holds in some of the tested conditions only.
    """
    if holds is None:
        return "undecided"
    if partly:
        return "partly"
    return "holds" if holds else "fails"


def claims_table(claims: Iterable[Claim | pd.DataFrame]) -> pd.DataFrame:
    """Claims (or tables of claims) as one DataFrame with CLAIM_COLUMNS, ids unique."""
    parts = []
    for item in claims:
        if isinstance(item, Claim):
            parts.append(pd.DataFrame([asdict(item)]))
        else:
            missing = set(CLAIM_COLUMNS) - set(item.columns)
            if missing:
                raise ValueError(f"claims table lacks columns {sorted(missing)}")
            for row in item[list(CLAIM_COLUMNS)].itertuples(index=False):
                Claim(*row)  # validates
            parts.append(item[list(CLAIM_COLUMNS)])
    if not parts:
        return pd.DataFrame({name: pd.Series(dtype=str) for name in CLAIM_COLUMNS})
    table = pd.concat(parts, ignore_index=True)
    duplicated = table.claim_id[table.claim_id.duplicated()].tolist()
    if duplicated:
        raise ValueError(f"claim ids must be unique, repeated: {duplicated}")
    return table


def claims_markdown(table: pd.DataFrame) -> str:
    """The ledger as a Markdown table, with the count of each verdict first."""
    counts = table.verdict.value_counts()
    tally = ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS)
    lines = [
        "# Claims ledger",
        "",
        f"{len(table)} claims: {tally}. Every verdict is computed from this run's outputs.",
        "",
        "| " + " | ".join(CLAIM_COLUMNS) + " |",
        "|" + "---|" * len(CLAIM_COLUMNS),
    ]
    for row in table[list(CLAIM_COLUMNS)].itertuples(index=False):
        cells = (str(v).replace("|", "\\|").replace("\n", " ") for v in row)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
