"""A slow, obviously correct float64 forward pass, to check the fast kernel against."""

from __future__ import annotations

import numpy as np

from reludeath.kernel import Mode


def reference_network(x, weights, biases, mode, eps=1e-5, collapse_rtol=1e-5):
    """Per-layer (alive points, sum_j Var F_j, ||E F||^2, output nonzero, split, collapsed,
    spread) of one network; spread: sqrt(sum_j Var F_j / sum_j E F_j^2) over every point (0 when
    the output is 0), and collapsed: spread <= rtol, i.e. sum_j Var F_j <= rtol**2 * sum_j E F_j^2.

    Plain numpy in float64: every point is propagated, dead ones included.
    """
    x = np.asarray(x, np.float64)
    h = x
    alive = np.ones(x.shape[1], bool)
    rows = []
    for layer in range(weights.shape[0]):
        z = weights[layer].astype(np.float64) @ h
        if biases.shape[0]:
            z = z + biases[layer][:, None]
        if mode == Mode.BATCHNORM:
            mean = z.mean(axis=1, keepdims=True)
            std = z.std(axis=1, keepdims=True)
            z = np.where(std > 0, (z - mean) / (std + eps), 0.0)
        if mode == Mode.SIGNFLIP:
            killed = np.sum(alive & ~(z > 0).any(axis=0))
            if 2 * killed > alive.sum():
                z = -z
        positive = (z > 0)[:, alive]
        split = bool((positive.any(axis=1) & ~positive.all(axis=1)).any())
        h = np.maximum(z, 0.0)
        alive = alive & (h > 0).any(axis=0)
        masked = np.where(alive, h, 0.0)
        energy = (h * h).mean(axis=1).sum()
        spread = float(np.sqrt(h.var(axis=1).sum() / energy)) if energy > 0 else 0.0
        rows.append(
            (
                int(alive.sum()),
                float(masked.var(axis=1).sum()),
                float((masked.mean(axis=1) ** 2).sum()),
                bool((h > 0).any()),
                split,
                bool(h.var(axis=1).sum() <= collapse_rtol**2 * energy),
                spread,
            )
        )
    return rows
