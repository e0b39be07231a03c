"""Run the workflow on tiny configurations in temporary directories: the constants and helpers
of the workflow tests, imported by name (a plain module, not conftest.py, whose name tests/
shares)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import yaml

from reludeath.grid.figures import enabled_figures
from reludeath.variants.grid import VARIANTS

ROOT = Path(__file__).resolve().parents[2]
SNAKEMAKE = [sys.executable, "-m", "snakemake"]

TINY = {
    "seed": 7,
    "schemes": ["iid", "batchnorm", "signflip", "rai", "iid_bias"],
    "widths": [1, 2, 3, 5],
    "depth": 12,
    "networks": 400,
    "data_points": 32,
    "shard_networks": 200,
    "path": {"p": [0.25, 0.5, 0.75], "depth": 12},
    # Architecture variants: off here to keep TINY fast (tests/workflow/test_variants_workflow.py).
    "variants": {name: {"enabled": False} for name in VARIANTS},
    # training dynamics: off here; tests/workflow/test_dynamics_workflow.py runs them small
    "dy": {"enabled": False},
    "ar": {"enabled": False},
    # the deep family: off here; tests/workflow/test_deep_workflow.py runs it small
    "deep": {"enabled": False},
}

# Shard directories: a scheme's name, with its options for schemes that take options.
SHARD_LABELS = {"iid_bias": "iid_bias-bias_std1"}


def shard_label(scheme: str) -> str:
    """The directory of `scheme`'s shards under results/shards/."""
    return SHARD_LABELS.get(scheme, scheme)


# The rules after the shards: what a change to the shards reruns (plus Snakemake's `all`).
ANALYSIS_RULES = {
    "aggregate_cells",
    "aggregate_grid",
    "aggregate_path",
    "check_variance_assumption",
    "fit_convergence",
    "write_summary",
    "split_bootstrap",
    "judge_grid_claims",
    "collect_claims",
    "rai_scale_control",  # reads near_constant.parquet (rai and iid_bias configured)
    "identity_paired",
}
PLOT_RULES = {f"plot_{name}" for name in enabled_figures(TINY["schemes"])}


def make_project(directory: Path, config: dict | None = None) -> Path:
    """Copy the workflow (with pyproject.toml, which declares the package version it needs)
    into `directory` and write `config` as its config/config.yaml."""
    for name in ("workflow", "config", "profiles", "pyproject.toml"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, directory / name)
        else:
            shutil.copy(source, directory / name)
    if config is not None:
        (directory / "config" / "config.yaml").write_text(yaml.safe_dump(config))
    return directory


def snakemake(
    directory: Path, *args: str, check: bool = True, cores: int = 2
) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [*SNAKEMAKE, "--cores", str(cores), *args], cwd=directory, capture_output=True, text=True
    )
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {args} failed:\n{result.stdout}\n{result.stderr}")
    return result


def copy_run(source: Path, directory: Path) -> Path:
    """A copy of a finished project, timestamps and Snakemake's records included."""
    shutil.copytree(source, directory, symlinks=True, dirs_exist_ok=True)
    return directory


def planned_jobs(directory: Path, *args: str) -> dict[str, list[str]]:
    """{rule: [its first output, per planned job]} from a dry run."""
    result = snakemake(directory, "--dry-run", *args)
    jobs: dict[str, list[str]] = {}
    rule = None
    for line in result.stdout.splitlines():
        line = line.strip()
        if line.startswith("rule ") and line.endswith(":"):
            rule = line[5:-1]
            jobs.setdefault(rule, [])
        elif line.startswith("output: ") and rule is not None:
            jobs[rule].append(line[8:].split(", ")[0])
            rule = None
        elif line.startswith("localrule all:"):
            jobs.setdefault("all", [])
    return jobs


RESULT_TABLES = (
    "results/aggregate/cells.parquet",
    "results/aggregate/grid.parquet",
    "results/aggregate/path.parquet",
    "results/variance/normalized_variance.parquet",
    "results/fit/convergence.parquet",
    "results/fit/split_bootstrap.parquet",
    "results/claims.parquet",
)
RESULT_TEXTS = (
    "results/variance/assumption.json",
    "results/fit/convergence.json",
    "results/summary.md",
    "results/claims.md",
    "results/claims.html",
    "results/summary.html",
)


def assert_same_results(left: Path, right: Path) -> None:
    """The final tables of two runs are equal in content (files differ only in provenance)."""
    for name in RESULT_TABLES:
        a, b = pq.read_table(left / name), pq.read_table(right / name)
        assert a.equals(b), f"{name} differs between {left} and {right}"
    for name in RESULT_TEXTS:
        assert (left / name).read_text() == (right / name).read_text(), name
