"""The workflow used as a Snakemake module from another directory (README, "Use it in your
own workflow"): the consumer's Snakefile names ours, its outputs land in its results/."""

from __future__ import annotations

import pytest
import yaml
from workflow_helpers import ROOT, TINY, snakemake

pytestmark = pytest.mark.slow

# TINY, smaller still: one scheme (the figures that need others drop out), fewer networks.
CONFIG = {**TINY, "schemes": ["iid"], "networks": 200, "shard_networks": 200}
FIGURES = ("figure1_top", "figure1_bottom", "figure2_path", "long_figure2", "convergence_path")


def consumer(directory, config, module_config, use):
    """A consumer workflow in `directory`: its own config file and the module snippet."""
    (directory / "config").mkdir()
    (directory / "config" / "config.yaml").write_text(yaml.safe_dump(config))
    (directory / "Snakefile").write_text(
        'configfile: "config/config.yaml"\n\n'
        "module reludeath:\n"
        f'    snakefile: "{ROOT / "workflow" / "Snakefile"}"\n'
        f"    config: {module_config}\n\n"
        f"{use}\n"
    )
    return directory


@pytest.mark.parametrize(
    ("config", "module_config", "use", "target"),
    [
        (CONFIG, "config", "use rule * from reludeath", "all"),
        (
            {"mine": 1, "reludeath": CONFIG},
            'config["reludeath"]',
            "use rule * from reludeath as reludeath_*",
            "reludeath_all",
        ),
    ],
    ids=["full-config", "sub-mapping-prefixed"],
)
def test_the_workflow_runs_as_a_module(tmp_path, config, module_config, use, target):
    directory = consumer(tmp_path, config, module_config, use)
    snakemake(directory, target)
    results = directory / "results"
    for name in ("claims.parquet", "claims.md", "claims.html", "summary.md", "summary.html"):
        assert (results / name).is_file(), name
    assert "rr.bounds_hold" in (results / "claims.html").read_text()
    for figure in FIGURES:
        assert (results / "figures" / f"{figure}.png").is_file(), figure


def test_a_module_config_is_checked_with_the_same_messages(tmp_path):
    config = {"mine": 1, "reludeath": {**CONFIG, "widht": [2]}}
    directory = consumer(tmp_path, config, 'config["reludeath"]', "use rule * from reludeath")
    result = snakemake(directory, "--dry-run", check=False)
    assert result.returncode != 0
    assert "unknown key 'widht' (did you mean 'widths'?)" in result.stdout + result.stderr
