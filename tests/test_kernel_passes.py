"""The generated layer passes against numpy, their on-disk cache, and the driver's memory layout."""

import os
from concurrent.futures import ThreadPoolExecutor

import llvmlite.binding as llvm
import numpy as np
import pytest
from kernel_calls import call_pass

from reludeath import compiler
from reludeath.kernel import build, layout, passes
from reludeath.kernel.contract import pass_symbol


def test_cache_dir_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("RELUDEATH_KERNEL_CACHE", str(tmp_path / "k"))
    assert compiler.cache_dir() == tmp_path / "k"
    monkeypatch.delenv("RELUDEATH_KERNEL_CACHE")
    assert compiler.cache_dir().name == "reludeath"


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kind", passes.VARIANTS)
@pytest.mark.parametrize("n", [1, 7, 16, 40])
def test_generated_source_is_valid_ir(n, kind, dtype):
    module = llvm.parse_assembly(passes.source(n, kind, dtype))
    module.verify()
    assert [f.name for f in module.functions if not f.is_declaration] == [pass_symbol(kind)]


def test_source_rejects_unknown_kind_and_dtype():
    with pytest.raises(ValueError, match="kind must be one of"):
        passes.source(4, "fast")
    with pytest.raises(ValueError, match="dtype must be one of"):
        passes.source(4, "fused", "float16")


@pytest.mark.parametrize("n", [1, 2, 8, 9, 15, 17])
def test_blocks_cover_every_row_once(n):
    rows = [i for block in passes.blocks(n) for i in block]
    assert rows == list(range(n))
    assert max(len(block) for block in passes.blocks(n)) <= passes.MAX_BLOCK


@pytest.mark.parametrize("name", ["fused", "biased", "activate", "standardize", "signflip"])
def test_every_blocking_gives_the_same_bits(name):
    """The rows' blocking (build.row_block: 6 with AVX-512, 3 without) changes no output bit:
    each row's operations and their order do not depend on it."""
    kind = passes.KINDS[name]
    n, cols = 13, 37  # blocks of 1..6 rows, a partial last vector
    rng = np.random.default_rng(13)
    w = rng.standard_normal(n if kind.affine else (n, n)).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    h = rng.standard_normal((n, cols)).astype(np.float32)
    reference = call_pass(name, w, b, h, pitch=48, block=passes.MAX_BLOCK)
    for block in range(1, passes.MAX_BLOCK):
        for got, want in zip(
            call_pass(name, w, b, h, pitch=48, block=block), reference, strict=True
        ):
            assert got.tobytes() == want.tobytes(), f"block {block} changed an output"


def test_row_block_follows_the_target():
    assert build.row_block("x86-64-v3", "") == passes.NARROW_BLOCK
    assert build.row_block("sapphirerapids", "") == passes.MAX_BLOCK
    assert build.row_block("znver4", "") == passes.MAX_BLOCK
    assert build.row_block("znver3", "+avx2,-avx512f") == passes.NARROW_BLOCK
    assert build.row_block("znver4", "+avx2,+avx512f") == passes.MAX_BLOCK
    with pytest.raises(ValueError, match="block must be in"):
        passes.source(4, "fused", "float32", 0)


def _expected(name, w, b, h):
    """(z, out) of a pass, in float64."""
    kind = passes.KINDS[name]
    h64 = h.astype(np.float64)
    if kind.affine:
        z = h64 * w.astype(np.float64)[:, None] + b.astype(np.float64)[:, None]
    else:
        z = w.astype(np.float64) @ h64 + (b.astype(np.float64)[:, None] if kind.bias else 0)
    return z, (np.maximum(z, 0) if kind.store_relu else z)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", passes.VARIANTS)
