"""The dynamics experiments and figures, declared once: dynamics_setup.smk reads them.

An experiment names its config section (``dy`` or ``ar``), the sub-section whose
``enabled`` also switches it, the tables it writes, its threads and its function in
:mod:`reludeath.dynamics.experiments`, which takes ``(section, seed)`` and returns
``{table: DataFrame}`` for exactly those tables. A figure names its experiment, the
tables its function in :mod:`reludeath.dynamics.plots` takes (by position, in this
order), the ``ar`` settings it takes as keywords, and its place in the report (caption
workflow/report/dynamics/<name>.rst). Only names live here, so that the
workflow reads the registry without importing numba or the plotting stack.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

from reludeath.report_layout import PAPERS, ReportEntry, entry

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "DIRECTORY",
    "EXPERIMENTS",
    "FIGURES",
    "DynamicsFigure",
    "Experiment",
    "draw",
    "run_experiment",
    "running",
    "table_paths",
]

DIRECTORY = "results/dynamics"


@dataclass(frozen=True)
class Experiment:
    """One experiment: config section and switch, tables written, threads, function."""

    section: str  # "dy" or "ar": the config section passed to the function
    switch: str | None  # sub-section whose `enabled` also gates it; None: the section's alone
    tables: tuple[str, ...]
    threads: int
    function: str  # name in reludeath.dynamics.experiments: (section, seed) -> {table: df}

    def runs(self, config: dict) -> bool:
        """Whether the (checked) config enables this experiment."""
        section = config[self.section]
        return bool(section["enabled"]) and (
            self.switch is None or bool(section[self.switch]["enabled"])
        )

    def path(self, table: str) -> str:
        """The Parquet file of one of its tables."""
        return f"{DIRECTORY}/{self.section}/{table}.parquet"


@dataclass(frozen=True)
class DynamicsFigure:
    """One figure: its experiment, its tables (argument order), its function, its options."""

    experiment: str
    tables: tuple[str, ...]
    function: str  # name in reludeath.dynamics.plots
    report: ReportEntry
    # keyword -> (path of keys in the `ar` section, default when absent)
    options: tuple[tuple[str, tuple[str, ...], float], ...] = ()


EXPERIMENTS: dict[str, Experiment] = {
    "dy_lms": Experiment("dy", None, ("curves", "theory", "modes"), 2, "dy_lms"),
    "dy_act_init": Experiment("dy", "act_init", ("act_init",), 1, "dy_act_init"),
    "ar_eigen": Experiment("ar", "eigen", ("eigen",), 1, "ar_eigen"),
    "ar_trajectory": Experiment("ar", "trajectory", ("trajectory",), 1, "ar_trajectory"),
    "ar_field": Experiment("ar", "field", ("field",), 1, "ar_field"),
    "ar_basins": Experiment("ar", "basins", ("basins", "basin_summary"), 2, "ar_basins"),
    "ar_regression": Experiment("ar", "regression", ("regression",), 1, "ar_regression"),
}


def _figure(experiment: str, tables, name: str, figure: str, options=()) -> DynamicsFigure:
    """Figure `name` (drawn by dynamics.plots.`name`), in "5. Beyond initialization" under its
    experiment's paper."""
    paper = PAPERS[EXPERIMENTS[experiment].section]
    place = entry(5, paper, f"dynamics/{name}.rst", paper=paper, figure=figure)
    return DynamicsFigure(experiment, tuple(tables), name, place, tuple(options))


_EPS = ("eps", ("field", "eps"), 0.01)
_MOMENTUM_GAMMA = ("gamma", ("basins", "momentum_gamma"), 0.001)
FIGURES: dict[str, DynamicsFigure] = {
    name: _figure(experiment, tables, name, *rest)
    for name, experiment, tables, *rest in (
        ("dy_fig6_7", "dy_lms", ["curves", "theory"], "Figures 6-7"),
        ("dy_act_init", "dy_act_init", ["act_init"], "activation at init"),
        ("ar_eigen", "ar_eigen", ["eigen"], "eigenvalues"),
        ("ar_trajectory", "ar_trajectory", ["trajectory"], "trajectories", [_EPS]),
        ("ar_field", "ar_field", ["field"], "vector field", [_EPS]),
        ("ar_basins_gamma", "ar_basins", ["basins", "basin_summary"], "basins against gamma"),
        ("ar_basins_beta", "ar_basins", ["basins", "basin_summary"], "basins against beta",
         [_MOMENTUM_GAMMA]),
        ("ar_regression", "ar_regression", ["regression"], "regression"),
    )
}  # fmt: skip


def running(config: dict) -> list[str]:
    """The experiments the config enables, in EXPERIMENTS order."""
    return [name for name, experiment in EXPERIMENTS.items() if experiment.runs(config)]


def table_paths(names) -> dict[str, str]:
    """{table: its file} of the experiments `names`."""
    return {
        table: EXPERIMENTS[name].path(table) for name in names for table in EXPERIMENTS[name].tables
    }


def run_experiment(name: str, section: dict, seed: int) -> dict[str, pd.DataFrame]:
    """The tables of experiment `name` from its config section (`dy` or `ar`)."""
    if name not in EXPERIMENTS:
        raise ValueError(f"dynamics experiment must be one of {sorted(EXPERIMENTS)}, got {name!r}")
    experiment = EXPERIMENTS[name]
    tables = getattr(import_module("reludeath.dynamics.experiments"), experiment.function)(
        section, seed
    )
    if tuple(tables) != experiment.tables:
        raise RuntimeError(f"{name} wrote tables {list(tables)}, declared {experiment.tables}")
    return tables


def draw(name: str, tables: dict[str, pd.DataFrame], ar: dict | None = None) -> Figure:
    """Figure `name` from its tables (`ar`: the ar config section, for its options)."""
    if name not in FIGURES:
        raise ValueError(f"dynamics figure must be one of {sorted(FIGURES)}, got {name!r}")
    figure = FIGURES[name]
    options = {}
    for keyword, keys, default in figure.options:
        section = ar or {}
        for key in keys[:-1]:
            section = section.get(key, {})
        options[keyword] = section.get(keys[-1], default)
    function = getattr(import_module("reludeath.dynamics.plots"), figure.function)
    return function(*(tables[table] for table in figure.tables), **options)
