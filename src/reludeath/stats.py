"""Binomial confidence intervals and ratio intervals used by the aggregates."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

__all__ = ["Z95", "wilson_interval", "z_for_confidence"]

Z95 = 1.959963984540054  # two-sided 95% normal quantile


def z_for_confidence(confidence: float) -> float:
    """Two-sided normal quantile, e.g. 1.96 for 0.95."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence!r}")
    return float(stats.norm.ppf(0.5 + confidence / 2))


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
