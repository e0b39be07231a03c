"""The paper's path n = ceil(n(k, p)) to k = 10^9, through the split identity.

Along the path l(n, k) >= p, and P/l = prod_{j <= k} (1 + sigma_j / (2^n - 1)) comes from the
split rates of width n (`reludeath.deep.identity`); log10 l = k log1p(-2^-n) / ln 10, so
nothing underflows at k = 10^9.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from reludeath.bounds import path_width
from reludeath.config import path_needs
from reludeath.deep.identity import Identity

__all__ = ["PATH_COLUMNS", "log10_lower_bound", "path_table", "path_widths"]

PATH_COLUMNS = {
    "p": "the path's probability p: l(n, k) >= p",
    "k": "depth",
    "n": "ceil(n(k, p)), n(k, p) = -log2(1 - p^(1/k))",
    "log10_lower_bound": "log10 l(n, k) = k log1p(-2^-n) / ln 10",
    "p_over_l": "P/l = prod_{j <= k} (1 + sigma_j / (2^n - 1)) through the split identity",
    "p_over_l_low": "95% interval of P/l, low end: the bootstrap's within the simulated depth, "
    "c_low of split.parquet beyond it",
    "p_over_l_high": "95% interval of P/l, high end: the bootstrap's within the simulated depth, "
    "c_high of split.parquet (tail bound included) beyond it",
}


def log10_lower_bound(n: int, k: float) -> float:
    """log10 l(n, k) = k log1p(-2^-n) / ln 10."""
    return float(k * math.log1p(-(2.0**-n)) / math.log(10))


def path_widths(p: Sequence[float], depths: Sequence[int]) -> list[int]:
    """Every width ceil(n(k, p)) the path needs, sorted (the config checker's `path_needs`)."""
    return path_needs(p, depths)


def path_table(
    identities: Mapping[int, Identity],
    p: Sequence[float],
    depths: Sequence[int],
    plateau: Mapping[int, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """One row per (p, k) (PATH_COLUMNS); every width of the path must be in `identities`.
    Beyond a width's simulated depth P/l = c(n): its interval is plateau[n] = (c_low, c_high)
    where given (the S table's, reludeath.deep.estimate), else the bootstrap's."""
    missing = sorted(set(path_widths(p, depths)) - set(identities))
    if missing:
        raise ValueError(f"the path needs widths {missing}, which were not simulated")
    rows = []
    for prob in p:
        for k in depths:
            n = int(path_width(k, prob))
            value, low, high = identities[n].p_over_l(int(k))
            if plateau is not None and n in plateau and k >= identities[n].depth:
                low, high = plateau[n]
            rows.append(
                {
                    "p": float(prob),
                    "k": int(k),
                    "n": n,
                    "log10_lower_bound": log10_lower_bound(n, k),
                    "p_over_l": value,
                    "p_over_l_low": low,
                    "p_over_l_high": high,
                }
            )
    return pd.DataFrame(rows, columns=list(PATH_COLUMNS))
