"""Atomic writes and damaged-shard errors."""

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
