"""The dynamics family end to end on a small configuration, with the main study tiny too."""

from __future__ import annotations

import pandas as pd
import pytest
from workflow_helpers import TINY, make_project, snakemake

from reludeath.claims import CLAIM_COLUMNS
from reludeath.dynamics.registry import FIGURES
from reludeath.dynamics.tables import TABLE_COLUMNS

SMALL_DYNAMICS = {
    "dy": {
        "iterations": 500, "runs": 20, "record_every": 50, "p_d": [0.8, 0.2],
        "act_init": {"depth": 4, "networks": 20, "data_points": 16, "widths": [2]},
    },
    "ar": {
        "eigen": {"betas": 101},
        "field": {"grid": 9, "gammas": [1.0, 0.01]},
        "basins": {"grid": 6, "gammas": [1.0, 0.01], "betas": [0.0, 0.9], "max_iter": 20000},
        "regression": {"steps": 100, "record_every": 50, "width": 8, "n_train": 100,
                       "n_eval": 50},
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def dynamics_run(tmp_path_factory):
    config = {**TINY, **SMALL_DYNAMICS}
    directory = make_project(tmp_path_factory.mktemp("dynamics"), config)
    # the dynamics family only (the main study has its own tests); the summary's section too
    snakemake(directory, "results/dynamics/summary.md", "results/dynamics/claims.parquet",
              *(f"results/dynamics/figures/{name}.png" for name in FIGURES))  # fmt: skip
    return directory


def test_every_dynamics_table_and_figure_is_written(dynamics_run):
    for key, columns in TABLE_COLUMNS.items():
        table = pd.read_parquet(dynamics_run / f"results/dynamics/{key}.parquet")
        assert list(table.columns) == list(columns) and len(table), key
    figures = sorted(p.name for p in (dynamics_run / "results/dynamics/figures").iterdir())
    assert len(figures) == 8


def test_summary_has_beyond_initialization_section(dynamics_run):
    text = (dynamics_run / "results/dynamics/summary.md").read_text()
    assert text.startswith("# Beyond initialization")
    plan = snakemake(dynamics_run, "--dry-run", "--forcerun", "write_summary").stdout
    assert "results/dynamics/summary.md" in plan.split("rule write_summary:")[1]
    claims = pd.read_parquet(dynamics_run / "results/dynamics/claims.parquet")
    assert list(claims.columns) == list(CLAIM_COLUMNS) and len(claims) == 8


def test_switched_off_dynamics_plan_no_job(tmp_path):
    directory = make_project(tmp_path, TINY)
    plan = snakemake(directory, "--dry-run").stdout
    assert "dy_lms" not in plan and "ar_basins" not in plan and "plot_dynamics" not in plan
