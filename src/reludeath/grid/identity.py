"""O5 paired: the split identity against the direct P / l on the same networks (issue 30, 4).

Both estimates of P(n, k) / l(n, k) come from one set of T networks: the direct one,
(1/T) sum_t alive_t(k) / l(n, k), and the identity's, prod_{j <= k} (1 + sigma_j / (2^n - 1))
with sigma_j = sum_t split_tj / sum_t at_risk_tj. Their difference D gets its standard error
from a bootstrap that redraws the networks once for both (so their covariance counts), at
the deepest layer k* where at least T / e networks (and MIN_ALIVE) are alive: a violation
that grows like k against the noise 1 / sqrt(P T) of a geometrically falling P is seen best
there (k e^{-k/(2 tau)} peaks where P = e^-1); z = D / SE per width,
X^2 = sum z^2, and the tests are Holm-corrected over the widths. The power: the smallest
|D| a test detects with probability POWER at Holm's strictest level.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.stats import chi2, norm

from reludeath.bounds import lower_bound
from reludeath.grid.split import s_and_c, split_arrays
from reludeath.sampling.seeds import generator
from reludeath.stats import bootstrap_counts, holm_reject, two_sided_p

__all__ = [
    "IDENTITY_COLUMNS",
    "MIN_ALIVE",
    "identity_summary",
    "network_arrays_from_shard",
    "paired_identity_row",
]

MIN_ALIVE = 10  # alive networks at the judged layer
ALPHA, POWER = 0.05, 0.8

IDENTITY_COLUMNS = {
    "scheme": "a scheme that obeys the split identity",
    "n": "width",
    "k": "the judged layer: the deepest with >= max(T / e, MIN_ALIVE) alive networks",
    "networks": "networks T",
    "direct": "(alive networks / T) / l(n, k)",
    "identity": "prod_{j <= k} (1 + sigma_j / (2^n - 1)) from the same networks",
    "diff": "direct - identity",
    "se_paired": "SE of diff, bootstrap over networks redrawn once for both",
    "se_direct": "the direct estimate's binomial SE alone, sqrt(p (1 - p) / T) / l (unpaired)",
    "z": "diff / se_paired",
    "detectable": "smallest |diff| / identity detected with probability POWER at level "
    "ALPHA / widths (Holm's strictest), two-sided",
}


def network_arrays_from_shard(
    alive_points: np.ndarray, split: np.ndarray, data_points: int, keep: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(alive, at_risk, split), each (networks, keep) bool, from a shard's (networks, depth)
    alive_points and split: alive after layer k, alive after k - 1, and split there too (the
    last two ``grid.split.split_arrays``)."""
    at_risk, cut = split_arrays(alive_points, split, data_points, keep)
    return alive_points[:, :keep] > 0, at_risk, cut


def _ratios(
    weights: np.ndarray, alive: np.ndarray, at_risk: np.ndarray, split: np.ndarray, n: int, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """(direct, identity) at layer k (1-based) per row of `weights` (replicates, T)."""
    total = weights.sum(axis=1)
    direct = (weights @ alive[:, k - 1].astype(float)) / total / float(lower_bound(n, k))
    _, identity = s_and_c(
        weights @ at_risk[:, :k].astype(float), weights @ split[:, :k].astype(float), n
    )
    return direct, identity


def paired_identity_row(
    scheme: str,
    n: int,
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray],
    seed: int,
    replicates: int = 1000,
) -> dict | None:
    """One width's paired comparison (IDENTITY_COLUMNS less `detectable`), or None when no
    layer has max(T / e, MIN_ALIVE) alive networks."""
    alive, at_risk, split = arrays
    T = alive.shape[0]
    enough = np.flatnonzero(alive.sum(axis=0) >= max(T / math.e, MIN_ALIVE))
    if not enough.size:
        return None
    k = int(enough[-1]) + 1
    direct, identity = (float(v[0]) for v in _ratios(np.ones((1, T)), alive, at_risk, split, n, k))
    rng = generator(seed, "identity-paired", scheme, n)
    weights = bootstrap_counts(rng, T, replicates)
    d_boot, i_boot = _ratios(weights, alive, at_risk, split, n, k)
    se = float((d_boot - i_boot).std(ddof=1))
    p = alive[:, k - 1].mean()
    diff = direct - identity
    return {
        "scheme": scheme,
        "n": int(n),
        "k": k,
        "networks": T,
        "direct": direct,
        "identity": identity,
        "diff": diff,
        "se_paired": se,
        "se_direct": float(math.sqrt(p * (1 - p) / T) / lower_bound(n, k)),
        "z": diff / se if se > 0 else (0.0 if diff == 0 else math.inf),
    }


def identity_summary(rows: list[dict]) -> tuple[pd.DataFrame, dict]:
    """The table (IDENTITY_COLUMNS) with each row's power, and per scheme {chi2, dof, p_value,
    rejected (widths Holm rejects at ALPHA), max_abs_z, detectable (the median over widths),
    se_ratio (the median of se_paired / se_direct)}."""
    table = pd.DataFrame(rows, columns=[c for c in IDENTITY_COLUMNS if c != "detectable"])
    out: dict[str, Mapping] = {}
    parts = []
    for scheme, g in table.groupby("scheme", sort=False):
        factor = norm.isf(ALPHA / (2 * len(g))) + norm.ppf(POWER)
        g = g.assign(detectable=factor * g["se_paired"] / g["identity"])
        reject = holm_reject(two_sided_p(g["z"]), ALPHA)
        x2 = float((g["z"] ** 2).sum())
        out[scheme] = {
            "chi2": x2,
            "dof": len(g),
            "p_value": float(chi2.sf(x2, len(g))),
            "rejected": [int(n) for n in g.loc[reject, "n"]],
            "max_abs_z": float(g["z"].abs().max()),
            "detectable": float(g["detectable"].median()),
            "se_ratio": float((g["se_paired"] / g["se_direct"]).median()),
        }
        parts.append(g)
    table = pd.concat(parts, ignore_index=True) if parts else table.assign(detectable=[])
    return table[list(IDENTITY_COLUMNS)], out
