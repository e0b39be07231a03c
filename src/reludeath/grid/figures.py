"""The main grid's figures, declared once: the rules in plots.smk read this registry.

Each figure names the tables it reads (passed to its drawing function by position, in
this order), the schemes it needs (it is skipped when one is not configured), its
drawing function in :mod:`reludeath.grid.plots` and its place in the report (its caption
is workflow/report/<name>.rst). Only names live here, so that the
workflow can read the registry without importing the plotting stack.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

from reludeath.report_layout import PAPERS, ReportEntry, entry

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["FIGURES", "TABLES", "GridFigure", "draw", "enabled_figures"]

# Table name -> its file; a figure's tables are named from these.
TABLES: dict[str, str] = {
    "grid": "results/aggregate/grid.parquet",
    "path": "results/aggregate/path.parquet",
    "variance": "results/variance/normalized_variance.parquet",
    "convergence": "results/fit/convergence.parquet",
    "split": "results/fit/split_bootstrap.parquet",
}


@dataclass(frozen=True)
class GridFigure:
    """One figure: its tables (in argument order), the schemes it needs, its function."""

    tables: tuple[str, ...]
    needs: frozenset[str]
    function: str  # name of the drawing function in reludeath.grid.plots
    report: ReportEntry

    def __post_init__(self) -> None:
        unknown = [table for table in self.tables if table not in TABLES]
        if unknown:
            raise ValueError(f"tables {unknown} are not among {sorted(TABLES)}")

    def draw_function(self):
        """The drawing function: (*tables in self.tables order) -> Figure."""
        return getattr(import_module("reludeath.grid.plots"), self.function)


def _figure(tables, needs, function, subcategory, paper, figure, scheme) -> GridFigure:
    """A figure drawn by grid.plots.`function`, its report place in "3. Rister & Rubin"."""
    place = entry(3, subcategory, f"{function}.rst", paper=PAPERS[paper], figure=figure,
                  scheme=scheme)  # fmt: skip
    return GridFigure(tuple(tables), frozenset(needs), function, place)


_IID = ("iid",)
FIGURES: dict[str, GridFigure] = {
    name: _figure(tables, needs, name, *place)
    for name, tables, needs, place in (
        ("figure1_top", ["grid"], _IID, ("Grid", "rr", "Figure 1 (top)", "iid")),
        ("figure1_bottom", ["grid"], _IID,
         ("Grid", "rr", "Figure 1 (bottom)", "iid, batchnorm, signflip")),
        ("figure2_path", ["path", "variance"], (),
         ("Path", "rr", "Figure 2 (short)", "iid")),
        ("long_figure2", [], (), ("Bounds", "rr", "Figure 2 (long)", "none")),
        ("violations_heatmap", ["grid"], (), ("Grid", "rr", "bound violations", "all")),
        ("rai_vs_iid", ["grid"], ("iid", "rai"), ("Grid", "lu", "RAI against He", "rai, iid")),
        ("convergence_path", ["convergence", "split"], (),
         ("Path", "rr", "convergence of P / l", "iid")),
    )
}  # fmt: skip


def enabled_figures(schemes) -> dict[str, GridFigure]:
    """The figures whose needed schemes are all among `schemes`, in FIGURES order."""
    have = set(schemes)
    return {name: figure for name, figure in FIGURES.items() if figure.needs <= have}


def draw(name: str, tables: dict[str, pd.DataFrame]) -> Figure:
    """Figure `name` drawn from `tables` (table name -> DataFrame)."""
    if name not in FIGURES:
        raise ValueError(f"figure must be one of {sorted(FIGURES)}, got {name!r}")
    figure = FIGURES[name]
    missing = [table for table in figure.tables if table not in tables]
    if missing:
        raise ValueError(f"figure {name!r} needs the tables {missing}")
    return figure.draw_function()(*(tables[table] for table in figure.tables))
