"""One S(n) table for every width: one estimator, influence-value intervals over networks,
the per-network spread pooled over neighbouring widths (docs/science.md, section 9).

Per width, T networks with at_risk r_tj and split c_tj (layer j, the run extended by the
settled follows), R_j = sum_t r_tj, C_j = sum_t c_tj:

    S = sum_j C_j / R_j,  L = ln c = sum_j ln(1 + (C_j / R_j) / (2^n - 1)).

Both are smooth functions of network means, so their influence values (delta method) are

    z_t = sum_j (c_tj - sigma_j r_tj) / R_j,
    z^L_t = sum_j (c_tj - sigma_j r_tj) / (R_j (D + sigma_j))

(sigma_j = C_j / R_j, D = 2^n - 1), Var S ~ T / (T - 1) sum_t z_t^2. The per-network split
count is heavy-tailed, and a sample's own variance is small exactly when its mean is (a few
networks carry the tail), so the relative variance v(n) = T Var(S) / S^2 (the per-network
squared coefficient of variation) is pooled over the widths n - w..n + w present, weighted by
their networks. The interval is score-type: the S with (S_hat - S)^2 <= z^2 v S^2 / T,

    S in [S_hat / (1 + a), S_hat / (1 - a)],  a = z sqrt(v_pooled / T)   (upper inf if a >= 1),

and the same for L with its own pooled v. Why pooled and score-type: the coverage check of
bench/s_coverage.py (docs/science.md reports it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from reludeath.stats import Z95

__all__ = [
    "POOL_HALF_WIDTH",
    "S_TABLE_COLUMNS",
    "Influence",
    "monotone_violations",
    "pooled_relative_variance",
    "s_table",
    "score_interval",
]

POOL_HALF_WIDTH = 2  # widths n - 2..n + 2 share the relative variance (bench/s_coverage.py)

S_TABLE_COLUMNS = {
    "n": "width",
    "data_points": "M, points per network (the grid's data_points)",
    "networks": "networks T",
    "depth_simulated": "K, layers simulated (the followed late networks went further)",
    "source": "'grid' (the grid's iid shards) or 'deep' (the deep family's runs)",
    "S": "S(n) = sum_j C_j / R_j over the run and the followed networks' layers",
    "S_low": "95% score interval of S on the pooled relative variance, low end",
    "S_high": "95% score interval of S, high end, plus tail_bound (inf when a >= 1)",
    "S_se": "S sqrt(v_pooled / T): the standard error the intervals and s_law.json use",
    "S_rel_se": "sqrt(v_pooled / T), v_pooled the relative variance T Var(S) / S^2 pooled "
    "over widths n - 2..n + 2",
    "S_se_own": "the width's own delta-method standard error (its networks alone)",
    "c": "c(n) = prod_j (1 + sigma_j / (2^n - 1)), the plateau of P/l",
    "c_low": "95% score interval of c (on ln c, its own pooled relative variance), low end",
    "c_high": "95% score interval of c, high end, times exp(tail_bound / (2^n - 1))",
    "tail_bound": "97.5% bound on what layers beyond the followed record add (0 when every "
    "late network ended on one ray)",
}


class Influence:
    """S, ln c and their influence values over the T networks of one width."""

    def __init__(self, at_risk: np.ndarray, split: np.ndarray, n: int) -> None:
        r, c = np.asarray(at_risk, float), np.asarray(split, float)
        self.n, self.networks = n, r.shape[0]
        R, C = r.sum(axis=0), c.sum(axis=0)
        live = R > 0
        sigma = np.where(live, C / np.maximum(R, 1), 0.0)
        D = 2.0**n - 1
        self.S = float(sigma.sum())
        self.log_c = float(np.log1p(sigma / D).sum())
        resid = np.where(live, (c - sigma * r) / np.maximum(R, 1), 0.0)
        self.z = resid.sum(axis=1)
        self.z_log_c = (resid / (D + sigma)).sum(axis=1)

    def _relative(self, z: np.ndarray, value: float) -> float:
        T = self.networks
        if T < 2 or value <= 0:
            return math.nan
        return float(T * (T / (T - 1)) * (z**2).sum() / value**2)

    @property
    def v(self) -> float:
        """T Var(S) / S^2 from the influence values (nan when S = 0 or T < 2)."""
        return self._relative(self.z, self.S)

    @property
    def v_log_c(self) -> float:
        """T Var(ln c) / (ln c)^2."""
        return self._relative(self.z_log_c, self.log_c)

    @property
    def se(self) -> float:
        """The width's own delta-method standard error of S."""
        T = self.networks
        return float(math.sqrt(T / (T - 1) * (self.z**2).sum())) if T > 1 else math.nan


