"""The variants rules end to end on small grids: tables, figures, claims, summary section,
and incremental reruns of one variant."""

import pandas as pd
import pytest
import yaml
from workflow_helpers import TINY, make_project, planned_jobs, snakemake

from reludeath.claims import CLAIM_COLUMNS
from reludeath.variants.tables import COLUMNS

pytestmark = pytest.mark.slow

VARIANTS_SMALL = {
    "conv": {
        "enabled": True,
        "depth": 8,
        "networks": 40,
        "settings": [
            {"dims": 1, "channels": 2, "kernel": 3, "size": 1, "images": 2},
            {"dims": 2, "channels": 1, "kernel": 3, "size": 4, "images": 1},
        ],
    },
    "residual": {
        "enabled": True,
        "n": [2],
        "data_points": [1, 4],
        "alphas": [1.0],
        "depth": 6,
        "networks": 40,
    },
    "skip": {
        "enabled": True,
        "n": [2],
        "chunk": [1],
        "levels": [1, 2],
        "data_points": [4],
        "networks": 40,
    },
    "leaky": {
        "enabled": True,
        "n": [2],
        "slopes": [0.0, 0.3],
        "data_points": [1, 4],
        "depth": 6,
        "networks": 40,
    },
}
TARGETS = [
    "results/variants/claims.parquet",
    "results/variants/summary.md",
    *(f"results/figures/variants_{v}.png" for v in VARIANTS_SMALL),
]


@pytest.fixture(scope="module")
def variants_run(tmp_path_factory):
    config = {**TINY, "variants": VARIANTS_SMALL}
    directory = make_project(tmp_path_factory.mktemp("variants"), config)
    snakemake(directory, *TARGETS)
    return directory


def test_tables_claims_and_summary(variants_run):
    for name, columns in COLUMNS.items():
        table = pd.read_parquet(variants_run / f"results/variants/{name}.parquet")
        assert list(table.columns) == list(columns)
        assert (variants_run / f"results/figures/variants_{name}.png").stat().st_size > 0
    claims = pd.read_parquet(variants_run / "results/variants/claims.parquet")
    assert list(claims.columns) == list(CLAIM_COLUMNS)
    assert len(claims) == 5
    summary = (variants_run / "results/variants/summary.md").read_text()
    assert all(claim_id in summary for claim_id in claims.claim_id)


def test_changing_one_variant_reruns_only_it(variants_run):
    assert planned_jobs(variants_run, *TARGETS) == {}
    leaky = {**VARIANTS_SMALL["leaky"], "slopes": [0.0, 0.1]}
    changed = {**TINY, "variants": {**VARIANTS_SMALL, "leaky": leaky}}
    (variants_run / "config/config.yaml").write_text(yaml.safe_dump(changed))
    jobs = planned_jobs(variants_run, *TARGETS)
    assert jobs.pop("variant_table") == ["results/variants/leaky.parquet"]
    assert set(jobs) == {"plot_variants", "variant_claims"}


def test_bad_variant_config_stops_before_any_job(tmp_path):
    bad = {**VARIANTS_SMALL, "conv": {**VARIANTS_SMALL["conv"], "padding": "zero"}}
    bad["conv"]["settings"] = [{"dims": 1, "channels": 1, "kernel": 5, "size": 3, "images": 1}]
    directory = make_project(tmp_path, {**TINY, "variants": bad})
    result = snakemake(directory, "--dry-run", *TARGETS, check=False)
    assert result.returncode != 0
    assert "variants.conv.settings[0]" in result.stdout + result.stderr
