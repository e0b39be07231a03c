"""The practice family end to end on a tiny grid: outputs, claims and summary section; a
plug-in's shards follow its file's content; a bad plug-in stops the run before any job."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from workflow_helpers import ROOT, TINY, copy_run, make_project, planned_jobs, snakemake

PLUGIN = {
    "path": "inits/truncated_normal.py",
    "function": "draw",
    "sign_symmetric": True,
    "bias": False,
}
PRACTICE = {
    **TINY,
    "schemes": [
        "iid",
        "iid_bias",
        "uniform",
        "torch_default",
        "orthogonal",
        "const_bias",
        {"plugin": PLUGIN},
    ],
}
LABEL = "plugin-truncated_normal-draw"


def project(directory, config=PRACTICE):
    make_project(directory, config)
    (directory / "inits").mkdir()
    example = ROOT / "src" / "reludeath" / "examples" / "truncated_normal.py"
    shutil.copy(example, directory / "inits")
    return directory


@pytest.fixture(scope="module")
def practice_run(tmp_path_factory):
    directory = project(tmp_path_factory.mktemp("practice"))
    snakemake(directory)
    return directory


def test_outputs_claims_and_summary(practice_run):
    assert (practice_run / "results/figures/practice.png").stat().st_size > 0
    claims = pd.read_parquet(practice_run / "results/claims.parquet")
    ids = set(claims.claim_id)
    assert {"folk.small_positive_bias", "practice.torch_default_vs_he",
            "practice.orthogonal_vs_gaussian", "practice.uniform_vs_gaussian"} <= ids  # fmt: skip
    summary = (practice_run / "results/summary.md").read_text()
    assert "## Initializations in practice" in summary and f"`{LABEL}`" in summary
    grid = pd.read_parquet(practice_run / "results/aggregate/grid.parquet")
    identity = grid.groupby("scheme")["ratio_identity"].apply(lambda s: s.notna().any())
    assert identity[LABEL] and identity["orthogonal"] and not identity["const_bias"]
    assert (practice_run / f"results/shards/{LABEL}/n5/k12/rep1.parquet").exists()


def test_editing_the_plugin_reruns_its_shards_only(practice_run, tmp_path):
    directory = copy_run(practice_run, tmp_path)
    assert planned_jobs(directory) == {}
    source = directory / "inits" / "truncated_normal.py"
    source.touch()  # a new timestamp alone reruns nothing
    assert planned_jobs(directory) == {}
    source.write_text(source.read_text().replace("limit: float = 2.0", "limit: float = 1.5"))
    shards = planned_jobs(directory)["simulate_shard"]
    assert shards and all(f"/shards/{LABEL}/" in name for name in shards)
    assert len(shards) == len(TINY["widths"]) * 2  # every width, two replicates


def test_bad_plugin_refused_before_any_job(tmp_path):
    config = {**PRACTICE, "schemes": ["iid", {"plugin": {**PLUGIN, "function": "drow"}}]}
    directory = project(tmp_path, config)
    result = snakemake(directory, "--dry-run", check=False)
    assert result.returncode != 0
    assert "schemes[1].plugin.function" in result.stderr + result.stdout
    assert "has no function 'drow'" in result.stderr + result.stdout
    assert not (directory / "results").exists()
