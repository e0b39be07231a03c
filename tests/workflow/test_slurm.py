"""The TINY configuration through a real SLURM with profiles/slurm: the jobs go through sbatch,
and every table, verdict and the summary equal those of the local run (`tiny_run`).

The cluster comes from slurm_cluster.py (started here if none is running, and stopped at the
end); where it cannot be had, the test is skipped with the reason.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import slurm_cluster
import yaml
from workflow_helpers import ANALYSIS_RULES, PLOT_RULES, TINY, assert_same_results, make_project

pytestmark = [pytest.mark.slurm, pytest.mark.slow]

RULES = ANALYSIS_RULES | PLOT_RULES  # all but Snakemake's `all` and the grouped shards
GROUP = 22  # shards per group job: TINY's 44 shards make two jobs, which run side by side
TIMEOUT = 900  # seconds; the run takes two to three minutes


@pytest.fixture(scope="session")
def slurm():
    try:
        cluster = slurm_cluster.start()
    except slurm_cluster.SlurmUnavailableError as err:
        pytest.skip(f"no SLURM to test with: {err}")
    yield cluster
    cluster.stop()


def slurm_project(directory: Path, partition: str) -> tuple[Path, dict]:
    """TINY with profiles/slurm, edited as a user would: the test cluster's partition, and no
    account (the test cluster has no accounting)."""
    make_project(directory, TINY)
    profile = directory / "profiles" / "slurm" / "config.yaml"
    settings = yaml.safe_load(profile.read_text())
    settings["default-resources"] = {"slurm_partition": partition}
    profile.write_text(yaml.safe_dump(settings))
    return directory, settings


def test_tiny_through_slurm_equals_local_run(slurm, request, tmp_path):
    directory, profile = slurm_project(tmp_path, slurm.partition)
    command = [
        *(sys.executable, "-m", "snakemake", "--profile", "profiles/slurm"),
        *("--group-components", f"simulate={GROUP}", "--latency-wait", "10", "--retries", "0"),
        "--slurm-keep-successful-logs",  # to look at them below
        # No accounting database: sacct cannot answer, squeue can (MinJobAge=300).
        *("--slurm-status-command", "squeue", "--slurm-init-seconds-before-status-checks", "2"),
    ]
    result = subprocess.run(
        command, cwd=directory, env=slurm.env, capture_output=True, text=True, timeout=TIMEOUT
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    # The local run, asked for now: another worker builds it while SLURM is installed and run.
    tiny_run = request.getfixturevalue("tiny_run")

    # Through sbatch: one SLURM job per rule with resources in the profile, one per group of
    # shards, each with its log; the local rules (`localrule: True`) run in Snakemake itself.
    submitted_rules = sorted(set(RULES) & set(profile["set-resources"]))
    local_rules = sorted(set(RULES) - set(submitted_rules))
    assert submitted_rules == ["aggregate_cells"] and local_rules
    for rule in local_rules:
        assert f"localrule {rule}:" in log, rule
    shards = sorted(
        path.relative_to(tiny_run) for path in tiny_run.glob("results/shards/**/*.parquet")
    )
    groups = math.ceil(len(shards) / GROUP)
    run_id = re.search(r"SLURM run ID: (\S+)", log).group(1)
    submitted = re.findall(r"has been submitted with SLURM jobid (\d+)", log)
    assert len(submitted) == len(submitted_rules) + groups, log
    slurm_logs = directory / ".snakemake" / "slurm_logs"
    logs = {path.stem: path.relative_to(slurm_logs).parts[0] for path in slurm_logs.rglob("*.log")}
    assert sorted(logs) == sorted(submitted)
    assert sorted(logs.values()) == sorted(
        [*(f"rule_{rule}" for rule in submitted_rules), *["group_simulate_simulate_shard"] * groups]
    )
    ran = {  # group job -> the shards it ran
        job: _steps_done((slurm_logs / name / f"{job}.log").read_text())
        for job, name in logs.items()
        if name.startswith("group_")
    }
    assert sum(ran.values()) == len(shards) and max(ran.values()) <= GROUP

    # The scheduler's own record: the jobs are named with the run's id, all completed, the
    # comment names the rule, and a group job asks for one CPU and its shards' runtimes.
    queue = slurm.run(
        *("squeue", "--states=all", "--noheader", f"--name={run_id}"),
        "--format=%i|%T|%k|%C|%l|%m",
    )
    assert queue.returncode == 0, queue.stderr
    jobs = {row[0]: row[1:] for row in _rows(queue.stdout)}
    if slurm.started_here:  # MinJobAge=300 keeps every job of the run in view
        assert sorted(jobs) == sorted(submitted)
    assert submitted[-1] in jobs and set(jobs) <= set(submitted)
    assert {state for state, *_ in jobs.values()} == {"COMPLETED"}
    last = {"rule_aggregate_cells"}  # the last submitted job: what follows it is local
    assert last <= {comment for _, comment, *_ in jobs.values()}
    assert jobs[submitted[-1]][1] in last
    per_shard = profile["set-resources"]["simulate_shard"]
    for job in set(ran) & set(jobs):
        _, comment, cpus, limit, memory = jobs[job]
        assert comment == "rule_simulate_simulate_shard"
        assert (cpus, memory) == ("1", f"{per_shard['mem_mb']}M")
        assert limit == _minutes(per_shard["runtime"] * ran[job])

    # Bit for bit the local run's numbers (tables compared by content: files carry provenance).
    for shard in shards:
        assert pq.read_table(directory / shard).equals(pq.read_table(tiny_run / shard)), shard
    assert_same_results(directory, tiny_run)


def _rows(text: str) -> list[list[str]]:
    return [line.split("|") for line in text.splitlines() if line.strip()]


def _steps_done(log: str) -> int:
    """How many jobs the Snakemake inside a group job ran (its last "n of n steps" line)."""
    return max(int(n) for n in re.findall(r"^(\d+) of \1 steps \(100%\) done$", log, re.M))


def _minutes(total: int) -> str:
    """A time limit as squeue prints it: M:SS below an hour, else H:MM:SS."""
    hours, minutes = divmod(total, 60)
    return f"{hours}:{minutes:02d}:00" if hours else f"{minutes}:00"
