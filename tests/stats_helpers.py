"""Tolerances of the statistical tests, imported by the tests that need them (a plain module,
not conftest.py: tests/ and tests/workflow/ each have a conftest, so the name is ambiguous)."""

from __future__ import annotations

import numpy as np

SIGMAS = 5.0  # tolerance of every statistical test, in binomial standard errors


def binomial_tolerance(p: float, trials: int) -> float:
    """SIGMAS binomial standard errors of a proportion p estimated from `trials`."""
    return SIGMAS * float(np.sqrt(max(p * (1 - p), 0.0) / trials))
