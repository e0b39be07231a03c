"""The variance-decay rate's interval by a bootstrap over networks (issue 30, item 4).

The pooled fit log V(n, k) = a_n - lambda k (reludeath.grid.fit, one intercept per width)
runs over cells that share networks within a width: V(n, 1..K) are means over the same T
networks, so ordinary least squares, which takes the cells as independent, misstates the
rate's error. Here each replicate redraws every width's networks with replacement (the
widths are independent samples), recomputes V(n, k) = sum_t w_t v_tk / sum_t w_t [counted]
on the cells of the point fit, and refits; the 95% percentile interval of the rate replaces
the least-squares one. The verdict still rests on the structural floor.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from reludeath.sampling.seeds import generator
from reludeath.stats import bootstrap_counts

__all__ = ["decay_bootstrap", "network_v"]


def network_v(
    alive_points: np.ndarray, sum_var: np.ndarray, mean_sq: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(v, counted), (networks, depth): v_k = sum_var / mean_sq where the network is alive
    and mean_sq > 0 (counted), else 0, as the grid's V(n, k) averages them."""
    counted = (alive_points > 0) & (mean_sq > 0)
    return np.where(counted, sum_var / np.where(counted, mean_sq, 1.0), 0.0), counted


def _within_slopes(x: np.ndarray, y: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Per replicate, the common slope of y on x with one intercept per width (fixed effects):
    sum_n sum_k (x - xbar_n)(y - ybar_n) / sum_n sum_k (x - xbar_n)^2 over the kept cells,
    which is what least squares on [x, width dummies] gives. x: {n: (C_n,)}; y and keep:
    {n: (R, C_n)}; returns (R,)."""
    sxy = sxx = 0.0
    for n in x:
        w = keep[n].astype(float)
        count = np.maximum(w.sum(axis=1), 1.0)
        xbar = (w * x[n]).sum(axis=1) / count
        yw = np.where(keep[n], y[n], 0.0)
        ybar = yw.sum(axis=1) / count
        dx = (x[n][None, :] - xbar[:, None]) * w
        sxy = sxy + (dx * (yw - ybar[:, None] * w)).sum(axis=1)
        sxx = sxx + (dx * dx).sum(axis=1)
    return np.divide(sxy, sxx, out=np.zeros_like(sxy), where=sxx > 0)


def decay_bootstrap(
    per_width: Mapping[int, tuple[np.ndarray, np.ndarray]],
    variance: pd.DataFrame,
    seed: int,
    replicates: int = 1000,
    min_points: int = 8,
) -> dict:
    """{"exponential": [low, high], "power_law": [low, high], "replicates", "widths"}: 95%
    percentile intervals of the pooled rates, networks redrawn within each width.
    `per_width[n]` is (v, counted) of that width's networks (``network_v``), layer k in column
    k - 1; `variance` the grid's V table, whose cells with V > 0 and at least `min_points`
    per width are those of the point fit. Each replicate's rate is the pooled fit of log V on
    -k (exponential) and on -log k (power law), one intercept per width."""
    usable = variance[(variance["V"] > 0) & variance["n"].isin(list(per_width))]
    usable = usable.groupby("n").filter(lambda g: len(g) >= min_points)
    if usable.empty:
        return {"available": False}
    widths = np.sort(usable["n"].unique())
    rng = generator(seed, "variance-decay-bootstrap")
    cells = {int(n): g["k"].to_numpy(int) for n, g in usable.groupby("n")}
    log_v, keep = {}, {}
    for n in widths:
        v, counted = per_width[int(n)]
        T = v.shape[0]
        w = bootstrap_counts(rng, T, replicates)
        columns = cells[int(n)] - 1
        total, count = w @ v[:, columns], w @ counted[:, columns].astype(float)
        keep[int(n)] = (count >= 2) & (total > 0)
        log_v[int(n)] = np.log(np.where(keep[int(n)], total, 1.0) / np.maximum(count, 1.0))
    k = {n: c.astype(float) for n, c in cells.items()}
    rates = np.column_stack([
        -_within_slopes(k, log_v, keep),
        -_within_slopes({n: np.log(c) for n, c in k.items()}, log_v, keep),
    ])  # fmt: skip
    low, high = np.quantile(rates, [0.025, 0.975], axis=0)
    return {
        "available": True,
        "exponential": [float(low[0]), float(high[0])],
        "power_law": [float(low[1]), float(high[1])],
        "replicates": replicates,
        "widths": [int(n) for n in widths],
    }
