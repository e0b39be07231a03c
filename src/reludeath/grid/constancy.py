"""Lu et al.'s born dead on their own definition, and the tolerance criterion beside it.

Exact: a network is a constant function from layer k on when some layer j <= k was a dead
layer, F_j = 0 at every point (shard column ``constant``; the grid's ``p_constant``). Tolerance:
the output's spread over the data, s_k = sqrt(sum_i Var F_{k,i} / sum_i E F_{k,i}^2) (std / RMS,
shard column ``output_spread``), is at most tau; ``near_constant_table`` gives its share for each
tau, ``half_depths`` the depth at which half the networks reach it, and ``depth_scaling`` how
that depth grows with the width n (two fitted models, each with a chi-square goodness of fit).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from reludeath.grid.aggregate import select_cells, with_proportion
from reludeath.stats import Z95

__all__ = [
    "NEAR_CONSTANT_COLUMNS",
    "combine_near_constant",
    "depth_scaling",
    "half_depths",
    "near_constant_counts",
    "near_constant_table",
]

_KEYS = ["scheme", "n", "tau", "k"]

# Columns of results/aggregate/near_constant.parquet (docs/outputs.md), with their meaning.
NEAR_CONSTANT_COLUMNS = {
    "scheme": "initialization scheme",
    "n": "width",
    "tau": "tolerance on the output's std / RMS over the data",
    "k": "depth",
    "data_points": "data points M per network",
    "networks": "networks simulated",
    "near_constant_networks": "networks whose layer-k output_spread <= tau",
    "p_near_constant": "near_constant_networks / networks",
    "p_near_constant_low": "95% Wilson interval, lower end",
    "p_near_constant_high": "95% Wilson interval, upper end",
}


def near_constant_counts(
    spread: np.ndarray, spec: dict, tolerances: Sequence[float]
) -> pd.DataFrame:
    """Per (tau, layer) the networks of one shard with output_spread <= tau; `spread` is the
    shard's (T, depth) ``output_spread``. Counts of shards combine by addition."""
    spread = np.asarray(spread, np.float64)
    T, depth = spread.shape
    frames = [
        pd.DataFrame(
            {
                "scheme": spec["scheme"],
                "n": spec["width"],
                "tau": float(tau),
                "k": np.arange(1, depth + 1),
                "data_points": spec["data_points"],
                "networks": T,
                "near_constant_networks": (spread <= tau).sum(axis=0),
            }
        )
        for tau in tolerances
    ]
    return pd.concat(frames, ignore_index=True)


def combine_near_constant(counts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Add up shards' counts of the same (scheme, n, tau, k)."""
    frame = pd.concat(list(counts), ignore_index=True)
    sums = frame.groupby([*_KEYS, "data_points"], as_index=False)[
        ["networks", "near_constant_networks"]
    ].sum()
    return sums.sort_values(_KEYS, ignore_index=True)


def near_constant_table(
    counts: pd.DataFrame, schemes: Sequence[str], widths: Sequence[int], depth: int
) -> pd.DataFrame:
    """The near-constant share with its 95% Wilson interval per (scheme, n, tau, k <= depth)."""
    frame = select_cells(counts, schemes, widths, depth, "near-constant counts")
    frame = with_proportion(frame, "near_constant_networks", "p_near_constant")
    return frame[list(NEAR_CONSTANT_COLUMNS)].reset_index(drop=True)


def _first_depth(k: np.ndarray, reached: np.ndarray) -> float:
    hits = np.flatnonzero(reached)
    return float(k[hits[0]]) if hits.size else np.nan


def half_depths(frame: pd.DataFrame, share: str = "p_near_constant") -> pd.DataFrame:
    """Per (scheme, n, tau) the first depth k_half at which the share reaches 1/2, and the
    depths at which its 95% interval's upper and lower ends do (``k_half_early``,
    ``k_half_late``: an interval for k_half). NaN where not reached by the deepest layer."""
    rows = []
    groups = [key for key in ("scheme", "n", "tau") if key in frame]
    for key, cell in frame.sort_values("k").groupby(groups, sort=True):
        k = cell["k"].to_numpy()
        rows.append(
            {
                **dict(zip(groups, key if isinstance(key, tuple) else (key,), strict=True)),
                "k_half": _first_depth(k, cell[share].to_numpy() >= 0.5),
                "k_half_early": _first_depth(k, cell[f"{share}_high"].to_numpy() >= 0.5),
                "k_half_late": _first_depth(k, cell[f"{share}_low"].to_numpy() >= 0.5),
                "depth": int(k.max()),
            }
        )
    return pd.DataFrame(rows)


def _weighted_line(x: np.ndarray, y: np.ndarray, sigma: np.ndarray) -> dict:
    """Weighted least squares y = a + b x, with chi^2 = sum ((y - a - b x) / sigma)^2 on
    len(x) - 2 degrees of freedom and its p-value."""
    w = 1.0 / sigma**2
    design = np.column_stack([np.ones_like(x), x])
    cov = np.linalg.inv(design.T @ (design * w[:, None]))
    a, b = cov @ (design.T @ (w * y))
    chi2 = float(np.sum(w * (y - a - b * x) ** 2))
    dof = len(x) - 2
    return {
        "intercept": float(a),
        "slope": float(b),
        "slope_se": float(np.sqrt(cov[1, 1])),
        "chi2": chi2,
        "dof": dof,
        "p_value": float(stats.chi2.sf(chi2, dof)) if dof > 0 else float("nan"),
    }


def depth_scaling(half: pd.DataFrame, min_widths: int = 4) -> dict:
    """How k_half grows with n, over the widths whose k_half and its interval are reached.

    Two models of log k_half: exponential in n (log k = a + b n, so k ~ e^{b n}) and a power of
    n (log k = a + b log n, k ~ n^b). Each point's standard error is the 95% interval's
    half-width in log k over Z95, plus in quadrature the rounding of k to an integer
    (1 / (sqrt(12) k)); the chi-square goodness of fit says whether a model describes the data
    (p >= 0.05). With fewer than `min_widths` widths there is no fit.
    """
    used = half.dropna(subset=["k_half", "k_half_early", "k_half_late"])
    used = used[used["n"] >= 2]  # n = 1 has no spread between directions to lose
    out = {"widths": [int(n) for n in used["n"]], "k_half": list(used["k_half"])}
    if len(used) < min_widths:
        return {**out, "fitted": False}
    n = used["n"].to_numpy(float)
    k = used["k_half"].to_numpy(float)
    spread = (np.log(used["k_half_late"]) - np.log(used["k_half_early"])).to_numpy() / (2 * Z95)
    sigma = np.sqrt(spread**2 + 1.0 / (12 * k**2))
    fits = {
        "exponential": _weighted_line(n, np.log(k), sigma),
        "power": _weighted_line(np.log(n), np.log(k), sigma),
    }
    return {**out, "fitted": True, **fits}
