"""Binomial confidence intervals and ratio intervals used by the aggregates."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["Z95", "wilson_interval"]

Z95 = 1.959963984540054  # two-sided 95% normal quantile


def wilson_interval(
    successes: ArrayLike, trials: ArrayLike, z: float = Z95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (low, high) for a binomial proportion; sound at 0 and 1."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    if np.any(n <= 0) or np.any(k < 0) or np.any(k > n):
        raise ValueError("need 0 <= successes <= trials and trials >= 1")
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)
