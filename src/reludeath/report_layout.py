"""Where a reported file sits in the Snakemake report: the categories and the entry type.

The report viewer sorts categories by name, so a numeric prefix puts the answers first:
the claims ledger, then the summary, then the figures. Each family declares its figures'
places beside their other records (``grid.figures.FIGURES``, ``dynamics.registry.FIGURES``,
``variants.grid.REPORT``, ``deep.plan.REPORT``, ``practice.compare.REPORT``), keyed by the
reported file's name without its extension; ``reludeath.workflow_plan.REPORT_LAYOUT`` joins
them with ``ANSWERS``. The rules look their outputs up there, so a figure without a place stops
the workflow when it is parsed instead of silently leaving the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ANSWERS", "CATEGORIES", "PAPERS", "ReportEntry", "entry", "report_entry"]

# The categories, in the order the viewer shows them (it sorts by name).
CATEGORIES = (
    "1. Claims",
    "2. Summary",
    "3. Rister & Rubin",
    "4. Architecture variants",
    "5. Beyond initialization",
    "6. Initializations in practice",
)


@dataclass(frozen=True)
class ReportEntry:
    """A reported file's place: category, subcategory, the labels the viewer's table shows,
    and its caption, a file under workflow/report/."""

    category: str
    subcategory: str
    labels: dict[str, str] = field(default_factory=dict)
    caption: str = ""

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"category must be one of {CATEGORIES}, got {self.category!r}")


def entry(category: int, subcategory: str, caption: str, **labels: str) -> ReportEntry:
    """The place in category number `category` (1-based, CATEGORIES), its caption the file
    workflow/report/`caption`, and the viewer's labels (paper, figure, scheme, ...)."""
    return ReportEntry(CATEGORIES[category - 1], subcategory, labels, caption)


# The papers, as the viewer's "paper" label names them.
PAPERS = {
    "rr": "Rister & Rubin",
    "lu": "Lu et al.",
    "dy": "Douglas & Yu",
    "ar": "Arnekvist et al.",
}

# The answers, first in the report: the claims ledger and the summary.
ANSWERS: dict[str, ReportEntry] = {
    "claims": entry(1, "Ledger", "claims.rst", page="claims ledger"),
    "summary": entry(2, "Headline numbers", "summary.rst", page="summary"),
}


def report_entry(
    layout: dict[str, ReportEntry], name: str, extension: str | None = None
) -> ReportEntry:
    """The place in `layout` of the reported file `name` (without extension); `extension`
    becomes a 'format' label, for figures written in several formats. Unknown names raise
    KeyError listing the known ones."""
    try:
        found = layout[name]
    except KeyError:
        known = ", ".join(sorted(layout))
        raise KeyError(
            f"{name!r} has no place in the report: declare it with its figure's record "
            f"(reludeath/report_layout.py says where; known: {known})"
        ) from None
    if extension is None:
        return found
    return ReportEntry(
        found.category, found.subcategory, {**found.labels, "format": extension}, found.caption
    )
