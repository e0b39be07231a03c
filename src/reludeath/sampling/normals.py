"""Standard-normal float32 numbers from a generator's raw 64-bit words, at about a tenth of
numpy's sampler's cost (docs/kernel.md, "Drawing").

Box-Muller on one 64-bit word w gives two normals. Its high 32 bits a give the radius,
u = a 2^-32 + 2^-33 in (0, 1] and r = sqrt(-2 ln u), Rayleigh up to 6.8 (P(|Z| > 6.8) ~ 1e-11).
Its low 32 bits b give the angle: y = (b mod 2^29) 2^-29 pi/4 is uniform on [0, pi/4), and
b's top three bits pick one of the eight symmetries of the square, (c, s) -> (s, c) (bit 29)
and the signs of the first (bit 30) and the second (bit 31) coordinate, which carry the
sector [0, pi/4) onto each of the circle's eight octants, so the angle is uniform on the
circle. Normal 2i is r A and normal 2i + 1 is r B, with (A, B) that image of
(cos y, sin y): number j of a stream depends on word j // 2 alone, so a longer draw extends a
shorter one (prefix property) and the numbers follow the generator, whose key is what the
thing is (``seeds``).

ln, sin and cos are Cephes' single-precision polynomials (ln on [sqrt(1/2), sqrt(2)) after
taking out the exponent; sin and cos on [0, pi/4]), about 1 ulp; everything is IEEE float32
arithmetic in the order written (no fused multiply-adds, no library call), compiled as vector
IR by the kernel's builder, so the numbers are the same bit for bit on every x86-64 CPU and
with every numpy (the words are numpy's PCG64 stream, which numpy keeps stable).
"""

from __future__ import annotations

import ctypes
import math
import struct
from functools import cache

import numpy as np

from reludeath import compiler
from reludeath.sampling import pcg

__all__ = [
    "DRAWS",
    "STREAM_SYMBOL",
    "SYMBOL",
    "WORDS_PER_BLOCK",
    "source",
    "standard_normal",
    "stream_source",
    "transform",
]

# Names the numbers this module draws for a given generator: change it whenever they change
# (simulate.SHARD_FORMAT hashes it, so the workflow reruns shards drawn otherwise).
DRAWS = "box-muller-raw-words-1"
SYMBOL = "reludeath_normals"
STREAM_SYMBOL = "reludeath_stream_normals"
WORDS_PER_BLOCK = 16  # one vector of words: 32 normals per block
_LANES = WORDS_PER_BLOCK

# Cephes logf (x = m - 1, m in [sqrt(1/2), sqrt(2))), highest degree first.
_LOG = (
    7.0376836292e-2,
    -1.1514610310e-1,
    1.1676998740e-1,
    -1.2420140846e-1,
    1.4249322787e-1,
    -1.6668057665e-1,
    2.0000714765e-1,
    -2.4999993993e-1,
    3.3333331174e-1,
)
_LN2_LO, _LN2_HI = -2.12194440e-4, 0.693359375
# Cephes sinf / cosf on [0, pi/4], in z = y^2, highest degree first.
_SIN = (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1)
_COS = (2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2)


def _f(value: float) -> str:
    """A float32 constant as LLVM writes it (the double of the float32's value, in hex)."""
    exact = float(np.float32(value))
    return f"0x{struct.unpack('<Q', struct.pack('<d', exact))[0]:016X}"


class _Vec(pcg.Ssa):
    """SSA text for <16 x T> operations with fresh names (prefixed, for two copies)."""

    @staticmethod
    def splat(scalar_type: str, value: str) -> str:
        return "<" + ", ".join([f"{scalar_type} {value}"] * _LANES) + ">"

    def f(self, op: str, a: str, b: str) -> str:
        return self.op(f"{op} <{_LANES} x float> {a}, {b}")

    def fc(self, op: str, a: str, c: float) -> str:
        return self.f(op, a, self.splat("float", _f(c)))

    def i(self, op: str, a: str, b: str | int) -> str:
        if isinstance(b, int):
            b = self.splat("i32", str(b))
        return self.op(f"{op} <{_LANES} x i32> {a}, {b}")

    def horner(self, x: str, coefficients: tuple[float, ...]) -> str:
        acc = self.splat("float", _f(coefficients[0]))
        for c in coefficients[1:]:
            acc = self.fc("fadd", self.f("fmul", acc, x), c)
        return acc


