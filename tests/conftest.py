"""Shared helpers: run a shard and read it as per-layer numpy arrays."""

from __future__ import annotations

import numpy as np
import pytest

from reludeath import ShardSpec, simulate_shard

SIGMAS = 5.0  # tolerance of every statistical test, in binomial standard errors


def binomial_tolerance(p: float, trials: int) -> float:
    """SIGMAS binomial standard errors of a proportion p estimated from `trials`."""
    return SIGMAS * float(np.sqrt(max(p * (1 - p), 0.0) / trials))


def run(scheme: str, n: int, k: int, T: int, M: int, seed: int = 0, **kw) -> dict:
    """Simulate and return each shard column reshaped to (T, k)."""
    table = simulate_shard(ShardSpec(scheme, n, k, T, M, seed=seed, **kw), threads=2)
    return {
        name: table.column(name).to_numpy(zero_copy_only=False).reshape(T, k)
        for name in (
            *("alive_points", "sum_var", "mean_sq", "collapsed", "output_nonzero"),
            *("output_spread", "constant"),
        )
    }


@pytest.fixture
def tolerance():
    return binomial_tolerance
