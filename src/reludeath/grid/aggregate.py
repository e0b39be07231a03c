"""From shards to tables: per-layer sums per shard, combined, then the grid, path
and normalized-variance tables whose columns docs/outputs.md documents."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from reludeath.bounds import lower_bound, path_width, upper_bound, upper_bound_zero_bias
from reludeath.grid.variance import network_v
from reludeath.schemes import scheme_traits
from reludeath.stats import wilson_interval

__all__ = [
    "combine",
    "grid_table",
    "living_fraction_se",
    "path_table",
    "select_cells",
    "summarize_shard",
    "variance_table",
    "with_proportion",
]

_KEYS = ["scheme", "n", "k"]
_SUMS = [
    "networks",
    "alive_networks",
    "alive_points",
    "alive_points_sq",
    "collapsed_networks",
    "constant_networks",
    "nonzero_networks",
    "v_count",
    "v_sum",
    "v_sq_sum",
    "at_risk",
    "split_networks",
    "deaths_at_split",
    "intact_networks",
    "bound_sum",
    "bound_violations",
    "below_floor",
    "below_half",
    "phase_at_risk",
    "phase_intact",
    "phase_deaths",
]

# Relative rounding allowance of the exact inequality v_k >= (1 - alpha) / alpha.
BOUND_RTOL = 1e-4


def summarize_shard(table: pa.Table, spec: dict) -> pd.DataFrame:
    """Per-layer sums over one shard's networks; sums of shards combine by addition."""
    T, depth = spec["networks"], spec["depth"]

    def column(name: str) -> np.ndarray:
        return table.column(name).to_numpy().reshape(T, depth)

    alive = column("alive_points")
    living = alive > 0
    v, counted = network_v(alive, column("sum_var"), column("mean_sq"))
    M = spec["data_points"]
    before = np.hstack([np.full((T, 1), M, alive.dtype), alive[:, :-1]])  # A(k-1), A(0) = M
    at_risk = before > 0
    split = column("split") & at_risk
    # Dead points count as zero outputs, so v_k >= (1 - alpha)/alpha with alpha = A(k)/M.
    bound = np.where(counted, (M - alive) / np.where(living, alive, 1), 0.0)
    floor = M // 2 ** np.minimum(np.arange(1, depth + 1), 62)
    # The splitting phase, decided by the past alone: layer 1, and every layer after a split.
    phase = at_risk & np.hstack([np.ones((T, 1), bool), column("split")[:, :-1]])
    return pd.DataFrame(
        {
            "scheme": spec["scheme"],
            "n": spec["width"],
            "k": np.arange(1, depth + 1),
            "data_points": spec["data_points"],
            "networks": T,
            "alive_networks": living.sum(axis=0),
            "alive_points": alive.sum(axis=0, dtype=np.int64),
            "alive_points_sq": (alive.astype(np.int64) ** 2).sum(axis=0),
            "collapsed_networks": column("collapsed").sum(axis=0),
            "constant_networks": column("constant").sum(axis=0),
            "nonzero_networks": column("output_nonzero").sum(axis=0),
            "v_count": counted.sum(axis=0),
            "v_sum": v.sum(axis=0),
            "v_sq_sum": (v * v).sum(axis=0),
            "at_risk": at_risk.sum(axis=0),
            "split_networks": split.sum(axis=0),
            "deaths_at_split": (split & ~living).sum(axis=0),
            "intact_networks": (at_risk & (alive == before)).sum(axis=0),
            "bound_sum": bound.sum(axis=0),
            "bound_violations": (counted & (v < bound * (1 - BOUND_RTOL))).sum(axis=0),
            "below_floor": (alive < floor[None, :]).sum(axis=0),
            "below_half": (alive < -(-before // 2)).sum(axis=0),
            "phase_at_risk": phase.sum(axis=0),
            "phase_intact": (phase & (alive == before)).sum(axis=0),
            "phase_deaths": (phase & ~living).sum(axis=0),
        }
    )


def combine(summaries: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Add up shard summaries of the same (scheme, n, k); refuses mixed data_points."""
    frame = pd.concat(list(summaries), ignore_index=True)
    mixed = frame.groupby(_KEYS)["data_points"].nunique()
    if (mixed > 1).any():
        raise ValueError(f"shards of one cell disagree on data_points: {mixed[mixed > 1].index[0]}")
    sums = frame.groupby([*_KEYS, "data_points"], as_index=False)[_SUMS].sum()
    return sums.sort_values(_KEYS, ignore_index=True)


def with_proportion(frame: pd.DataFrame, count: str, prefix: str) -> pd.DataFrame:
    """Add `prefix` = count / networks and its 95% Wilson interval `prefix`_low/_high."""
    low, high = wilson_interval(frame[count], frame["networks"])
    frame[prefix] = frame[count] / frame["networks"]
    frame[f"{prefix}_low"] = low
    frame[f"{prefix}_high"] = high
    return frame


def select_cells(
    frame: pd.DataFrame, schemes: Sequence[str], widths: Sequence[int], depth: int, what: str
) -> pd.DataFrame:
    """A copy of the rows of `frame` with a configured scheme and width and k <= depth;
    ValueError naming `what` and the (scheme, n) pairs that have no row."""
    keep = frame["scheme"].isin(schemes) & frame["n"].isin(widths) & (frame["k"] <= depth)
    cells = frame[keep].copy()
    missing = {(s, n) for s in schemes for n in widths} - set(
        zip(cells.scheme, cells.n, strict=True)
    )
    if missing:
        raise ValueError(f"no {what} for (scheme, n) = {sorted(missing)}")
    return cells


def living_fraction_se(frame: pd.DataFrame) -> pd.Series:
    """Standard error over networks of the mean of A(k)/M: sqrt(s^2 / T), s^2 the sample
    variance of A(k)/M from the sums of A(k) and A(k)^2 (0 when T = 1)."""
    T, M = frame["networks"].astype(float), frame["data_points"].astype(float)
    mean = frame["alive_points"] / T
    spread = (frame["alive_points_sq"] - T * mean**2).clip(lower=0) / (T - 1).clip(lower=1)
    return np.sqrt(spread / T) / M


def grid_table(
    summary: pd.DataFrame,
    schemes: Sequence[str],
    widths: Sequence[int],
    depth: int,
    traits: Mapping[str, Mapping[str, bool]] | None = None,
) -> pd.DataFrame:
    """One row per (scheme, n, k <= depth): P(alive) with Wilson CI, living fractions,
    collapse (near-constant at the kernel's 1e-5), constancy (Lu et al.'s born dead: some layer
    so far was a dead layer) with Wilson CI, the bounds, and whether the CI excludes a bound.
    `traits` gives a scheme's {"has_bias", "sign_symmetric"} where its name alone does not
    (plug-ins: see schemes.scheme_traits); built-in names are looked up."""
    frame = select_cells(summary, schemes, widths, depth, "shards")
    total_points = frame["networks"] * frame["data_points"]
    frame = with_proportion(frame, "alive_networks", "p_alive")
    frame = with_proportion(frame, "collapsed_networks", "p_collapsed")
    frame = with_proportion(frame, "constant_networks", "p_constant")
    frame["p_nonzero"] = frame["nonzero_networks"] / frame["networks"]
    frame["living_fraction"] = frame["alive_points"] / total_points
    frame["living_fraction_se"] = living_fraction_se(frame)
    alive_points = frame["alive_networks"] * frame["data_points"]
    frame["living_fraction_alive"] = frame["alive_points"] / alive_points.where(alive_points > 0)
    frame["lower_bound"] = lower_bound(frame["n"], frame["k"])
    known = {name: scheme_traits(name) for name in schemes if name not in (traits or {})}
    known.update(traits or {})
    biased = frame["scheme"].map(lambda name: known[name]["has_bias"]).to_numpy(bool)
    frame["upper_bound"] = np.where(
        biased, upper_bound(frame["n"], frame["k"]), upper_bound_zero_bias(frame["n"], frame["k"])
    )
    frame["violates_lower"] = frame["p_alive_high"] < frame["lower_bound"]
    frame["violates_upper"] = frame["p_alive_low"] > frame["upper_bound"]
    identity = [name for name, trait in known.items() if trait["sign_symmetric"]]
    frame = _split_columns(frame, identity)
    columns = [
        "scheme",
        "n",
        "k",
        "data_points",
        "networks",
        "alive_networks",
        "p_alive",
        "p_alive_low",
        "p_alive_high",
        "living_fraction",
        "living_fraction_se",
        "living_fraction_alive",
        "collapsed_networks",
        "p_collapsed",
        "p_collapsed_low",
        "p_collapsed_high",
        "constant_networks",
        "p_constant",
        "p_constant_low",
        "p_constant_high",
        "nonzero_networks",
        "p_nonzero",
        "lower_bound",
        "upper_bound",
        "violates_lower",
        "violates_upper",
        *SPLIT_COLUMNS,
    ]
    return frame[columns].reset_index(drop=True)


SPLIT_COLUMNS = [
    "split_networks",
    "sigma",
    "sigma_low",
    "sigma_high",
    "deaths",
    "deaths_at_split",
    "nosplit_at_risk",
    "intact_networks",
    "phase_at_risk",
    "phase_intact",
    "phase_deaths",
    "ratio_identity",
]


def _split_columns(frame: pd.DataFrame, identity: Sequence[str]) -> pd.DataFrame:
    """sigma_k = split_networks / alive_networks(k-1) with Wilson bounds, deaths, and the
    split identity P/l = prod_{j<=k} (1 + sigma_j / (2^n - 1)) where it holds."""
    frame = frame.sort_values(["scheme", "n", "k"]).copy()
    risk = frame["at_risk"].to_numpy(float)
    some = risk > 0
    low, high = wilson_interval(frame["split_networks"][some], risk[some])
    frame["sigma"] = np.where(some, frame["split_networks"] / np.where(some, risk, 1), np.nan)
    frame["sigma_low"] = np.nan
    frame["sigma_high"] = np.nan
    share = frame["split_networks"][some] / risk[some]
    frame.loc[some, "sigma_low"] = np.minimum(low, share)  # rounding at 0 successes
    frame.loc[some, "sigma_high"] = np.maximum(high, share)
    frame["deaths"] = frame["at_risk"] - frame["alive_networks"]
    frame["nosplit_at_risk"] = frame["at_risk"] - frame["split_networks"]
    factor = 1 + frame["sigma"] / (np.exp2(frame["n"].astype(float)) - 1)
    frame["ratio_identity"] = factor.groupby([frame["scheme"], frame["n"]]).cumprod()
    frame.loc[factor.isna(), "ratio_identity"] = np.nan  # no network left to estimate sigma
    frame.loc[~frame["scheme"].isin(identity), "ratio_identity"] = np.nan
    return frame


def path_widths(probabilities: Sequence[float], depth: int) -> pd.DataFrame:
    """(p, k, n) with n = ceil(n(k, p)) for k = 1..depth: the path experiment's cells."""
    k = np.arange(1, depth + 1)
    return pd.concat(
        [pd.DataFrame({"p": p, "k": k, "n": path_width(k, p)}) for p in probabilities],
        ignore_index=True,
    )


def path_table(
    summary: pd.DataFrame, probabilities: Sequence[float], depth: int, scheme: str = "iid"
) -> pd.DataFrame:
    """P(n(k), k) along each path with Wilson CI, and the ratio P / l with its CI."""
    cells = path_widths(probabilities, depth)
    frame = cells.merge(summary[summary["scheme"] == scheme], on=["n", "k"], how="left")
    if frame["networks"].isna().any():
        lost = frame[frame["networks"].isna()].iloc[0]
        raise ValueError(f"no {scheme} shard covers n={lost.n}, k={lost.k} of the path experiment")
    frame = with_proportion(frame, "alive_networks", "p_alive")
    frame["lower_bound"] = lower_bound(frame["n"], frame["k"])
    for suffix in ("", "_low", "_high"):
        frame[f"ratio{suffix}"] = frame[f"p_alive{suffix}"] / frame["lower_bound"]
    columns = ["p", "k", "n", "networks", "alive_networks", "p_alive", "p_alive_low"]
    columns += ["p_alive_high", "lower_bound", "ratio", "ratio_low", "ratio_high"]
    return frame[columns].astype({"networks": "int64", "alive_networks": "int64"})


def variance_table(summary: pd.DataFrame, scheme: str = "iid") -> pd.DataFrame:
    """V(n, k): the mean over alive networks of v_k = sum_j Var F_j / ||E F||^2, with its
    standard error; cells with fewer than two such networks are dropped."""
    frame = summary[(summary["scheme"] == scheme) & (summary["v_count"] >= 2)].copy()
    count = frame["v_count"]
    frame["V"] = frame["v_sum"] / count
    spread = (frame["v_sq_sum"] - count * frame["V"] ** 2).clip(lower=0) / (count - 1)
    frame["V_se"] = np.sqrt(spread / count)
    frame["V_bound"] = frame["bound_sum"] / count
    columns = ["n", "k", "V", "V_se", "V_bound", "bound_violations", "v_count", "alive_networks"]
    return frame[columns].reset_index(drop=True)
