"""The practice family end to end on a tiny grid (the shared run with every family on):
outputs, claims and summary section; a plug-in's shards follow its file's content. A bad
plug-in stops the run before any job: tests/workflow/test_reliability.py."""

from __future__ import annotations

import pandas as pd
import pytest
from workflow_helpers import PLUGIN_LABEL, TINY, copy_run, planned_jobs

LABEL = PLUGIN_LABEL


@pytest.fixture
def practice_run(families_run):
    """The shared run with every family on (conftest.py): TINY's schemes and PRACTICE_SCHEMES."""
    return families_run


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
