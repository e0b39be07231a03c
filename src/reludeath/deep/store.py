"""A run's split history on disk: one row per network, the per-layer flags as bit strings.

Columns: network, last_split, one_ray, at_risk, split (the two (K,) boolean rows packed with
numpy.packbits), and the run (n, data_points, depth, networks) in the file's metadata.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from reludeath.deep.networks import SplitRecord
from reludeath.io import arrow_column, read_metadata, write_table

__all__ = ["read_record", "write_record"]


def _packed(rows: np.ndarray) -> pa.Array:
    return pa.array([bytes(r) for r in np.packbits(rows, axis=1)], pa.binary())


def write_record(record: SplitRecord, path: str, metadata: dict) -> None:
    """Write `record` to Parquet at `path` (atomically), with `metadata` beside its shape."""
    table = pa.table(
        {
            "network": arrow_column(np.arange(record.networks, dtype=np.int64)),
            "last_split": arrow_column(record.last_split.astype(np.int64)),
            "one_ray": arrow_column(record.one_ray),
            "at_risk": _packed(record.at_risk),
            "split": _packed(record.split),
            "alive": _packed(record.alive),
        }
    )
    shape = {"n": record.n, "data_points": record.data_points, "depth": record.depth}
    write_table(table, path, {**metadata, **shape})


def read_record(path: str) -> SplitRecord:
    """The SplitRecord written by write_record."""
    meta = read_metadata(path)
    table = pq.read_table(path)
    depth = meta["depth"]

    def unpack(name: str) -> np.ndarray:
        raw = np.frombuffer(b"".join(table.column(name).to_pylist()), np.uint8)
        return np.unpackbits(raw.reshape(table.num_rows, -1), axis=1)[:, :depth].astype(bool)

    return SplitRecord(
        meta["n"],
        meta["data_points"],
        unpack("at_risk"),
        unpack("split"),
        unpack("alive"),
        table.column("last_split").to_numpy(),
        table.column("one_ray").to_numpy(zero_copy_only=False),
    )
