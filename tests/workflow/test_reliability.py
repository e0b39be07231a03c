"""Reliability of the workflow: bad configs refused before anything runs, interrupted runs resume
to the same results, damaged shards named, determinism across cores and job order, no shell."""

import os
import random
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
import yaml
from bad_configs import BAD_CONFIGS, apply
from workflow_helpers import (
    ROOT,
    SNAKEMAKE,
    TINY,
    assert_same_results,
    copy_run,
    make_project,
    snakemake,
)

from reludeath.io import read_shard

pytestmark = pytest.mark.slow
DEFAULT = yaml.safe_load((ROOT / "config/config.yaml").read_text())


def files_under(directory: Path) -> set[Path]:
    """Every path below `directory` except Snakemake's own log of the attempt."""
    return {
        path.relative_to(directory)
        for path in directory.rglob("*")
        if path.relative_to(directory).parts[:2] != (".snakemake", "log")
    }


@pytest.mark.parametrize(
    ("overrides", "key", "allowed"), [c[1:] for c in BAD_CONFIGS], ids=[c[0] for c in BAD_CONFIGS]
)
def test_bad_config_refused_before_any_job_or_file(tmp_path, overrides, key, allowed):
    directory = make_project(tmp_path, apply(DEFAULT, overrides))
    before = files_under(directory)
    result = snakemake(directory, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert key in output and allowed in output, output
    assert "Building DAG" not in output and "rule simulate_shard" not in output
    assert files_under(directory) <= before | {Path(".snakemake")}


def test_bad_command_line_value_refused(tmp_path):
    """--config values are read as YAML and checked like the file's."""
    directory = make_project(tmp_path, TINY)
    result = snakemake(directory, "--dry-run", "--config", "widths=[1,2,99]", check=False)
    assert result.returncode != 0 and "'widths[2]' is 99" in result.stderr + result.stdout
    good = snakemake(directory, "--dry-run", "--config", "widths=[1,2,6]", "path={p: [0.5]}")
    assert "simulate_shard" in good.stdout


def interrupt(directory: Path, sig: int, after: float) -> bool:
    """Start a run, send `sig` to its whole process group `after` seconds later; True if it
    was still running then (the interruption happened)."""
    process = subprocess.Popen(
        [*SNAKEMAKE, "--cores", "2"],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        process.wait(timeout=after)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, sig)
        process.wait(timeout=120)
        return True
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


def test_interrupted_runs_resume_to_identical_results(tmp_path, tiny_run):
    """SIGINT (Ctrl-C) and SIGKILL (a crash) at random moments, six times; each rerun resumes;
    the final tables equal those of the uninterrupted run."""
    directory = make_project(tmp_path, TINY)
    rng = random.Random(20261124)
    plan = [signal.SIGINT, signal.SIGKILL] * 3
    rng.shuffle(plan)
    survived = 0
    print(f"signals: {[s.name for s in plan]}")
    for sig in plan:
        survived += interrupt(directory, sig, after=rng.uniform(1.0, 8.0))
        if sig == signal.SIGKILL:  # a killed Snakemake leaves its lock; users run --unlock
            snakemake(directory, "--unlock")
        for shard in (directory / "results/shards").rglob("*.parquet"):
            read_shard(shard)  # whatever exists is complete
    print(f"interruptions that hit a running workflow: {survived} of {len(plan)}")
    assert survived >= 3, "too few runs were still going when interrupted"
    snakemake(directory)
    assert_same_results(directory, tiny_run)
    assert not list((directory / "results").rglob("*.tmp")), "a killed write left its temporary"


@pytest.mark.parametrize("damage", ["truncated", "empty", "garbage"])
def test_damaged_shard_named_with_the_fix(tmp_path, tiny_run, damage):
    """Shards are on disk, one is damaged (a full disk, a bad copy) before aggregation runs."""
    directory = copy_run(tiny_run, tmp_path)
    for name in ("aggregate", "variance", "fit", "figures", "summary.md"):
        target = directory / "results" / name
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    name = "results/shards/iid/n3/k12/rep1.parquet"
    shard = directory / name
    content = shard.read_bytes()
    shard.write_bytes(
        {"truncated": content[: len(content) // 2], "empty": b"", "garbage": b"x" * len(content)}[
            damage
        ]
    )
    failed = snakemake(directory, check=False)
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert f"shard {name} is unreadable" in output, output
    assert f"rm '{name}'" in output
    shard.unlink()  # what the message says to do
    snakemake(directory)
    assert_same_results(directory, tiny_run)


def test_same_results_with_one_core(tmp_path, tiny_run):
    directory = make_project(tmp_path, TINY)
    snakemake(directory, cores=1)
    assert_same_results(directory, tiny_run)


def test_same_results_whatever_the_shard_order(tmp_path, tiny_run):
    """Shards computed in reverse order, in separate runs, and with an extra replicate lying
    around from a larger run, give the same tables."""
    directory = make_project(tmp_path, TINY)
    shards = sorted(
        str(p.relative_to(tiny_run)) for p in (tiny_run / "results/shards").rglob("*.parquet")
    )[::-1]
    for chunk in (shards[:8], shards[8:20], shards[20:]):
        snakemake(directory, *chunk)
    snakemake(directory, "results/shards/iid/n2/k12/rep2.parquet", "--config", "networks=600")
    snakemake(directory)
    assert_same_results(directory, tiny_run)


def test_no_shell_commands_in_rules():
    """Config values reach jobs as Python objects (params, script:), never a shell line."""
    for path in [ROOT / "workflow/Snakefile", *(ROOT / "workflow/rules").glob("*.smk")]:
        text = path.read_text()
        assert not re.search(r"^\s*(shell|run):", text, re.MULTILINE), path


@pytest.mark.parametrize(
    "target",
    [
        "results/shards/iid/n1/k12/../../../../../escaped/rep0.parquet",
        "results/shards/../../escaped/n1/k12/rep0.parquet",
        "results/shards/iid/n1/k12/rep0/../../x.parquet",
        "results/shards/evil/n1/k12/rep0.parquet",
        "results/shards/iid/n0/k12/rep0.parquet",
        "results/figures/figure1_top.sh",
    ],
)
def test_wildcards_cannot_escape_results(tmp_path, target):
    directory = make_project(tmp_path, TINY)
    result = snakemake(directory, "--dry-run", target, check=False)
    assert result.returncode != 0
    assert "MissingRuleException" in result.stderr + result.stdout
