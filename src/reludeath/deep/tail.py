"""A bound on what truncating the split sum at depth K leaves out: sum_{j > K} sigma_j.

Model (stated, and tested against longer runs in tests/test_deep.py): over the last half of
the simulated layers the mean split rate per block of L = K/4 layers falls at least
geometrically, block to block, by the ratio rho = lambda_2 / lambda_1 of the last two blocks
(lambda_q = splits / networks at risk in block q). Then

    sum_{j > K} sigma_j <= L lambda_2 (rho + rho^2 + ...) = L lambda_2 rho / (1 - rho),

infinite when rho >= 1 (the run was too short to say). The bound reported is the 97.5%
quantile of this over bootstrap replicates of the networks, so it carries the sampling
uncertainty of both lambda_2 and rho. Networks whose points ended on one ray add exactly 0
after K (zero bias): where the one-ray flags are known, only the other networks' splits
enter lambda_1 and lambda_2 (divided by all networks at risk). The bound is about the
networks sampled: a kind of network no sample showed is not in it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["block_tail", "tail_bound"]

QUANTILE = 0.975


def block_tail(risk: np.ndarray, cut: np.ndarray) -> np.ndarray:
    """The geometric tail L lambda_2 rho / (1 - rho) from per-layer totals (..., K) of networks
    at risk and of splits; 0 where the last block has no split, inf where rho >= 1."""
    K = risk.shape[-1]
    L = K // 4
    if L < 1:
        raise ValueError(f"the tail bound needs a depth of at least 4 layers, got {K}")
    blocks = [slice(K - 2 * L, K - L), slice(K - L, K)]
    rate = []
    for block in blocks:
        at_risk = risk[..., block].sum(axis=-1)
        rate.append(np.where(at_risk > 0, cut[..., block].sum(axis=-1) / np.maximum(at_risk, 1), 0))
    first, last = rate
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.where(first > 0, last / first, np.inf)
        tail = np.where(rho < 1, L * last * rho / (1 - rho), np.inf)
    return np.where(last == 0, 0.0, tail)


def tail_bound(risk_boot: np.ndarray, cut_boot: np.ndarray) -> float:
    """The 97.5% bootstrap quantile of block_tail over replicates (R, K) of the totals."""
    tails = np.sort(block_tail(risk_boot, cut_boot))
    index = min(len(tails) - 1, int(np.ceil(QUANTILE * len(tails))) - 1)
    return float(tails[max(index, 0)])
