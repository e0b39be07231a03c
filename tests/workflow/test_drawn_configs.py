"""A few configurations drawn from the schema, dry-run through Snakemake itself: the workflow
plans exactly those the config checker accepts, and refuses the others with its message, before
any job and writing nothing."""

from __future__ import annotations

import shutil

import pytest
from config_helpers import SCHEMA, bounded
from hypothesis import HealthCheck, given, settings
from hypothesis_jsonschema import from_schema
from workflow_helpers import make_project, snakemake

from reludeath.config import ConfigError
from reludeath.workflow_plan import checked_config

# test_some_drawn_config_planned reads what the drawn runs saw: one worker runs both.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("drawn")]
SEEN: list[str] = []


@settings(
    max_examples=4,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(from_schema(bounded(SCHEMA)))
def test_drawn_configs_dry_run_as_the_checker_says(tmp_path_factory, config):
    directory = make_project(tmp_path_factory.mktemp("drawn"), config)
    try:
        checked_config(config, SCHEMA)
        refusal = None
    except ConfigError as error:
        refusal = str(error)
    result = snakemake(directory, "--dry-run", check=False)
    output = result.stdout + result.stderr
    if refusal is None:
        assert result.returncode == 0, output[-3000:]
        SEEN.append("planned")
    else:
        first = refusal.splitlines()[1]  # '  - 'key' is value...': the key and its value
        assert result.returncode != 0 and first.split(" is ")[0] in output, output[-3000:]
        assert not (directory / "results").exists()
        SEEN.append("refused")
    shutil.rmtree(directory)


def test_some_drawn_config_planned():
    if not SEEN:
        pytest.skip("run with the drawn dry-runs")
    assert "planned" in SEEN, SEEN
