"""The on-disk cache of generated kernel code: where it lives, and concurrent writers."""

import ast
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from reludeath import kernelgen


def test_cache_dir_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("RELUDEATH_KERNEL_CACHE", str(tmp_path / "k"))
    assert kernelgen.cache_dir() == tmp_path / "k"
    monkeypatch.delenv("RELUDEATH_KERNEL_CACHE")
    assert kernelgen.cache_dir().name == "reludeath"


@pytest.mark.parametrize("n", [None, 5, 16])
@pytest.mark.parametrize("kind", kernelgen.VARIANTS)
def test_generated_source_is_python_with_one_pass(n, kind):
    tree = ast.parse(kernelgen.source(n, kind))
    names = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert names == {"layer_pass"}
    others = set(kernelgen.VARIANTS) - {kind}
    assert all(kernelgen.source(n, other) != kernelgen.source(n, kind) for other in others)


def test_concurrent_writers_leave_one_complete_file(tmp_path):
    path = tmp_path / "cache" / "layer.py"
    text = kernelgen.source(7, "fused")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: kernelgen._write_once(path, text), range(32)))
    assert path.read_text() == text
    assert sorted(os.listdir(path.parent)) == ["layer.py"]  # no temporary left behind
    stamp = path.stat().st_mtime_ns
    kernelgen._write_once(path, text)
    assert path.stat().st_mtime_ns == stamp  # never rewritten (numba keys its cache on it)
