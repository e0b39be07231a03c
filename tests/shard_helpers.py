"""Run a shard and read it as per-layer numpy arrays (a plain module imported by the tests
that need it, not conftest.py, whose name tests/workflow/ shares)."""

from __future__ import annotations

from reludeath import ShardSpec, simulate_shard


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
