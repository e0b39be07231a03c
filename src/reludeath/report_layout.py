"""Where every reported file sits in the Snakemake report: one table, read by the rules.

The report viewer sorts categories by name, so a numeric prefix puts the answers first:
the claims ledger, then the summary, then the figures. Each entry is keyed by the
reported file's name without its extension (a figure's name); the rules look their
outputs up here, so a figure that is missing from this table (renamed, or new) stops the
workflow when it is parsed instead of silently leaving the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CATEGORIES", "LAYOUT", "ReportEntry", "report_entry"]

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


def _entry(category: int, subcategory: str, caption: str, **labels: str) -> ReportEntry:
    return ReportEntry(CATEGORIES[category - 1], subcategory, labels, caption)


_RR, _LU, _DY, _AR = "Rister & Rubin", "Lu et al.", "Douglas & Yu", "Arnekvist et al."

LAYOUT: dict[str, ReportEntry] = {
    "claims": _entry(1, "Ledger", "claims.rst", page="claims ledger"),
    "summary": _entry(2, "Headline numbers", "summary.rst", page="summary"),
    # The main grid: Rister & Rubin's figures, and Lu et al.'s scheme against theirs.
    "figure1_top": _entry(
        3, "Grid", "figure1_top.rst", paper=_RR, figure="Figure 1 (top)", scheme="iid"
    ),
    "figure1_bottom": _entry(
        3,
        "Grid",
        "figure1_bottom.rst",
        paper=_RR,
        figure="Figure 1 (bottom)",
        scheme="iid, batchnorm, signflip",
    ),
    "violations_heatmap": _entry(
        3,
        "Grid",
        "violations_heatmap.rst",
        paper=_RR,
        figure="bound violations",
        scheme="all",
    ),
    "rai_vs_iid": _entry(
        3, "Grid", "rai_vs_iid.rst", paper=_LU, figure="RAI against He", scheme="rai, iid"
    ),
    "figure2_path": _entry(
        3, "Path", "figure2_path.rst", paper=_RR, figure="Figure 2 (short)", scheme="iid"
    ),
    "convergence_path": _entry(
        3,
        "Path",
        "convergence_path.rst",
        paper=_RR,
        figure="convergence of P / l",
        scheme="iid",
    ),
    "deep_path": _entry(
        3, "Path", "deep_path.rst", paper=_RR, figure="P / l to k = 10^9", scheme="iid"
    ),
    "deep_split": _entry(
        3, "Path", "deep_split.rst", paper=_RR, figure="S(n) and c(n) to n = 34", scheme="iid"
    ),
    "long_figure2": _entry(
        3, "Bounds", "long_figure2.rst", paper=_RR, figure="Figure 2 (long)", scheme="none"
    ),
    # Architecture variants (the long paper's section 8).
    **{
        f"variants_{name}": _entry(
            4, title, f"variants_{name}.rst", paper=_RR, figure=title, scheme="iid"
        )
        for name, title in (
            ("conv", "Convolutional"),
            ("residual", "Residual"),
            ("skip", "Skip connections"),
            ("leaky", "Leaky ReLU"),
        )
    },
    # Training dynamics beyond initialization.
    "dy_fig6_7": _entry(5, _DY, "dynamics/dy_fig6_7.rst", paper=_DY, figure="Figures 6-7"),
    "dy_act_init": _entry(
        5, _DY, "dynamics/dy_act_init.rst", paper=_DY, figure="activation at init"
    ),
    "ar_eigen": _entry(5, _AR, "dynamics/ar_eigen.rst", paper=_AR, figure="eigenvalues"),
    "ar_trajectory": _entry(5, _AR, "dynamics/ar_trajectory.rst", paper=_AR, figure="trajectories"),
    "ar_field": _entry(5, _AR, "dynamics/ar_field.rst", paper=_AR, figure="vector field"),
    "ar_basins_gamma": _entry(
        5, _AR, "dynamics/ar_basins_gamma.rst", paper=_AR, figure="basins against gamma"
    ),
    "ar_basins_beta": _entry(
        5, _AR, "dynamics/ar_basins_beta.rst", paper=_AR, figure="basins against beta"
    ),
    "ar_regression": _entry(5, _AR, "dynamics/ar_regression.rst", paper=_AR, figure="regression"),
    # Library defaults, the folk remedy and plug-ins against He.
    "practice": _entry(
        6,
        "Schemes",
        "practice.rst",
        paper="practitioners",
        figure="initializations in practice",
        scheme="practice schemes, plug-ins, iid, iid_bias",
    ),
}


def report_entry(name: str, extension: str | None = None) -> ReportEntry:
    """The layout of the reported file `name` (without extension); `extension` becomes a
    'format' label, for figures written in several formats. Unknown names raise KeyError
    listing the known ones."""
    try:
        entry = LAYOUT[name]
    except KeyError:
        known = ", ".join(sorted(LAYOUT))
        raise KeyError(
            f"{name!r} has no place in the report: add it to LAYOUT in "
            f"reludeath/report_layout.py (known: {known})"
        ) from None
    if extension is None:
        return entry
    return ReportEntry(
        entry.category, entry.subcategory, {**entry.labels, "format": extension}, entry.caption
    )
