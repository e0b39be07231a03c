"""The workflow used as a Snakemake module from another directory (README, "Use it in your
own workflow"): the consumer's Snakefile names ours, its outputs land in its results/."""

from __future__ import annotations

import pytest
import yaml
from workflow_helpers import ROOT, TINY, snakemake

pytestmark = pytest.mark.slow

# What a consumer writes for a small study: the seed, a grid, a few sizes, and `enabled: false`
# for the families it does not want; every other key (deep.widths, path.depth, ...) defaulted or
# derived from these.
SMALL = {
    "seed": 11,
    "schemes": ["iid"],
    "widths": [2, 3],
    "depth": 8,
    "networks": 100,
    "data_points": 32,
    "shard_networks": 100,
    "deep": {"enabled": False},
    "variants": {name: {"enabled": False} for name in ("conv", "residual", "skip", "leaky")},
    "dy": {"enabled": False},
    "ar": {"enabled": False},
}
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


def test_a_small_sub_config_runs_as_a_module_end_to_end(tmp_path):
    """The suite's one end-to-end module run: a sub-mapping, prefixed rules."""
    config = {"mine": 1, "reludeath": SMALL}
    use = "use rule * from reludeath as reludeath_*"
    directory = consumer(tmp_path, config, 'config["reludeath"]', use)
    snakemake(directory, "reludeath_all")
    results = directory / "results"
    for name in ("claims.parquet", "claims.md", "claims.html", "summary.md", "summary.html"):
        assert (results / name).is_file(), name
    assert "rr.bounds_hold" in (results / "claims.html").read_text()
    for figure in FIGURES:
        assert (results / "figures" / f"{figure}.png").is_file(), figure
    resolved = (results / "config.resolved.yaml").read_text()
    assert "# derived: path.depth = 8" in resolved and "mine" not in resolved
    assert yaml.safe_load(resolved)["widths"] == [2, 3]


def test_the_whole_config_form_plans_as_a_module(tmp_path):
    directory = consumer(tmp_path, CONFIG, "config", "use rule * from reludeath")
    result = snakemake(directory, "--dry-run", "all")
    assert "simulate_shard" in result.stdout and "collect_claims" in result.stdout


def test_a_module_config_is_checked_with_the_same_messages(tmp_path):
    config = {"mine": 1, "reludeath": {**CONFIG, "widht": [2]}}
    directory = consumer(tmp_path, config, 'config["reludeath"]', "use rule * from reludeath")
    result = snakemake(directory, "--dry-run", check=False)
    assert result.returncode != 0
    assert "unknown key 'widht' (did you mean 'widths'?)" in result.stdout + result.stderr