@pytest.mark.parametrize(
    "n, cols, pitch",
    [(1, 1, 1), (3, 17, 20), (5, 16, 16), (8, 33, 48), (15, 100, 1040), (20, 7, 9)],
)
def test_pass_matches_numpy(n, cols, pitch, name, dtype):
    """Every output of every pass, at widths with one and several row blocks and point counts
    with and without a partial last vector, rows `pitch` apart (past-the-end lanes unwritten)."""
    kind = passes.KINDS[name]
    rng = np.random.default_rng(n * 1000 + cols)
    w = rng.standard_normal(n if kind.affine else (n, n)).astype(dtype)
    b = rng.standard_normal(n).astype(dtype)
    h = rng.standard_normal((n, cols)).astype(dtype)
    amask = np.ones(cols, dtype)  # the passes run where every point is alive, or none counts
    out, hit, shifted, positive, amask_after = call_pass(name, w, b, h, amask, pitch)
    _, expected = _expected(name, w, b, h)
    rtol = 1e-4 if dtype == "float32" else 1e-12
    scale = (np.abs(w).sum(axis=-1).max() + 1) * (np.abs(h).max() + np.abs(b).max())
    np.testing.assert_allclose(out, expected, rtol=rtol, atol=rtol * scale)
    tol = rtol * scale * cols
    if kind.sums:  # the shift is the first point's value bit for bit
        np.testing.assert_array_equal(shifted[:, 0], out[:, 0])
        d = out.astype(np.float64) - out[:, :1]
        np.testing.assert_allclose(shifted[:, 1], d.sum(1), rtol=rtol, atol=tol)
        np.testing.assert_allclose(shifted[:, 2], (d * d).sum(1), rtol=rtol, atol=tol * scale)
    if kind.count:
        np.testing.assert_array_equal(positive[:n], (out > 0).sum(1))
    if kind.hit:
        survives = (out > 0).any(axis=0)
        np.testing.assert_array_equal(hit, survives)
        assert positive[n] == survives.sum()
        np.testing.assert_array_equal(amask_after, survives if kind.update_alive else amask)
    else:  # the dead points' passes count nothing
        np.testing.assert_array_equal(amask_after, amask)
        assert np.all(np.isnan(hit))
    if not kind.count and not kind.hit:
        assert np.all(positive == -1)


def test_constant_rows_have_zero_spread():
    """Rows constant over the points (a dead row, a row with only a bias) have shifted sums of
    exactly zero: what makes a collapsed layer's variance exactly 0."""
    n, cols = 6, 50
    w = np.zeros((n, n), np.float32)
    w[3] = np.linspace(-1, 1, n)
    b = np.full(n, 0.7, np.float32)
    h = np.random.default_rng(1).random((n, cols)).astype(np.float32)
    for kind in ("fused", "biased", "biased_dead", "standardize"):
        _, _, shifted, *_ = call_pass(kind, w, b, h)
        constant = [i for i in range(n) if i != 3]
        assert np.all(shifted[constant, 1:3] == 0)


def test_compiled_code_is_cached_on_disk(monkeypatch, tmp_path):
    monkeypatch.setenv("RELUDEATH_KERNEL_CACHE", str(tmp_path))
    build.layer_pass.cache_clear()
    try:
        build.layer_pass(3, "fused", "float64")
        (path,) = tmp_path.glob("layer_n3_fused_float64_*.o")
        stamp = path.stat().st_mtime_ns
        build.layer_pass.cache_clear()
        build.layer_pass(3, "fused", "float64")  # loaded from the file, not rewritten
        assert path.stat().st_mtime_ns == stamp
        h = np.arange(6.0).reshape(3, 2)
        out, *_ = call_pass("fused", np.eye(3), np.zeros(3), h)
        np.testing.assert_array_equal(out, h)
    finally:
        build.layer_pass.cache_clear()


def test_cached_code_is_loaded_without_its_ir(monkeypatch, tmp_path):
    """A cache hit loads the object as it is: the IR is not parsed (linked) again."""
    monkeypatch.setenv("RELUDEATH_KERNEL_CACHE", str(tmp_path))
    build.layer_pass.cache_clear()
    try:
        build.layer_pass(3, "fused", "float64")
        build.layer_pass.cache_clear()

        def no_parsing(_parts):
            raise AssertionError("a cached module was parsed again")

        monkeypatch.setattr(compiler, "linked", no_parsing)
        build.layer_pass(3, "fused", "float64")
        h = np.arange(6.0).reshape(3, 2)
        out, *_ = call_pass("fused", np.eye(3), np.zeros(3), h)
        np.testing.assert_array_equal(out, h)
    finally:
        build.layer_pass.cache_clear()


