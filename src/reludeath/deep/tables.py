"""The family's result tables from the runs: split.parquet, data_points.parquet,
networks.parquet (path.parquet is `reludeath.deep.path.path_table`)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from reludeath.deep.identity import SPLIT_COLUMNS, Identity
from reludeath.deep.networks import SplitRecord

__all__ = ["NETWORK_COLUMNS", "network_table", "split_table"]

NETWORK_COLUMNS = {
    "study": "'path' (the widths above the grid's) or 'm_sweep' (S and c against M)",
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


def network_table(wide: Iterable[SplitRecord], sweep: Iterable[SplitRecord]) -> pd.DataFrame:
    """One row per simulated network (NETWORK_COLUMNS)."""
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
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=NETWORK_COLUMNS)
