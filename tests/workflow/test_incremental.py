"""Incremental reruns: after a finished run, a dry run of a changed config plans exactly the
work the change affects (rerun triggers: mtime, params, input, code; profiles/default)."""

import os

import numpy as np
import pytest
from workflow_helpers import (
    ANALYSIS_RULES,
    PLOT_RULES,
    TINY,
    copy_run,
    planned_jobs,
    shard_label,
    snakemake,
)

from reludeath import path_width

pytestmark = pytest.mark.slow
SCHEMES, WIDTHS, K = TINY["schemes"], TINY["widths"], TINY["depth"]
PLOTS = PLOT_RULES
# Any change to the configuration rewrites its record, results/config.resolved.yaml.
RECORD = {"resolved_config"}
# long_figure2 draws the bounds only, so no table change reruns it.
AFTER_SHARDS = ANALYSIS_RULES | {"all"} | (PLOTS - {"plot_long_figure2"}) | RECORD


@pytest.fixture
def finished(tmp_path, tiny_run):
    """A private copy of the finished TINY run."""
    return copy_run(tiny_run, tmp_path)


def shards(directory):
    return {
        str(p.relative_to(directory)) for p in (directory / "results/shards").rglob("*.parquet")
    }


def test_nothing_changed_plans_nothing(finished):
    assert planned_jobs(finished) == {}


def test_new_width_plans_only_its_shards_and_downstream(finished):
    jobs = planned_jobs(finished, "--config", f"widths={[*WIDTHS, 6]}")
    wanted = {
        f"results/shards/{shard_label(s)}/n6/k{K}/rep{r}.parquet" for s in SCHEMES for r in (0, 1)
    }
    planned = set(jobs.pop("simulate_shard"))
    assert planned == wanted - shards(finished)
    # S(n) is bootstrapped from every iid shard: it reruns only if an iid shard is new.
    new_iid = any(name.startswith("results/shards/iid/") for name in planned)
    assert set(jobs) == AFTER_SHARDS - (set() if new_iid else {"split_bootstrap"})


def test_more_networks_adds_replicates_and_keeps_the_others(finished):
    existing = shards(finished)
    jobs = planned_jobs(finished, "--config", "networks=600")
    new = set(jobs.pop("simulate_shard"))
    assert new == {name.replace("rep0", "rep2") for name in existing if "rep0" in name}
    assert set(jobs) == AFTER_SHARDS | {"errata"}  # its networks: min(512, networks)
    snakemake(finished, "--config", "networks=600")
    assert shards(finished) == existing | new


@pytest.mark.parametrize("change", ["figures={dpi: 200}", "figures={formats: [png, pdf]}"])
def test_figure_setting_reruns_only_figures(finished, change):
    jobs = planned_jobs(finished, "--config", change)
    assert set(jobs) == PLOTS | {"all"} | RECORD


def test_removing_a_scheme_recomputes_no_shard_and_deletes_nothing(finished):
    before = shards(finished)
    config = f"schemes={[s for s in SCHEMES if s != 'rai']}"
    jobs = planned_jobs(finished, "--config", config)
    assert "simulate_shard" not in jobs and "plot_rai_vs_iid" not in jobs
    unchanged = {"plot_rai_vs_iid", "split_bootstrap", "rai_scale_control", "identity_paired"}
    assert set(jobs) == AFTER_SHARDS - unchanged
    snakemake(finished, "--config", config)
    assert shards(finished) == before
    assert (finished / "results/figures/rai_vs_iid.png").exists()


def test_depth_reruns_the_grid_shards_only(finished):
    jobs = planned_jobs(finished, "--config", "depth=16")
    wanted = {
        f"results/shards/{shard_label(s)}/n{n}/k16/rep{r}.parquet"
        for s in SCHEMES
        for n in WIDTHS
        for r in (0, 1)
    }
    assert set(jobs.pop("simulate_shard")) == wanted
    assert set(jobs) == AFTER_SHARDS