def _transform(v: _Vec, w: str) -> str:
    """The 32 normals (<32 x float>, interleaved pairs) of the 16 words `w` (<16 x i64>)."""
    vf, vi = f"<{_LANES} x float>", f"<{_LANES} x i32>"
    shifted = v.op(f"lshr <{_LANES} x i64> {w}, {v.splat('i64', '32')}")
    hi = v.op(f"trunc <{_LANES} x i64> {shifted} to {vi}")
    lo = v.op(f"trunc <{_LANES} x i64> {w} to {vi}")
    # Radius: u = a 2^-32 + 2^-33, ln u = e ln 2 + ln m with m in [sqrt(1/2), sqrt(2)).
    u = v.fc("fadd", v.fc("fmul", v.op(f"uitofp {vi} {hi} to {vf}"), 2.0**-32), 2.0**-33)
    bits = v.op(f"bitcast {vf} {u} to {vi}")
    e0 = v.i("sub", v.i("lshr", bits, 23), 127)
    m0 = v.op(f"bitcast {vi} {v.i('or', v.i('and', bits, 0x7FFFFF), 0x3F800000)} to {vf}")
    big = v.op(f"fcmp ogt {vf} {m0}, {v.splat('float', _f(math.sqrt(2)))}")
    m = v.op(f"select <{_LANES} x i1> {big}, {vf} {v.fc('fmul', m0, 0.5)}, {vf} {m0}")
    e = v.op(f"select <{_LANES} x i1> {big}, {vi} {v.i('add', e0, 1)}, {vi} {e0}")
    x = v.fc("fsub", m, 1.0)
    z = v.f("fmul", x, x)
    y = v.f("fmul", v.f("fmul", v.horner(x, _LOG), x), z)
    fe = v.op(f"sitofp {vi} {e} to {vf}")
    y = v.f("fadd", y, v.fc("fmul", fe, _LN2_LO))
    y = v.f("fadd", y, v.fc("fmul", z, -0.5))
    ln_u = v.f("fadd", v.f("fadd", x, y), v.fc("fmul", fe, _LN2_HI))
    t = v.fc("fmul", ln_u, -2.0)
    t = v.op(f"select <{_LANES} x i1> {v.op(f'fcmp olt {vf} {t}, zeroinitializer')}, "
             f"{vf} zeroinitializer, {vf} {t}")  # fmt: skip
    r = v.op(f"call {vf} @llvm.sqrt.v{_LANES}f32({vf} {t})")
    # Angle: y uniform on [0, pi/4), then one of the square's eight symmetries.
    frac = v.op(f"uitofp {vi} {v.i('and', lo, 0x1FFFFFFF)} to {vf}")
    a = v.fc("fmul", frac, math.pi / 4 * 2.0**-29)
    z = v.f("fmul", a, a)
    sin = v.f("fadd", v.f("fmul", v.f("fmul", v.horner(z, _SIN), z), a), a)
    cos = v.fc("fadd", v.f("fadd", v.f("fmul", v.f("fmul", v.horner(z, _COS), z), z),
                           v.fc("fmul", z, -0.5)), 1.0)  # fmt: skip
    swap = v.op(f"icmp ne {vi} {v.i('and', lo, 0x20000000)}, zeroinitializer")
    first = v.op(f"select <{_LANES} x i1> {swap}, {vf} {sin}, {vf} {cos}")
    second = v.op(f"select <{_LANES} x i1> {swap}, {vf} {cos}, {vf} {sin}")
    outs = []
    for value, sign in ((first, v.i("shl", v.i("and", lo, 0x40000000), 1)),
                        (second, v.i("and", lo, 0x80000000))):  # fmt: skip
        scaled = v.op(f"bitcast {vf} {v.f('fmul', r, value)} to {vi}")
        outs.append(v.op(f"bitcast {vi} {v.i('xor', scaled, sign)} to {vf}"))
    mask = ", ".join(f"i32 {k}, i32 {k + _LANES}" for k in range(_LANES))
    return v.op(f"shufflevector {vf} {outs[0]}, {vf} {outs[1]}, <{2 * _LANES} x i32> <{mask}>")


def source() -> str:
    """The IR of ``void reludeath_normals(ptr words, ptr out, i64 count)``: out[0:count] = the
    first `count` normals of words[0:ceil(count / 2)] (the module docstring's transform), 32 a
    block, the last block with masked loads and stores."""
    wv, of = f"<{_LANES} x i64>", f"<{2 * _LANES} x float>"
    body = _Vec("a")
    full = _transform(body, body.op(f"load {wv}, ptr %pw, align 8"))
    last = _Vec("z")
    left = last.op("lshr i64 %restp1, 1")
    loaded = last.op(
        f"call {wv} @llvm.masked.load.v{_LANES}i64.p0(ptr %tw, i32 8, "
        f"<{_LANES} x i1> {pcg.lanes_below(last, _LANES, left)}, {wv} zeroinitializer)"
    )
    tail = _transform(last, loaded)
    store_mask = pcg.lanes_below(last, 2 * _LANES, "%rest")
    masked_store = (
        f"call void @llvm.masked.store.v{2 * _LANES}f32.p0({of} {tail}, ptr %to, i32 4, "
        f"<{2 * _LANES} x i1> {store_mask})"
    )
    nl = "\n"
    return f"""
declare <{_LANES} x float> @llvm.sqrt.v{_LANES}f32(<{_LANES} x float>)
declare {wv} @llvm.masked.load.v{_LANES}i64.p0(ptr, i32, <{_LANES} x i1>, {wv})
declare void @llvm.masked.store.v{2 * _LANES}f32.p0({of}, ptr, i32, <{2 * _LANES} x i1>)

define void @{SYMBOL}(ptr noalias %words, ptr noalias %out, i64 %count) {{
entry:
  %blocks = udiv i64 %count, {2 * _LANES}
  %rest = urem i64 %count, {2 * _LANES}
  %none = icmp eq i64 %blocks, 0
  br i1 %none, label %tail, label %loop
loop:
  %b = phi i64 [0, %entry], [%next, %loop]
  %wi = mul i64 %b, {_LANES}
  %pw = getelementptr inbounds i64, ptr %words, i64 %wi
{nl.join(body.lines)}
  %oi = mul i64 %b, {2 * _LANES}
  %po = getelementptr inbounds float, ptr %out, i64 %oi
  store {of} {full}, ptr %po, align 4
  %next = add i64 %b, 1
  %done = icmp eq i64 %next, %blocks
  br i1 %done, label %tail, label %loop
tail:
  %some = icmp ne i64 %rest, 0
  br i1 %some, label %last, label %exit
last:
  %restp1 = add i64 %rest, 1
  %twi = mul i64 %blocks, {_LANES}
  %tw = getelementptr inbounds i64, ptr %words, i64 %twi
{nl.join(last.lines)}
  %toi = mul i64 %blocks, {2 * _LANES}
  %to = getelementptr inbounds float, ptr %out, i64 %toi
  {masked_store}
  br label %exit
exit:
  ret void
}}
"""


