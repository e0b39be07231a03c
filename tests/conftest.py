"""Fixtures of the unit tests. Shared constants and helpers live in plain modules imported by
name (stats_helpers, shard_helpers): `from conftest import ...` is ambiguous, since
tests/workflow/ has a conftest.py of its own."""

from __future__ import annotations

import pytest
from stats_helpers import binomial_tolerance


@pytest.fixture
def tolerance():
    return binomial_tolerance
