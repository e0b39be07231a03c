"""The family's result tables from the runs: split.parquet, data_points.parquet,
networks.parquet (path.parquet is `reludeath.deep.path.path_table`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from reludeath.deep.estimate import Influence
from reludeath.deep.identity import SPLIT_COLUMNS, Identity
from reludeath.deep.networks import SplitRecord
from reludeath.deep.settle import Followed, settle_width

__all__ = [
    "M_STEP_COLUMNS",
    "NETWORK_COLUMNS",
    "followed_rows",
    "m_steps",
    "network_table",
    "settled_width",
    "split_table",
]

M_STEP_COLUMNS = {
    "n": "width",
    "data_points_from": "M before the step",
    "data_points_to": "M after the step",
    "dS": "S(M_to) - S(M_from), the same networks and the first M_from of the same points",
    "dS_low": "95% paired bootstrap interval of dS, low end",
    "dS_high": "95% paired bootstrap interval of dS, high end",
    "dc_relative": "(c(M_to) - c(M_from)) / (c(M_to) - 1): the step's share of c - 1",
}

NETWORK_COLUMNS = {
    "study": "'path' (the widths above the grid's), 'm_sweep' (S and c against M) or "
    "'grid_late' / 'path_late' (a grid / deep-width network followed after its run's depth: "
    "reludeath.deep.settle)",
    "n": "width",
    "data_points": "M",
    "depth_simulated": "K, layers simulated",
    "network": "the network's index (the grid's iid network of that index, seed and width)",
    "last_split": "the last layer j <= K that split the living points (0: none)",
    "one_ray": "the living points ended on one ray after layer K (then no later layer splits)",
}


def split_table(rows: Iterable[tuple[Identity, int]]) -> pd.DataFrame:
    """One row per (Identity, data_points), sorted by n and M (SPLIT_COLUMNS)."""
    table = pd.DataFrame([identity.row(m) for identity, m in rows], columns=list(SPLIT_COLUMNS))
    return table.sort_values(["n", "data_points"], ignore_index=True)


@dataclass(frozen=True)
class SettledWidth:
    """One width after its late networks were followed: its Identity (path, tail bound), its
    Influence (the S table), the run's depth and the followed networks' rows."""

    identity: Identity
    influence: Influence
    depth: int
    followed: pd.DataFrame


def settled_width(
    at_risk: np.ndarray,
    split: np.ndarray,
    alive_last: np.ndarray,
    draw: Callable[[int], tuple[np.ndarray, np.ndarray]],
    n: int,
    data_points: int,
    study: str,
    replicates: int,
    seed: int,
    known: np.ndarray | None = None,
) -> SettledWidth:
    """One tail treatment for every width: the late networks not `known` to be on one ray are
    followed (reludeath.deep.settle.settle_width), then S, c and the tail bound are computed on
    the extended record, the followed networks that ended on one ray settled."""
    risk, cut, flags, follows = settle_width(at_risk, split, alive_last, draw, n, seed, known)
    return SettledWidth(
        Identity(risk, cut, n, replicates, seed, flags),
        Influence(risk, cut, n),
        at_risk.shape[1],
        followed_rows(n, data_points, split, follows, study),
    )


def followed_rows(
    n: int,
    data_points: int,
    split: np.ndarray,
    follows: dict[int, Followed],
    study: str = "grid_late",
) -> pd.DataFrame:
    """NETWORK_COLUMNS rows of one width's followed networks; split (T, K) the run's."""
    K = split.shape[1]
    layers = np.arange(1, K + 1)
    rows = []
    for t, f in sorted(follows.items()):
        late = np.flatnonzero(f.split)
        last = K + 1 + int(late[-1]) if len(late) else int(np.where(split[t], layers, 0).max())
        rows.append(
            {
                "study": study,
                "n": n,
                "data_points": data_points,
                "depth_simulated": K + f.layers,
                "network": t,
                "last_split": last,
                "one_ray": f.one_ray,
            }
        )
    return pd.DataFrame(rows, columns=list(NETWORK_COLUMNS))


def network_table(
    wide: Iterable[SplitRecord],
    sweep: Iterable[SplitRecord],
    late: Iterable[pd.DataFrame] = (),
) -> pd.DataFrame:
    """One row per simulated network (NETWORK_COLUMNS); `late`: followed_rows tables."""
    parts = [
        pd.DataFrame(
            {
                "study": study,
                "n": r.n,
                "data_points": r.data_points,
                "depth_simulated": r.depth,
                "network": range(r.networks),
                "last_split": r.last_split,
                "one_ray": r.one_ray,
            }
        )
        for study, records in (("path", wide), ("m_sweep", sweep))
        for r in records
    ]
    parts += [part for part in late if not part.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=NETWORK_COLUMNS)


def m_steps(identities: dict[int, dict[int, Identity]]) -> pd.DataFrame:
    """Per width {n: {M: Identity}}, the change of S between successive M (M_STEP_COLUMNS),
    with intervals from the paired bootstrap (same networks, same replicate weights)."""
    rows = []
    for n, by_m in sorted(identities.items()):
        ms = sorted(by_m)
        for a, b in pairwise(ms):
            first, second = by_m[a], by_m[b]
            diff = second.s_replicates() - first.s_replicates()
            c_a, c_b = first.summary["c"], second.summary["c"]
            rows.append(
                {
                    "n": n,
                    "data_points_from": a,
                    "data_points_to": b,
                    "dS": second.summary["S"] - first.summary["S"],
                    "dS_low": float(np.quantile(diff, 0.025)),
                    "dS_high": float(np.quantile(diff, 0.975)),
                    "dc_relative": (c_b - c_a) / (c_b - 1) if c_b > 1 else 0.0,
                }
            )
    return pd.DataFrame(rows, columns=list(M_STEP_COLUMNS))
