"""Equivalence of two zero-bias sign-symmetric schemes on S(n), per width (issue 30, item 4).

Between such schemes P(n, k) = l(n, k) prod_{j <= k} (1 + sigma_j / (2^n - 1)), so P differs
only through the split rates: to first order a change dS of S(n) = sum_j sigma_j moves
P(n, K) by P dS / (2^n - 1). The margin is the dS that would move P(n, K) by PRACTICAL:
margin = PRACTICAL (2^n - 1) / P(n, K), with P(n, K) = l(n, K) c(n) of the reference (its
identity, never 0). The difference dS = S_scheme - S_reference gets a 90% percentile bootstrap
interval over networks: paired (one resampling of the network indices for both) where the
schemes share random numbers, unpaired otherwise. Equivalent where the interval lies inside
+-margin (two one-sided tests at 5%), different where it lies wholly outside, else
undetermined.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from reludeath.bounds import lower_bound
from reludeath.grid.split import s_and_c
from reludeath.sampling.seeds import generator
from reludeath.stats import bootstrap_counts

__all__ = [
    "EQUIVALENCE_COLUMNS",
    "PAIRED",
    "PRACTICAL",
    "equivalence_row",
    "equivalence_table",
]

PRACTICAL = 0.01  # the change of P(n, K) that matters
LEVEL = 0.90  # two one-sided 5% tests
# Schemes whose network t draws from the same random numbers as iid's network t (the
# "normal" family: reludeath.schemes); the others are compared unpaired.
PAIRED = frozenset({"orthogonal", "const_bias"})

EQUIVALENCE_COLUMNS = {
    "scheme": "the scheme judged",
    "reference": "the scheme it is compared with (iid)",
    "n": "width",
    "depth": "deepest layer K",
    "networks": "networks of each scheme",
    "paired": "bootstrap paired over shared networks (common random numbers)",
    "S": "S(n) = sum_j sigma_j of the scheme",
    "S_ref": "S(n) of the reference",
    "delta": "S - S_ref",
    "delta_low": "90% bootstrap interval over networks, lower end",
    "delta_high": "upper end",
    "p_deep": "P(n, K) of the reference through its identity, l(n, K) c(n)",
    "margin": "PRACTICAL (2^n - 1) / p_deep: the dS that moves P(n, K) by PRACTICAL",
    "result": "equivalent (interval inside +-margin), different (wholly outside), undetermined",
}


def _weighted_s(at_risk: np.ndarray, split: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """S per row of `weights` (replicates, networks): sum_j (w . split_j) / (w . at_risk_j)."""
    return s_and_c(weights @ at_risk.astype(float), weights @ split.astype(float), n)[0]


def equivalence_row(
    scheme: str,
    reference: str,
    n: int,
    arrays: tuple[np.ndarray, np.ndarray],
    reference_arrays: tuple[np.ndarray, np.ndarray],
    seed: int,
    replicates: int = 1000,
) -> dict:
    """One width's equivalence test of `scheme` against `reference` (EQUIVALENCE_COLUMNS);
    paired when the scheme is in PAIRED (both must then hold the same networks)."""
    paired = scheme in PAIRED
    (risk, cut), (risk_ref, cut_ref) = arrays, reference_arrays
    T, T_ref = risk.shape[0], risk_ref.shape[0]
    if paired and T_ref != T:
        raise ValueError(f"paired schemes need the same networks, got {T} and {T_ref}")
    rng = generator(seed, "practice-equivalence", scheme, reference, n)
    weights = bootstrap_counts(rng, T, replicates)
    weights_ref = weights if paired else bootstrap_counts(rng, T_ref, replicates)
    boot = _weighted_s(risk, cut, weights, n) - _weighted_s(risk_ref, cut_ref, weights_ref, n)
    s = float(s_and_c(risk.sum(axis=0), cut.sum(axis=0), n)[0])
    s_ref, c_ref = (float(v) for v in s_and_c(risk_ref.sum(axis=0), cut_ref.sum(axis=0), n))
    low, high = np.quantile(boot, [(1 - LEVEL) / 2, (1 + LEVEL) / 2])
    depth = risk.shape[1]
    p_deep = float(lower_bound(n, depth)) * c_ref
    margin = PRACTICAL * (2.0**n - 1) / p_deep
    if -margin < low and high < margin:
        result = "equivalent"
    elif high < -margin or low > margin:
        result = "different"
    else:
        result = "undetermined"
    return {
        "scheme": scheme,
        "reference": reference,
        "n": int(n),
        "depth": int(depth),
        "networks": int(T),
        "paired": paired,
        "S": s,
        "S_ref": s_ref,
        "delta": s - s_ref,
        "delta_low": float(low),
        "delta_high": float(high),
        "p_deep": p_deep,
        "margin": float(margin),
        "result": result,
    }


def equivalence_table(rows: Iterable[dict]) -> pd.DataFrame:
    """Rows of ``equivalence_row`` as the table results/practice/equivalence.parquet."""
    return pd.DataFrame(list(rows), columns=list(EQUIVALENCE_COLUMNS))
