"""Run the workflow on tiny configurations in temporary directories."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SNAKEMAKE = [sys.executable, "-m", "snakemake"]

TINY = {
    "seed": 7,
    "schemes": ["iid", "batchnorm", "signflip", "rai"],
    "widths": [1, 2, 3, 5],
    "depth": 12,
    "networks": 400,
    "data_points": 32,
    "shard_networks": 200,
    "path": {"p": [0.25, 0.5, 0.75], "depth": 12},
}


def make_project(directory: Path, config: dict | None = None) -> Path:
    """Copy the workflow into `directory` and write `config` as its config/config.yaml."""
    for name in ("Snakefile", "workflow", "config", "profiles"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, directory / name)
        else:
            shutil.copy(source, directory / name)
    if config is not None:
        (directory / "config" / "config.yaml").write_text(yaml.safe_dump(config))
    return directory


def snakemake(directory: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [*SNAKEMAKE, "--cores", "2", *args], cwd=directory, capture_output=True, text=True
    )
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {args} failed:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory) -> Path:
    """A finished run of the TINY configuration (shared by the tests that read it)."""
    directory = make_project(tmp_path_factory.mktemp("tiny"), TINY)
    snakemake(directory)
    return directory
