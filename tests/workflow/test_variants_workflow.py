"""The variants rules end to end on small grids (the shared run with every family on):
tables, figures, claims, summary section, and incremental reruns of one variant."""

import pandas as pd
import pytest
from workflow_helpers import (
    FAMILIES,
    TINY,
    VARIANTS_SMALL,
    copy_run,
    make_project,
    planned_jobs,
    snakemake,
    write_config,
)

from reludeath.claims import CLAIM_COLUMNS
from reludeath.variants.tables import COLUMNS

pytestmark = pytest.mark.slow

TARGETS = [
    "results/variants/claims.parquet",
    "results/variants/summary.md",
    *(f"results/figures/variants_{v}.png" for v in VARIANTS_SMALL),
]


def test_tables_claims_and_summary(families_run):
    for name, columns in COLUMNS.items():
        table = pd.read_parquet(families_run / f"results/variants/{name}.parquet")
        assert list(table.columns) == list(columns)
        assert (families_run / f"results/figures/variants_{name}.png").stat().st_size > 0
    claims = pd.read_parquet(families_run / "results/variants/claims.parquet")
    assert list(claims.columns) == list(CLAIM_COLUMNS)
    assert len(claims) == 5
    summary = (families_run / "results/variants/summary.md").read_text()
    assert all(claim_id in summary for claim_id in claims.claim_id)


def test_changing_one_variant_reruns_only_it(families_run, tmp_path):
    directory = copy_run(families_run, tmp_path)
    assert planned_jobs(directory, *TARGETS) == {}
    leaky = {**VARIANTS_SMALL["leaky"], "slopes": [0.0, 0.1]}
    write_config(directory, {**FAMILIES, "variants": {**VARIANTS_SMALL, "leaky": leaky}})
    jobs = planned_jobs(directory, *TARGETS)
    assert jobs.pop("variant_table") == ["results/variants/leaky.parquet"]
    assert set(jobs) == {"plot_variants", "variant_claims"}


def test_bad_variant_config_stops_before_any_job(tmp_path):
    bad = {**VARIANTS_SMALL, "conv": {**VARIANTS_SMALL["conv"], "padding": "zero"}}
    bad["conv"]["settings"] = [{"dims": 1, "channels": 1, "kernel": 5, "size": 3, "images": 1}]
    directory = make_project(tmp_path, {**TINY, "variants": bad})
    result = snakemake(directory, "--dry-run", *TARGETS, check=False)
    assert result.returncode != 0
    assert "variants.conv.settings[0]" in result.stdout + result.stderr