@pytest.mark.parametrize("damage", ["truncated", "garbage", "flipped"])
def test_damaged_cache_file_is_compiled_again(monkeypatch, tmp_path, damage):
    """A damaged cached object (LLVM aborts or crashes on one) is never loaded: it is compiled
    again and the file rewritten whole, with its digest."""
    monkeypatch.setenv("RELUDEATH_KERNEL_CACHE", str(tmp_path))
    build.layer_pass.cache_clear()
    try:
        build.layer_pass(3, "fused", "float64")
        (path,) = tmp_path.glob("layer_n3_fused_float64_*.o")
        good = path.read_bytes()
        bad = {
            "truncated": good[: len(good) // 2],
            "garbage": os.urandom(len(good)),
            "flipped": good[:100] + bytes([good[100] ^ 1]) + good[101:],
        }[damage]
        path.write_bytes(bad)
        build.layer_pass.cache_clear()
        build.layer_pass(3, "fused", "float64")
        h = np.arange(6.0).reshape(3, 2)
        out, *_ = call_pass("fused", np.eye(3), np.zeros(3), h)
        np.testing.assert_array_equal(out, h)
        assert path.read_bytes() == good
    finally:
        build.layer_pass.cache_clear()


def test_concurrent_writers_leave_one_complete_file(tmp_path):
    path = tmp_path / "cache" / "layer.o"
    data = os.urandom(100_000)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: compiler._write_once(path, data), range(32)))
    assert path.read_bytes() == data
    assert sorted(os.listdir(path.parent)) == ["layer.o"]  # no temporary left behind
    stamp = path.stat().st_mtime_ns
    compiler._write_once(path, data)
    assert path.stat().st_mtime_ns == stamp  # never rewritten


@pytest.mark.parametrize("itemsize", [4, 8])
@pytest.mark.parametrize("n, total", [(1, 1), (15, 1024), (16, 4096), (7, 1000), (64, 333)])
def test_layout_avoids_4k_aliasing(n, total, itemsize):
    """Rows 64 bytes apart modulo 4096, buffers at 0, 2048 and 1024 bytes modulo 4096, none
    overlapping: no load of a pass shares its low 12 address bits with one of its stores."""
    pitch, second, z_at, size = layout(n, total, itemsize)
    assert pitch >= total and (pitch * itemsize) % 4096 == 64
    assert second >= n * pitch and z_at >= second + n * pitch and size == z_at + n * pitch
    assert [(offset * itemsize) % 4096 for offset in (0, second, z_at)] == [0, 2048, 1024]


@pytest.mark.parametrize("cpu", ["x86-64", "x86-64-v3"])
def test_passes_for_narrower_processors(monkeypatch, tmp_path, cpu):
    """Compiled for SSE2 only or for AVX2 (no AVX-512), as on other machines of a cluster, the
    16-lane vectors are split by the compiler and the results stay those of numpy."""
    import platform

    if platform.machine() not in ("x86_64", "AMD64"):
        pytest.skip("x86 processors only")
    monkeypatch.setenv("RELUDEATH_KERNEL_CPU", cpu)
    monkeypatch.setenv("RELUDEATH_KERNEL_CACHE", str(tmp_path))
    build.layer_pass.cache_clear()
    try:
        rng = np.random.default_rng(3)
        n, cols = 9, 37
        w = rng.standard_normal((n, n)).astype(np.float32)
        b = rng.standard_normal(n).astype(np.float32)
        h = rng.standard_normal((n, cols)).astype(np.float32)
        out, hit, _, positive, _ = call_pass("biased", w, b, h, None, 48)
        _, expected = _expected("biased", w, b, h)
        np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)
        np.testing.assert_array_equal(hit, (expected > 0).any(axis=0))
        np.testing.assert_array_equal(positive[:n], (expected > 0).sum(1))
        assert list(tmp_path.glob("layer_n9_biased_float32_*.o"))
    finally:
        build.layer_pass.cache_clear()
