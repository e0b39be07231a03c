"""Atomic writes and damaged-shard errors."""

import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest

from reludeath import ShardSpec, simulate_shard
from reludeath.io import ShardError, atomic_path, read_shard, write_table


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_temporary_left_by_a_killed_write_is_removed_on_the_next(tmp_path):
    target = tmp_path / "rep0.parquet"
    stale = tmp_path / ".rep0.parquet.abc123.tmp"
    other = tmp_path / ".rep1.parquet.abc123.tmp"  # another output's: not touched
    stale.write_text("half")
    other.write_text("half")
    with atomic_path(target) as tmp:
        tmp.write_text("whole")
    assert target.read_text() == "whole"
    assert not stale.exists() and other.exists()


def test_truncated_shard_is_named_with_the_fix(tmp_path):
    path = tmp_path / "rep0.parquet"
    spec = ShardSpec("iid", 2, 5, networks=4, data_points=8, seed=1)
    write_table(simulate_shard(spec), path, {"spec": {"networks": 4, "depth": 5}})
    read_shard(path)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(ShardError, match=rf"shard {path} is unreadable.*rm '{path}'"):
        read_shard(path)


@pytest.mark.parametrize(
    "values",
    [np.arange(7, dtype=np.int64), np.linspace(0, 1, 9), np.array([True, False] * 5 + [True]),
     np.zeros(0, np.int32), np.arange(3, dtype=np.int16)],
)  # fmt: skip
def test_arrow_column_equals_pyarrow_array(values):
    from reludeath.io import arrow_column

    assert arrow_column(values).equals(pa.array(values))


def test_constant_label_equals_dictionary_encoding():
    from reludeath.io import constant_label

    expected = (
        pa.array(["iid_bias"] * 4).dictionary_encode().cast(pa.dictionary(pa.int8(), pa.string()))
    )
    assert constant_label("iid_bias", 4).equals(expected)


def test_a_shard_job_never_imports_pandas(tmp_path):
    """pyarrow's pa.array imports pandas to recognise pandas objects, about 0.5 s of every job."""
    job = f"""
import sys
from reludeath import ShardSpec, simulate_shard
from reludeath.io import write_table
spec = ShardSpec("iid", 3, 8, 4, 16, seed=0)
write_table(simulate_shard(spec), {str(tmp_path / "s.parquet")!r}, {{"spec": spec.as_metadata()}})
print("pandas" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", job], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_float_columns_round_trip_bit_for_bit(tmp_path):
    """write_table stores float columns byte-stream-split, without a dictionary: the values
    read back are the same bits, NaN, infinities and signed zeros included."""
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    values = rng.standard_normal(1000)
    values[:5] = [np.nan, np.inf, -np.inf, -0.0, 5e-324]
    table = pa.table(
        {"x": values, "y": values.astype(np.float32), "k": np.arange(1000, dtype=np.int32)}
    )
    path = tmp_path / "t.parquet"
    write_table(table, path, {"spec": {}})
    back = pq.read_table(path)
    for name in ("x", "y", "k"):
        assert back[name].to_numpy().tobytes() == table[name].to_numpy().tobytes()
    encodings = pq.ParquetFile(path).metadata.row_group(0).column(0).encodings
    assert "BYTE_STREAM_SPLIT" in encodings


def test_stack_by_network_orders_shards_by_their_first_network():
    from reludeath.io import stack_by_network

    late = (4, np.array([[4, 40], [5, 50]]), np.array([[True], [False]]))
    early = (0, np.array([[0, 0], [1, 10], [2, 20], [3, 30]]), np.array([[False]] * 4))
    first, second = stack_by_network([late, early])
    np.testing.assert_array_equal(first[:, 0], np.arange(6))
    assert second.shape == (6, 1) and second[4, 0] and not second[5, 0]