def stream_source() -> str:
    """The IR of ``void reludeath_stream_normals(ptr state, ptr out, i64 count)``: out[0:count]
    = the normals of the stream's next ceil(count / 2) words (``pcg.stream_source``), the state
    advanced past them: the same numbers as ``transform`` of those words."""
    vf = f"<{2 * _LANES} x float>"

    def full(words: str, ptr: str) -> list[str]:
        v = _Vec("a")
        normals = _transform(v, words)
        return [*v.lines, f"  store {vf} {normals}, ptr {ptr}, align 4"]

    def tail(words: str, ptr: str) -> list[str]:
        v = _Vec("z")
        normals = _transform(v, words)
        mask = pcg.lanes_below(v, 2 * _LANES, "%rest")
        return [*v.lines, f"  call void @llvm.masked.store.v{2 * _LANES}f32.p0({vf} {normals}, "
                f"ptr {ptr}, i32 4, <{2 * _LANES} x i1> {mask})"]  # fmt: skip

    declarations = (
        f"declare <{_LANES} x float> @llvm.sqrt.v{_LANES}f32(<{_LANES} x float>)\n"
        f"declare void @llvm.masked.store.v{2 * _LANES}f32.p0({vf}, ptr, i32, "
        f"<{2 * _LANES} x i1>)"
    )
    return pcg.stream_source(STREAM_SYMBOL, "float", 2, full, tail, declarations)


@cache
def _function() -> ctypes._CFuncPtr:
    return compiler.compiled_function([source()], "normals", SYMBOL, pcg.FILL)


@cache
def _stream_function() -> ctypes._CFuncPtr:
    return compiler.compiled_function([stream_source()], "stream_normals", STREAM_SYMBOL, pcg.FILL)


def transform(words: np.ndarray, count: int | None = None) -> np.ndarray:
    """The first `count` (default 2 * len(words)) normals of uint64 `words`, float32."""
    words = np.ascontiguousarray(words, np.uint64)
    count = 2 * words.size if count is None else count
    if not 0 <= count <= 2 * words.size:
        raise ValueError(f"count must be in 0..{2 * words.size}, got {count}")
    out = np.empty(count, np.float32)
    if count:
        _function()(words.ctypes.data, out.ctypes.data, count)
    return out


def standard_normal(
    source: pcg.Source,
    shape: int | tuple[int, ...],
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Standard-normal float32 numbers of `shape`, from the next ceil(size / 2) raw words of
    `source` (module docstring): a ``pcg.Stream`` (words made in the compiled loop), a numpy
    Generator on PCG64 (its ``random_raw`` words), the same numbers for the same stream, or a
    ``pcg.Streams`` batch of T streams (shape (T, *shape), row t from stream t). Drawn into
    `out` when it is a C-contiguous float32 array of the whole shape."""
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    count = math.prod(shape)
    shape = pcg.batch_shape(source) + shape
    direct = (
        out is not None
        and out.dtype == np.float32
        and out.shape == shape
        and out.flags.c_contiguous
    )
    target = out if direct else np.empty(shape, np.float32)
    if isinstance(source, (pcg.Stream, pcg.Streams)):
        if count:
            function = _stream_function()
            rows = target.reshape(-1, count)
            if isinstance(source, pcg.Stream):
                function(source.live_state().ctypes.data, rows.ctypes.data, count)
            else:
                states = source.live_states()
                base, stride = states.ctypes.data, states.strides[0]
                for t in range(len(source)):
                    function(base + t * stride, rows[t].ctypes.data, count)
    else:
        words = source.bit_generator.random_raw((count + 1) // 2)
        if count:
            _function()(words.ctypes.data, target.ctypes.data, count)
    if out is not None and not direct:
        out[...] = target
        return out
    return target