def pooled_relative_variance(
    v: Mapping[int, float], networks: Mapping[int, int], half_width: int = POOL_HALF_WIDTH
) -> dict[int, float]:
    """v_pooled(n) = sum_{|n' - n| <= w} T_n' v_n' / sum T_n' over the widths with a finite,
    positive v. A width whose own v is 0 (every network adds the same: n = 1, S = 1 exactly)
    keeps 0 and enters no pool."""
    out = {}
    for n in v:
        if v[n] == 0:
            out[n] = 0.0
            continue
        near = [m for m in v if abs(m - n) <= half_width and math.isfinite(v[m]) and v[m] > 0]
        weight = sum(networks[m] for m in near)
        out[n] = sum(networks[m] * v[m] for m in near) / weight if weight else math.nan
    return out


def score_interval(value: float, v: float, networks: int, z: float = Z95) -> tuple[float, float]:
    """The values x with (value - x)^2 <= z^2 v x^2 / T: [value/(1 + a), value/(1 - a)],
    a = z sqrt(v / T); the upper end inf when a >= 1; (value, value) when v is 0 or nan."""
    if not math.isfinite(v) or v <= 0:
        return value, value
    a = z * math.sqrt(v / networks)
    return value / (1 + a), (value / (1 - a) if a < 1 else math.inf)


def s_table(
    widths: Mapping[int, tuple[Influence, int, int, str, float]],
    half_width: int = POOL_HALF_WIDTH,
) -> pd.DataFrame:
    """split.parquet's rows (S_TABLE_COLUMNS) from {n: (Influence, data_points, depth, source,
    tail_bound)}: S and c with score intervals on the pooled relative variance; S_high adds
    the tail bound and c_high multiplies by exp(tail_bound / (2^n - 1))."""
    inf = {n: w[0] for n, w in widths.items()}
    networks = {n: i.networks for n, i in inf.items()}
    v = pooled_relative_variance({n: i.v for n, i in inf.items()}, networks, half_width)
    v_c = pooled_relative_variance({n: i.v_log_c for n, i in inf.items()}, networks, half_width)
    rows = []
    for n in sorted(widths):
        i, data_points, depth, source, bound = widths[n]
        low, high = score_interval(i.S, v[n], i.networks)
        c_low, c_high = score_interval(i.log_c, v_c[n], i.networks)
        rel = math.sqrt(v[n] / i.networks) if math.isfinite(v[n]) else 0.0
        rows.append(
            {
                "n": n,
                "data_points": data_points,
                "networks": i.networks,
                "depth_simulated": depth,
                "source": source,
                "S": i.S,
                "S_low": low,
                "S_high": high + bound,
                "S_se": i.S * rel,
                "S_rel_se": rel,
                "S_se_own": i.se,
                "c": math.exp(i.log_c),
                "c_low": math.exp(c_low),
                "c_high": math.exp(c_high + bound / (2.0**n - 1)),
                "tail_bound": bound,
            }
        )
    return pd.DataFrame(rows, columns=list(S_TABLE_COLUMNS))


def monotone_violations(table: pd.DataFrame) -> list[tuple[int, int]]:
    """The pairs of widths n < n' with S_high(n') < S_low(n): S is not monotone within its
    intervals there (empty when it is)."""
    rows = table.sort_values("n")
    n, low, high = (rows[k].to_numpy() for k in ("n", "S_low", "S_high"))
    return [
        (int(n[a]), int(n[b]))
        for a in range(len(n))
        for b in range(a + 1, len(n))
        if high[b] < low[a]
    ]
