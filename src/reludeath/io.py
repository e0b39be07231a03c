"""Parquet and JSON files: atomic writes, provenance metadata, and readable errors.

Every file is written to a temporary name in its own directory and renamed
into place, so a reader never sees a half-written file.
"""

from __future__ import annotations

import glob
import json
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

if TYPE_CHECKING:  # pandas is imported only by jobs that use it
    import pandas as pd

__all__ = [
    "ShardError",
    "arrow_column",
    "atomic_path",
    "log_to",
    "read_metadata",
    "read_shard",
    "stack_by_network",
    "write_json",
    "write_table",
]

_META_KEY = b"reludeath"


class ShardError(RuntimeError):
    """A shard file is missing, truncated or not a reludeath shard."""


def arrow_column(values: np.ndarray) -> pa.Array:
    """A 1-D numpy array of numbers or booleans as an Arrow array, built from its buffer.

    Same result as ``pa.array(values)``, which imports pandas (about 0.5 s) to check whether
    its argument is a pandas object; shard jobs have no other use for pandas.
    """
    values = np.ascontiguousarray(values)
    if values.dtype == np.bool_:
        bits = np.packbits(values, bitorder="little")
        return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])
    kind = pa.from_numpy_dtype(values.dtype)
    return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(values)])


def constant_label(label: str, length: int) -> pa.DictionaryArray:
    """`length` copies of one string, dictionary-encoded (int8 indices), without pandas."""
    encoded = label.encode()
    offsets = np.array([0, len(encoded)], np.int32)
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(encoded)]
    dictionary = pa.Array.from_buffers(pa.string(), 1, buffers)
    return pa.DictionaryArray.from_arrays(arrow_column(np.zeros(length, np.int8)), dictionary)


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` on success.

    Temporary files of an earlier write of `path` that was killed are removed first: one job
    writes a given output at a time, so they can only be leftovers.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def log_to(path: str | os.PathLike) -> None:
    """Send this process's logging (INFO and up, timestamped) to `path`: a rule's log file."""
    logging.basicConfig(filename=path, level=logging.INFO, format="%(asctime)s %(message)s")


def write_table(table: pa.Table | pd.DataFrame, path: str | os.PathLike, metadata: dict) -> None:
    """Write a table to Parquet atomically, with `metadata` stored as JSON under 'reludeath'."""
    if not isinstance(table, pa.Table):  # a pandas DataFrame
        table = pa.Table.from_pandas(table, preserve_index=False)
    existing = table.schema.metadata or {}
    table = table.replace_schema_metadata({**existing, _META_KEY: json.dumps(metadata).encode()})
    # Float columns (moments, spreads) are noise to a dictionary: byte-stream-split them instead
    # (0.3.2, default shard at n = 15: 108 -> 38 ms, 1.91 -> 1.32 MB; the values read back
    # identical).
    floats = [f.name for f in table.schema if pa.types.is_floating(f.type)]
    others = [name for name in table.column_names if name not in floats]
    with atomic_path(path) as tmp:
        pq.write_table(
            table,
            tmp,
            compression="zstd",
            use_dictionary=others,
            column_encoding=dict.fromkeys(floats, "BYTE_STREAM_SPLIT"),
        )


def read_metadata(path: str | os.PathLike) -> dict:
    """The 'reludeath' metadata of a Parquet file written by write_table."""
    raw = pq.read_schema(path).metadata or {}
    return json.loads(raw.get(_META_KEY, b"{}"))


def read_shard(path: str | os.PathLike, columns: list[str] | None = None) -> tuple[pa.Table, dict]:
    """Read a shard and its metadata; a damaged file raises ShardError saying how to redo it."""
    try:
        table = pq.read_table(path, columns=columns)
        metadata = read_metadata(path)
    except (OSError, pa.ArrowException) as error:
        raise ShardError(
            f"shard {path} is unreadable ({error}). Delete it and run snakemake again to "
            f"regenerate it: rm '{path}'"
        ) from error
    if "spec" not in metadata:
        raise ShardError(f"shard {path} has no reludeath metadata. Delete it and run again.")
    expected = metadata["spec"]["networks"] * metadata["spec"]["depth"]
    if table.num_rows != expected:
        raise ShardError(
            f"shard {path} holds {table.num_rows} rows, expected {expected}. "
            f"Delete it and run snakemake again to regenerate it: rm '{path}'"
        )
    return table, metadata


def stack_by_network(parts: Iterable[tuple]) -> tuple[np.ndarray, ...]:
    """Per-network arrays of one (scheme, n) from its shards' (first network, array, ...) tuples
    in any order: each array stacked along its first axis in network order."""
    ordered = sorted(parts, key=lambda part: part[0])
    return tuple(np.vstack([part[i] for part in ordered]) for i in range(1, len(ordered[0])))


def write_json(data: dict, path: str | os.PathLike) -> None:
    """Write JSON atomically, indented and with sorted keys (stable diffs)."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True, allow_nan=False) + "\n")


# A job's own CPU time, the last line its script logs: "process cpu_s=<seconds>".
_CPU_RECORD = "process cpu_s="


def cpu_record() -> str:
    """The line a job logs last: its process's CPU seconds so far (user + system, all threads,
    imports included), which Snakemake's benchmark samples only every 0.5 s."""
    import time

    return f"{_CPU_RECORD}{time.process_time():.3f}"


def read_cpu_record(path: str | os.PathLike) -> float | None:
    """The CPU seconds a job logged with ``cpu_record``, or None (no log, or no record)."""
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return None
    found = [line.split(_CPU_RECORD, 1)[1] for line in lines if _CPU_RECORD in line]
    return float(found[-1]) if found else None
