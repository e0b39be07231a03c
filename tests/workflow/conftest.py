"""Fixtures of the workflow tests; their constants and helpers are in workflow_helpers.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from workflow_helpers import TINY, make_project, snakemake


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory) -> Path:
    """A finished run of the TINY configuration (shared by the tests that read it)."""
    directory = make_project(tmp_path_factory.mktemp("tiny"), TINY)
    snakemake(directory)
    return directory
