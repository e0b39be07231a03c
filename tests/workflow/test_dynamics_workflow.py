"""The dynamics family end to end on a small configuration (the shared run with every family
on), with the main study tiny too."""

from __future__ import annotations

import pandas as pd
from workflow_helpers import TINY, copy_run, make_project, planned_jobs, snakemake

from reludeath.claims import CLAIM_COLUMNS
from reludeath.dynamics.registry import EXPERIMENTS, FIGURES
from reludeath.dynamics.tables import TABLE_COLUMNS

# The family's rules: one per experiment (named by the registry), its figures', its report's.
DYNAMICS_RULES = {*EXPERIMENTS, "plot_dynamics", "dynamics_report"}


def test_every_dynamics_table_and_figure_is_written(families_run):
    for key, columns in TABLE_COLUMNS.items():
        table = pd.read_parquet(families_run / f"results/dynamics/{key}.parquet")
        assert list(table.columns) == list(columns) and len(table), key
    figures = sorted(p.name for p in (families_run / "results/dynamics/figures").iterdir())
    assert figures == sorted(f"{name}.png" for name in FIGURES)
    assert len(figures) == 8


def test_summary_has_beyond_initialization_section(families_run, tmp_path):
    text = (families_run / "results/dynamics/summary.md").read_text()
    assert text.startswith("# Beyond initialization")
    directory = copy_run(families_run, tmp_path)
    plan = snakemake(directory, "--dry-run", "--forcerun", "write_summary").stdout
    assert "results/dynamics/summary.md" in plan.split("rule write_summary:")[1]
    claims = pd.read_parquet(families_run / "results/dynamics/claims.parquet")
    assert list(claims.columns) == list(CLAIM_COLUMNS) and len(claims) == 8


def test_switched_on_dynamics_plan_every_rule_and_off_none(families_run, tmp_path):
    """With dynamics on, every rule of the family is in the DAG (each experiment once); with
    TINY's `enabled: false`, none of them, and the rest of the study is planned."""
    on = planned_jobs(copy_run(families_run, tmp_path / "on"), "--forceall")
    assert set(on) >= DYNAMICS_RULES, sorted(DYNAMICS_RULES - set(on))
    assert all(len(on[name]) == 1 for name in EXPERIMENTS), on
    (tmp_path / "off").mkdir()
    off = planned_jobs(make_project(tmp_path / "off", TINY))
    assert "simulate_shard" in off and "write_summary" in off
    assert not DYNAMICS_RULES & set(off), sorted(DYNAMICS_RULES & set(off))