def test_path_depth_reruns_iid_shards_only(finished):
    jobs = planned_jobs(finished, "--config", "path={depth: 20}")
    planned = jobs.pop("simulate_shard")
    assert planned and all(name.startswith("results/shards/iid/") for name in planned)
    assert not any(f"/k{K}/" in name for name in planned)
    assert set(jobs) == AFTER_SHARDS


def test_data_points_reruns_every_shard(finished):
    jobs = planned_jobs(finished, "--config", "data_points=64")
    assert sorted(jobs.pop("simulate_shard")) == sorted(shards(finished))
    assert set(jobs) == AFTER_SHARDS | {"errata"}  # it reads the first min(M, 256) points


def test_near_constant_tolerances_rerun_no_shard(finished):
    """The tolerances are thresholds on a stored column: new ones reread the shards only."""
    jobs = planned_jobs(finished, "--config", "near_constant={tolerances: [0.01, 1.0e-4]}")
    assert "simulate_shard" not in jobs
    assert {"aggregate_cells", "judge_grid_claims", "write_summary"} <= set(jobs)


# errata draws the shards' first networks from the seed, with its own points (it takes no
# shared_data parameter).
@pytest.mark.parametrize(
    ("change", "also"),
    [("seed=8", {"errata"}), ("shared_data=true", set())],
    ids=["seed", "shared_data"],
)
def test_seed_or_shared_data_reruns_every_shard(finished, change, also):
    jobs = planned_jobs(finished, "--config", change)
    assert sorted(jobs.pop("simulate_shard")) == sorted(shards(finished))
    assert set(jobs) == AFTER_SHARDS | also


def test_shard_networks_reruns_every_shard_in_the_new_layout(finished):
    """Same networks, cut in replicates of 100: rep0..rep3 of every (scheme, n, k)."""
    cells = {name.rsplit("/", 1)[0] for name in shards(finished)}
    jobs = planned_jobs(finished, "--config", "shard_networks=100")
    wanted = {f"{cell}/rep{r}.parquet" for cell in cells for r in range(4)}
    assert set(jobs.pop("simulate_shard")) == wanted
    assert set(jobs) == AFTER_SHARDS


# Imported before the workflow parses: the sampler says it draws other numbers, as a
# reludeath version whose sampler changed would.
SAMPLER_SHIM = """
import reludeath.sampling.normals as normals

normals.DRAWS = normals.DRAWS + "-changed"
"""


def test_a_sampler_that_draws_other_numbers_reruns_every_shard(finished):
    shim = finished / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(SAMPLER_SHIM)
    path = os.pathsep.join(filter(None, [str(shim), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    jobs = planned_jobs(finished, env=env)
    assert sorted(jobs.pop("simulate_shard")) == sorted(shards(finished))
    # the configuration is the same; errata draws networks as the shards do (normals.DRAWS)
    assert set(jobs) == (AFTER_SHARDS - RECORD) | {"errata"}
    assert planned_jobs(finished) == {}  # without the shim: the shards on disk are current


def test_path_p_reruns_the_iid_shards_of_its_new_widths_only(finished):
    """path.p = 0.25, 0.5, 0.9: iid at each width of the new path that neither the grid nor
    the old path simulated, as deep as that width's deepest cell on the path."""
    p = [0.25, 0.5, 0.9]
    layers = np.arange(1, TINY["path"]["depth"] + 1)
    deepest = {}
    for value in p:
        for n, k in zip(path_width(layers, value), layers, strict=True):
            deepest[int(n)] = max(deepest.get(int(n), 0), int(k))
    wanted = {
        f"results/shards/iid/n{n}/k{k}/rep{r}.parquet"
        for n, k in deepest.items()
        if n not in WIDTHS
        for r in (0, 1)
    }
    jobs = planned_jobs(finished, "--config", f"path={{p: {p}}}")
    planned = set(jobs.pop("simulate_shard"))
    assert planned and planned == wanted - shards(finished)
    # identity_paired reads the shards at the grid's widths only
    assert set(jobs) == AFTER_SHARDS - {"identity_paired"}
