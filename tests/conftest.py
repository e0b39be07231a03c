"""Fixtures of the unit tests. Shared constants and helpers live in plain modules imported by
name (stats_helpers, shard_helpers): `from conftest import ...` is ambiguous, since
tests/workflow/ has a conftest.py of its own."""

from __future__ import annotations

import pytest
from stats_helpers import binomial_tolerance


@pytest.fixture
def tolerance():
    return binomial_tolerance


def _rank(item: pytest.Item) -> int:
    """The SLURM test first (it installs and starts SLURM, then waits on its jobs), then the
    other workflow tests, then the unit tier, which fills the workers' last minutes."""
    if item.get_closest_marker("slurm"):
        return 0
    return 1 if "workflow" in item.path.parts else 2


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Longest first (a stable sort: within a rank, the collection's order), so that the
    pytest-xdist workers of `make test` finish together."""
    items.sort(key=_rank)
