"""Fixtures of the workflow tests; their constants and helpers are in workflow_helpers.py.

The shared runs (`tiny_run`, `families_run`) are built once per test session, whatever the
number of pytest-xdist workers: the first worker that needs one builds it in the session's
common temporary directory behind a file lock, the others wait for it and read it. Tests
read a shared run and never change it; a test that runs Snakemake in one works on a copy
(`workflow_helpers.copy_run`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock
from workflow_helpers import (
    FAMILIES,
    TINY,
    add_plugin,
    copy_run,
    make_project,
    snakemake,
    write_config,
)


def _session_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary directory every worker of this session shares (xdist gives each worker
    a directory of its own below it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def build_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """`root/name`, built by `build(directory)` by the first worker that asks for it; a
    failed build is reported to every worker that asks, and not tried again."""
    root = _session_directory(tmp_path_factory)
    directory, done, failed = root / name, root / f"{name}.done", root / f"{name}.failed"
    with FileLock(str(root / f"{name}.lock")):
        if failed.exists():
            raise AssertionError(f"the shared run {name} failed:\n{failed.read_text()}")
        if not done.exists():
            if directory.exists():
                shutil.rmtree(directory)
            directory.mkdir()
            try:
                build(directory)
            except BaseException as error:
                failed.write_text(str(error))
                raise
            done.touch()
    return directory


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory) -> Path:
    """A finished run of the TINY configuration (shared by the tests that read it)."""

    def build(directory: Path) -> None:
        make_project(directory, TINY)
        snakemake(directory)

    return build_once(tmp_path_factory, "tiny", build)


@pytest.fixture(scope="session")
def families_run(tmp_path_factory, tiny_run) -> Path:
    """A finished run of FAMILIES (every family on: the grid with the practice schemes and a
    plug-in, the deep family, the variants, the dynamics, the errata), grown from a copy of
    the TINY run, whose shards it reuses."""

    def build(directory: Path) -> None:
        copy_run(tiny_run, directory)
        write_config(directory, FAMILIES)
        add_plugin(directory)
        snakemake(directory)

    return build_once(tmp_path_factory, "families", build)
