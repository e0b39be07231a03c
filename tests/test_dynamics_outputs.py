"""Dynamics tables: documented columns, claims computed from tables, summary section."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from reludeath.claims import CLAIM_COLUMNS
from reludeath.dynamics import regression
from reludeath.dynamics.claims import dynamics_claims
from reludeath.dynamics.registry import EXPERIMENTS, FIGURES, draw, run_experiment
from reludeath.dynamics.summary import dynamics_markdown
from reludeath.dynamics.tables import TABLE_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "config/config.yaml").read_text())


def _small() -> tuple[dict, dict]:
    dy = {**CONFIG["dy"], "iterations": 1000, "runs": 50, "record_every": 100}
    dy["act_init"] = {**dy["act_init"], "depth": 6, "networks": 50, "data_points": 32}
    ar = {**CONFIG["ar"]}
    ar["basins"] = {**ar["basins"], "grid": 8}
    ar["field"] = {**ar["field"], "grid": 11}
    ar["regression"] = {**ar["regression"], "steps": 200, "record_every": 100, "width": 16,
                        "n_train": 200, "n_eval": 100}  # fmt: skip
    return dy, ar


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    dy, ar = _small()
    out = {}
    sections = {"dy": dy, "ar": ar}
    for name, experiment in EXPERIMENTS.items():
        out |= run_experiment(name, sections[experiment.section], seed=3)
    return out


def test_every_table_has_exactly_its_documented_columns(tables):
    declared = {f"{e.section}/{t}" for e in EXPERIMENTS.values() for t in e.tables}
    assert declared == set(TABLE_COLUMNS)
    assert {key.split("/")[1] for key in declared} == set(tables)
    for key, columns in TABLE_COLUMNS.items():
        assert list(tables[key.split("/")[1]].columns) == list(columns), key


def test_outputs_doc_lists_every_column():
    text = (ROOT / "docs/outputs.md").read_text()
    for key, columns in TABLE_COLUMNS.items():
        assert f"results/dynamics/{key}.parquet" in text
        for name in columns:
            assert f"`{name}`" in text, (key, name)


def test_experiments_are_reproducible_from_the_seed():
    dy, _ = _small()
    one = run_experiment("dy_act_init", dy, seed=3)["act_init"]
    two = run_experiment("dy_act_init", dy, seed=3)["act_init"]
    other = run_experiment("dy_act_init", dy, seed=4)["act_init"]
    pd.testing.assert_frame_equal(one, two)
    assert not one.act_mean.equals(other.act_mean)


def test_claims_are_computed_and_complete(tables):
    dy, ar = _small()
    claims = dynamics_claims(tables, dy, ar)
    assert list(claims.columns) == list(CLAIM_COLUMNS)
    assert set(claims.claim_id) == {
        "dy.modes_p", "dy.small_p_slow", "dy.original_initially_slower", "ar.beta_star",
        "ar.small_gamma_dead_cone", "ar.majority_converges", "ar.momentum_collapse",
        "ar.adam_kills",
    }  # fmt: skip
    verdicts = claims.set_index("claim_id").verdict
    assert verdicts["dy.modes_p"] == "holds"
    assert verdicts["ar.beta_star"] == "holds"


def test_claims_follow_the_measurement(tables):
    """Verdicts change when the numbers do: a flattened basin table breaks the collapse claim."""
    dy, ar = _small()
    summary = tables["basin_summary"].copy()
    summary["frac_optimum"] = 0.3
    changed = dynamics_claims({**tables, "basin_summary": summary}, dy, ar)
    verdicts = changed.set_index("claim_id").verdict
    assert verdicts["ar.momentum_collapse"] in ("fails", "partly")
    assert verdicts["ar.majority_converges"] == "fails"


def test_claims_skip_experiments_that_did_not_run(tables):
    dy, ar = _small()
    claims = dynamics_claims({"eigen": tables["eigen"]}, dy, ar)
    assert list(claims.claim_id) == ["ar.beta_star"]


def test_summary_section_has_tables_and_claims(tables):
    dy, ar = _small()
    text = dynamics_markdown(tables, dynamics_claims(tables, dy, ar))
    assert text.startswith("# Beyond initialization")
    for needle in ("Douglas & Yu", "beta*", "frac_optimum", "AR-G", "dy.modes_p"):
        assert needle in text


def test_every_figure_draws(tables):
    _, ar = _small()
    for name, figure in FIGURES.items():
        assert set(figure.tables) <= set(EXPERIMENTS[figure.experiment].tables), name
        fig = draw(name, {t: tables[t] for t in figure.tables}, ar)
        assert fig.axes, name


def test_optimizers_step_as_written():
    """One step of each optimizer from the same start moves the parameters as its rule says."""
    x, y = regression.synthetic_data(3, 50, np.random.default_rng(0))
    assert abs(y.mean()) < 1e-12 and abs(y.std() - 1) < 1e-12
    kw = dict(width=5, steps=1, batch=50, n_eval=50, record_every=1)
    for opt in regression.OPTIMIZERS:
        out = regression.train(x, y, opt, np.random.default_rng(1), lr=1e-3, **kw)
        assert out["step"].tolist() == [0, 1] and np.all(np.isfinite(out["mse"]))
    with pytest.raises(ValueError, match="optimizer"):
        regression.train(x, y, "rmsprop", np.random.default_rng(1), lr=1e-3, **kw)
