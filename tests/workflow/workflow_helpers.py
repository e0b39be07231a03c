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

# The families, small: each family's section as its tests run it, all of them at once in
# FAMILIES (the `families_run` fixture, grown from the TINY run).
PLUGIN = {
    "path": "inits/truncated_normal.py",
    "function": "draw",
    "sign_symmetric": True,
    "bias": False,
}
PLUGIN_LABEL = "plugin-truncated_normal-draw"
PRACTICE_SCHEMES = ["uniform", "torch_default", "orthogonal", "const_bias", {"plugin": PLUGIN}]
DEEP = {
    "widths": [4, 6, 7, 8, 9],  # with TINY's widths 1, 2, 3, 5: S(n) at n = 1..9
    "depth_per_width": 4,
    "networks": 6,
    "depths": [12, 100],
    "replicates": 100,
    "m_sweep": {"widths": [2, 3], "data_points": [1, 8, 32], "networks": 20},
    "population": {"widths": [2, 3], "data_points": [4, 32, 64], "networks": 64},
}
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
SMALL_DYNAMICS = {
    "dy": {
        "iterations": 500, "runs": 20, "record_every": 50, "p_d": [0.8, 0.2],
        "act_init": {"depth": 4, "networks": 20, "data_points": 16, "widths": [2]},
    },
    "ar": {
        "eigen": {"betas": 101},
        "field": {"grid": 9, "gammas": [1.0, 0.01]},
        "basins": {"grid": 6, "gammas": [1.0, 0.01], "betas": [0.0, 0.9], "max_iter": 20000},
        "regression": {"steps": 100, "record_every": 50, "width": 8, "n_train": 100,
                       "n_eval": 50},
    },
}  # fmt: skip
FAMILIES = {
    **TINY,
    "schemes": [*TINY["schemes"], *PRACTICE_SCHEMES],
    "deep": DEEP,
    "variants": VARIANTS_SMALL,
    **SMALL_DYNAMICS,
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
        write_config(directory, config)
    return directory


def write_config(directory: Path, config: dict) -> Path:
    """`config` as the project's config/config.yaml."""
    (directory / "config" / "config.yaml").write_text(yaml.safe_dump(config))
    return directory


def add_plugin(directory: Path) -> Path:
    """The example plug-in (PLUGIN) copied where PLUGIN's path names it."""
    (directory / "inits").mkdir(exist_ok=True)
    example = ROOT / "src" / "reludeath" / "examples" / "truncated_normal.py"
    shutil.copy(example, directory / "inits")
    return directory


def snakemake(
    directory: Path, *args: str, check: bool = True, cores: int = 2, env: dict | None = None
) -> subprocess.CompletedProcess:
    """`snakemake --cores cores args` in `directory` (environment `env`, else this one's)."""
    result = subprocess.run(
        [*SNAKEMAKE, "--cores", str(cores), *args],
        cwd=directory,
        capture_output=True,
        text=True,
        env=env,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {args} failed:\n{result.stdout}\n{result.stderr}")
    return result


def copy_run(source: Path, directory: Path) -> Path:
    """A copy of a finished project, timestamps and Snakemake's records included."""
    shutil.copytree(source, directory, symlinks=True, dirs_exist_ok=True)
    return directory


def planned_jobs(directory: Path, *args: str, env: dict | None = None) -> dict[str, list[str]]:
    """{rule: [its first output, per planned job]} from a dry run."""
    result = snakemake(directory, "--dry-run", *args, env=env)
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
