"""S(n), c(n) and P/l at any depth through the split identity, with bootstrap intervals.

For iid networks P(n, k) / l(n, k) = prod_{j <= k} (1 + sigma_j / (2^n - 1)) (docs/science.md),
so log(P/l) = sum_{j <= k} log1p(sigma_j / (2^n - 1)): computed from the split rates, never as
a difference of two P's. Beyond the simulated depth K the product grows by at most the factor
exp(tail / (2^n - 1)), tail the bound of `reludeath.deep.tail` on sum_{j > K} sigma_j.
S and c and their intervals are the grid's (`reludeath.grid.split.bootstrap_split`).
"""

from __future__ import annotations

import numpy as np

from reludeath.deep.tail import block_tail, tail_bound
from reludeath.grid.split import bootstrap_split
from reludeath.sampling.seeds import generator
from reludeath.stats import bootstrap_counts

__all__ = ["SPLIT_COLUMNS", "Identity", "identity"]

SPLIT_COLUMNS = {
    "n": "width",
    "data_points": "M, points per network",
    "networks": "networks simulated",
    "depth_simulated": "K, layers simulated",
    "S": "S(n) = sum_{j <= K} sigma_j",
    "S_low": "95% bootstrap interval of S, low end",
    "S_high": "95% bootstrap interval of S, high end, plus tail_bound",
    "c": "c(n) = prod_{j <= K} (1 + sigma_j / (2^n - 1)), the plateau of P/l",
    "c_low": "95% bootstrap interval of c, low end",
    "c_high": "95% bootstrap interval of c, high end, times exp(tail_bound / (2^n - 1))",
    "tail_bound": "97.5% bound on sum_{j > K} sigma_j (docs/science.md, the deep method)",
}


class Identity:
    """Per-layer split totals of one width with bootstrap replicates over networks."""

    def __init__(
        self,
        at_risk: np.ndarray,
        split: np.ndarray,
        n: int,
        replicates: int,
        seed: int,
        settled: np.ndarray | None = None,
    ) -> None:
        """`settled` (T,) marks networks known to add nothing after the last layer (their
        points on one ray, or dead): the tail bound counts only the others' splits."""
        self.n = n
        self.networks, self.depth = at_risk.shape
        risk, cut = at_risk.astype(float), split.astype(float)
        self.summary = bootstrap_split(at_risk, split, n, replicates, seed)
        rng = generator(seed, "deep-identity", n)
        T = self.networks
        weights = bootstrap_counts(rng, T, replicates)
        self.risk, self.cut = risk.sum(axis=0), cut.sum(axis=0)
        self.risk_boot, self.cut_boot = weights @ risk, weights @ cut
        open_cut = cut if settled is None else cut * ~np.asarray(settled, bool)[:, None]
        if self.depth >= 4:
            self.tail = float(block_tail(self.risk, open_cut.sum(axis=0)))
            self.tail_bound = tail_bound(self.risk_boot, weights @ open_cut)
        else:
            self.tail = self.tail_bound = 0.0

    def s_replicates(self) -> np.ndarray:
        """S in each bootstrap replicate. Identities of one width with as many networks share
        the replicates' network weights (the key is (seed, n)), so differences are paired."""
        risk, cut = self.risk_boot, self.cut_boot
        return np.where(risk > 0, cut / np.maximum(risk, 1), 0.0).sum(axis=-1)

    def _log_ratio(self, risk: np.ndarray, cut: np.ndarray, k: int) -> np.ndarray:
        K = min(k, self.depth)
        sigma = np.where(risk[..., :K] > 0, cut[..., :K] / np.maximum(risk[..., :K], 1), 0.0)
        return np.log1p(sigma / (2.0**self.n - 1)).sum(axis=-1)

    def p_over_l(self, k: int) -> tuple[float, float, float]:
        """(P/l, low, high) at depth k; high includes the tail bound when k > K."""
        value = float(np.exp(self._log_ratio(self.risk, self.cut, k)))
        boot = self._log_ratio(self.risk_boot, self.cut_boot, k)
        low, high = np.quantile(boot, [0.025, 0.975])
        if k > self.depth:
            high += self.tail_bound / (2.0**self.n - 1)
        return value, float(np.exp(low)), float(np.exp(high))

    def row(self, data_points: int) -> dict:
        """One row of split.parquet / data_points.parquet (SPLIT_COLUMNS)."""
        s = self.summary
        bound = self.tail_bound
        return {
            "n": self.n,
            "data_points": data_points,
            "networks": self.networks,
            "depth_simulated": self.depth,
            "S": s["S"],
            "S_low": s["S_low"],
            "S_high": s["S_high"] + bound,
            "c": s["c"],
            "c_low": s["c_low"],
            "c_high": s["c_high"] * float(np.exp(bound / (2.0**self.n - 1))),
            "tail_bound": bound,
        }


def identity(record, replicates: int, seed: int) -> Identity:
    """The Identity of a SplitRecord, its one-ray networks settled."""
    return Identity(record.at_risk, record.split, record.n, replicates, seed, record.one_ray)
