"""Reliability of the workflow: bad configs refused before anything runs, interrupted runs resume
to the same results, damaged shards named, determinism across cores and job order, no shell."""

import os
import random
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from bad_configs import BAD_CONFIGS, apply
from workflow_helpers import (
    DEEP,
    PLUGIN,
    ROOT,
    SNAKEMAKE,
    TINY,
    add_plugin,
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


def _refusals() -> list:
    """The three ways a config is refused, end to end: the schema (a misspelt key), a rule
    across keys (deep.widths without the path widths the grid lacks), a plug-in (a function
    its file lacks). Every bad config is also checked in-process, with the checker the
    workflow calls (tests/test_config.py)."""
    schema = next(c for c in BAD_CONFIGS if c[0] == "misspelt-key")
    bad_plugin = {**PLUGIN, "function": "drow"}
    return [
        pytest.param(apply(DEFAULT, schema[1]), schema[2], schema[3], id="schema"),
        pytest.param(
            {**TINY, "schemes": ["iid"], "deep": {**DEEP, "widths": [6, 7]}},
            "'deep.widths' is [6, 7]",
            "[4, 8, 9] are path widths (path.p, deep.depths) it lacks",
            id="cross-key",
        ),
        pytest.param(
            {**TINY, "schemes": ["iid", {"plugin": bad_plugin}]},
            "'schemes[1].plugin.function' is 'drow'",
            "has no function 'drow'; its functions: ['draw']",
            id="plug-in",
        ),
    ]


@pytest.mark.parametrize(("config", "key", "allowed"), _refusals())
def test_bad_config_refused_before_any_job_or_file(tmp_path, config, key, allowed):
    directory = add_plugin(make_project(tmp_path, config))
    before = files_under(directory)
    result = snakemake(directory, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "invalid configuration (1 problem)" in output, output
    assert key in output and allowed in output, output
    assert "Building DAG" not in output and "rule simulate_shard" not in output
    assert files_under(directory) <= before | {Path(".snakemake")}
    assert not (directory / "results").exists()


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


# Each damage on a shard of its own: the shards damaged before are regenerated (as the
# message says, by deleting them) while the next damage is found.
DAMAGED = {
    "truncated": "results/shards/iid/n3/k12/rep1.parquet",
    "empty": "results/shards/iid/n2/k12/rep0.parquet",
    "garbage": "results/shards/iid/n5/k12/rep1.parquet",
}


def test_damaged_shards_named_with_the_fix(tmp_path, tiny_run):
    """Shards are on disk, one is damaged (a full disk, a bad copy) before aggregation runs:
    truncated, empty, garbage in turn, each named with its fix, and each deleted as the fix
    says; the rerun regenerates them, bit for bit, and the tables are those of the tiny run."""
    directory = copy_run(tiny_run, tmp_path)
    for name in ("aggregate", "variance", "fit", "figures", "summary.md"):
        target = directory / "results" / name
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    for damage, name in DAMAGED.items():
        shard = directory / name
        content = shard.read_bytes()
        half, size = content[: len(content) // 2], len(content)
        shard.write_bytes({"truncated": half, "empty": b"", "garbage": b"x" * size}[damage])
        failed = snakemake(directory, check=False)
        output = failed.stdout + failed.stderr
        assert failed.returncode != 0
        assert f"shard {name} is unreadable" in output, output
        assert f"rm '{name}'" in output
        shard.unlink()  # what the message says to do
    snakemake(directory)
    for name in DAMAGED.values():
        assert pq.read_table(directory / name).equals(pq.read_table(tiny_run / name)), name
    assert_same_results(directory, tiny_run)


def test_same_results_with_one_core_whatever_the_shard_order(tmp_path, tiny_run):
    """On one core, shards computed in reverse order, in separate runs, and with an extra
    replicate lying around from a larger run, give the same tables as the tiny run (two
    cores, one run)."""
    directory = make_project(tmp_path, TINY)
    shards = sorted(
        str(p.relative_to(tiny_run)) for p in (tiny_run / "results/shards").rglob("*.parquet")
    )[::-1]
    for chunk in (shards[:8], shards[8:20], shards[20:]):
        snakemake(directory, *chunk, cores=1)
    extra = ("results/shards/iid/n2/k12/rep2.parquet", "--config", "networks=600")
    snakemake(directory, *extra, cores=1)
    snakemake(directory, cores=1)
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
