"""Per-width layer passes, written as LLVM IR for one width and dtype.

The layer product z = W h (+ b) of a width-n network is n*n multiply-adds per point. At these
sizes a BLAS call per layer is slow (its set-up costs more than the product), and compiled loops
leave vector width, unrolling and register use to the compiler's cost model, which here spills
most registers. So each pass is written directly as IR with explicit vectors of V points (16
float32 or 8 float64: one AVX-512 register; narrower machines split them): output rows are
computed in blocks of at most 6 (4 for the activate passes) with two interleaved multiply-add
chains each, emitted input by input across the block (x_j of V points is loaded once for the
block's rows, every weight w_ij is broadcast from memory into the multiply-add that uses it),
and the ReLU, the survival flags, the shifted moments and the counts behind ``split`` are
computed in the same pass. The last,
partial vector of points runs the same code with masked loads and stores. Arithmetic is exact
IEEE in the order written (no reassociation), but the final sum of each accumulator's lanes.

Every pass has one C signature (``contract.PASS_ARGUMENTS``)::

    void pass_<kind>(T *w, T *b, T *h, T *out, T *amask, T *hit, T *shifted,
                     int64 *positive, int64 cols, int64 pitch)

with rows of h and out `pitch` elements apart, and computes what its ``_Kind`` says (``KINDS``):

- ``fused`` (zero bias, compacted runs): out = relu(W h); hit[m] = 1 if some out[i, m] > 0, else
  0; shifted[i, 0:3] = (c_i, sum_m (out_i - c_i), sum_m (out_i - c_i)**2) with c_i = out[i, 0];
  positive[i] = #points with out_i > 0; amask = hit and positive[n] = #survivors;
- ``biased``: the same with out = relu(W h + b) (biased schemes, where dead points are kept: the
  layer loop keeps the living points in the first columns and runs this pass over them);
- ``standardize`` (batch normalization): out = z = W h (+ b), shifted[i, 0:3] its sums;
- ``signflip``: out = z, hit from relu(z), positive[n] = #points that relu(z) keeps;
- ``activate`` follows those two: out = relu(h * w_i + b_i), a per-row affine map of z (sign,
  or standardization), with the outputs of ``biased``;
- ``biased_dead`` and ``activate_dead``, for the columns of dead points: out and
  shifted[i, 0:3] only.

Shifting each row's sums by its value at the first point keeps the variance well conditioned in
float32 and makes it exactly 0 for a constant row: the shift is computed by the same operations,
in the same order, as the vector lanes, so it equals the first point's value bit for bit.
``build`` links the passes of a run (``contract.Plan.passes``) with the layer loop
(``layerloop``) into one module and compiles it.
"""

from __future__ import annotations

from dataclasses import dataclass

from reludeath.kernel.contract import PASS_ARGUMENTS, SUMS, pass_symbol, shifted_at

# Output rows per pass over the points. Each row keeps two multiply-add chains and its sums
# and count in registers across the loop over points: 6 rows fit AVX-512's 32 registers, 8 spill
# (bench/kernel.py efficiency, idle, one process: n = 8 / 15 / 32 / 64: 0.66 / 0.64 / 0.65 /
# 0.68 in blocks of 8, 0.73 / 0.71 / 0.75 / 0.77 in blocks of 6, 0.69 / 0.70 / 0.76 / 0.76 in 5).
MAX_BLOCK = 6
# The same on machines without AVX-512 (16 registers of 8 float32 lanes, each vector of 16 points
# two of them): blocks of 6 spill most of the loop's state; llvm-mca (bench/mca.py, znver3,
# n = 15) gives 484 cycles per 16 points in blocks of 6, 388 in blocks of 3, 403 in 2, 416 in 4.
NARROW_BLOCK = 3
# Rows of the activate passes, which share no inputs: smaller blocks keep their accumulators in
# registers (n = 15, one core: 1.5 us a layer in blocks of 4, 2.4-2.6 in blocks of 8).
MAX_AFFINE_BLOCK = 4
CHAINS = 2  # interleaved multiply-add chains per output row
_TYPES = {"float32": ("float", "f32", 16), "float64": ("double", "f64", 8)}


def blocks(n: int, most: int = MAX_BLOCK) -> list[range]:
    """The output rows computed together in each pass over the points: as equal as possible,
    at most `most` each."""
    count = -(-n // most)
    size = -(-n // count)
    return [range(start, min(start + size, n)) for start in range(0, n, size)]


class _Emitter:
    """Straight-line SSA text for one function, with fresh names."""

    def __init__(self, scalar: str, suffix: str, lanes: int) -> None:
        self.lines: list[str] = []
        self.count = 0
        self.s = scalar
        self.v = f"<{lanes} x {scalar}>"
        self.sfx = suffix
        self.vsfx = f"v{lanes}{suffix}"
        self.lanes = lanes
        self.mask_t = f"<{lanes} x i1>"

    def name(self, hint: str = "t") -> str:
        self.count += 1
        return f"%{hint}{self.count}"

    def op(self, text: str, hint: str = "t") -> str:
        out = self.name(hint)
        self.lines.append(f"  {out} = {text}")
        return out

    def raw(self, text: str) -> None:
        self.lines.append(f"  {text}")

    def label(self, name: str) -> None:
        self.lines.append(f"{name}:")

    # Scalars and vectors of the pass's float type; `vec` selects which.
    def ptr(self, base: str, index: str | int) -> str:
        return self.op(f"getelementptr inbounds {self.s}, ptr {base}, i64 {index}", "p")

    def load_scalar(self, base: str, index: str | int) -> str:
        return self.op(f"load {self.s}, ptr {self.ptr(base, index)}, align 4", "s")

    def splat(self, scalar: str) -> str:
        one = self.op(f"insertelement {self.v} poison, {self.s} {scalar}, i64 0", "i")
        return self.op(
            f"shufflevector {self.v} {one}, {self.v} poison, <{self.lanes} x i32> zeroinitializer",
            "b",
        )

    def load(self, base: str, index: str, mask: str | None) -> str:
        p = self.ptr(base, index)
        if mask is None:
            return self.op(f"load {self.v}, ptr {p}, align 4", "x")
        return self.op(
            f"call {self.v} @llvm.masked.load.{self.vsfx}.p0(ptr {p}, i32 4, "
            f"{self.mask_t} {mask}, {self.v} zeroinitializer)",
            "x",
        )

    def store(self, value: str, base: str, index: str, mask: str | None) -> None:
        p = self.ptr(base, index)
        if mask is None:
            self.raw(f"store {self.v} {value}, ptr {p}, align 4")
        else:
            self.raw(
                f"call void @llvm.masked.store.{self.vsfx}.p0({self.v} {value}, ptr {p}, "
                f"i32 4, {self.mask_t} {mask})"
            )

    def fma(self, a: str, b: str, c: str, vec: bool = True) -> str:
        t, sfx = (self.v, self.vsfx) if vec else (self.s, self.sfx)
        return self.op(f"call {t} @llvm.fma.{sfx}({t} {a}, {t} {b}, {t} {c})", "f")

    def arith(self, op: str, a: str, b: str, vec: bool = True) -> str:
        return self.op(f"{op} {self.v if vec else self.s} {a}, {b}", "a")

    def relu(self, z: str, vec: bool = True) -> tuple[str, str]:
        """(max(z, 0), z > 0)."""
        t = self.v if vec else self.s
        zero = "zeroinitializer" if vec else "0.0"
        positive = self.op(f"fcmp ogt {t} {z}, {zero}", "c")
        mask_t = self.mask_t if vec else "i1"
        return self.op(f"select {mask_t} {positive}, {t} {z}, {t} {zero}", "r"), positive

    def tally(self, acc: str, flags: str) -> str:
        """acc + 1 where flags, lane by lane: one masked add. Counts are kept as floats, exact up
        to 2**24 (float32) per lane, because a float select of an add is not rewritten into the
        two instructions an integer one becomes (x86: sign-extend the mask, then subtract)."""
        more = self.arith("fadd", acc, self.splat("1.0"))
        return self.op(f"select {self.mask_t} {flags}, {self.v} {more}, {self.v} {acc}", "n")

    def keep(self, mask: str | None, value: str) -> str:
        """value where mask is set, 0 elsewhere (lanes past the last point add nothing)."""
        if mask is None:
            return value
        return self.op(f"select {self.mask_t} {mask}, {self.v} {value}, {self.v} zeroinitializer")


def _dots(e: _Emitter, n: int, rows, x, weight, bias, vec: bool) -> dict[int, str]:
    """z_i = (b_i +) sum_j w_ij x_j for each row i of `rows`, as CHAINS interleaved
    multiply-add chains (chain c takes j = c mod CHAINS; chain 0 starts from b_i), then their
    sum; the same operations in the same order for vectors and for the first point's scalars.
    Emitted input by input across the rows, so that x_j serves every row while it is loaded
    and the rows' chains run side by side; each chain's sequence does not depend on that."""
    chains = {i: [bias(i) if c == 0 else None for c in range(min(CHAINS, n))] for i in rows}
    for j in range(n):
        for i in rows:
            acc, w = chains[i][j % CHAINS], weight(i, j)
            new = e.arith("fmul", x[j], w, vec) if acc is None else e.fma(x[j], w, acc, vec)
            chains[i][j % CHAINS] = new
    out = {}
    for i in rows:
        z = chains[i][0]
        for other in chains[i][1:]:
            z = e.arith("fadd", z, other, vec)
        out[i] = z
    return out


class _Loads(dict):
    """Input rows loaded on first use (``make(j)`` emits the load)."""

    def __init__(self, make) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, j: int) -> str:
        self[j] = value = self.make(j)
        return value


@dataclass(frozen=True)
class _Kind:
    """What a pass computes (see the module docstring)."""

    affine: bool  # z_i = in_i * s_i + t_i (s, t in the w and b arguments), else z = W h (+ b)
    bias: bool  # the product adds b
    store_relu: bool  # out = relu(z), else out = z
    sums: bool  # shifted[:, 0:3], sums of out
    count: bool  # positive[i]: points with out_i > 0
    hit: bool  # hit[m] = 1 where some relu(z_i) > 0 at point m, else 0
    # With hit, positive[n] = the points with hit = 1; update_alive also sets amask
    # to 1 there and 0 elsewhere (signflip's product pass only counts them).
    update_alive: bool


KINDS = {
    "fused": _Kind(False, False, True, True, True, True, True),
    "biased": _Kind(False, True, True, True, True, True, True),
    "activate": _Kind(True, False, True, True, True, True, True),
    "biased_dead": _Kind(False, True, True, True, False, False, False),
    "activate_dead": _Kind(True, False, True, True, False, False, False),
    "standardize": _Kind(False, True, False, True, False, False, False),
    "signflip": _Kind(False, True, False, False, False, True, False),
}
VARIANTS = tuple(KINDS)


def _accumulators(kind: _Kind) -> list[str | None]:
    """The shifted slot each per-row accumulator is reduced into, in order (None: the count).
    Every accumulator is a vector of the pass's float type (counts too, see ``tally``)."""
    return (list(SUMS[1:]) if kind.sums else []) + ([None] if kind.count else [])


def _row_inputs(e, n, rows, kind, x, weight, bias, vec) -> dict[int, str]:
    """z_i at the current points for each row: the layer product, or the affine map of row i
    of the input."""
    if kind.affine:
        return {i: e.fma(x[i], weight(i, 0), bias(i), vec) for i in rows}
    return _dots(e, n, rows, x, weight, bias if kind.bias else (lambda i: None), vec)


def _body(e, n, rows, kind, m, mask, first_block, last_block, rowoff, shift, accs, affine):
    """One vector of points (offset m) for a block of rows; returns the updated accumulators.
    `affine`: the rows' slopes and offsets as vectors, for the affine kinds."""
    x = _Loads(lambda j: e.load("%h", e.op(f"add i64 {rowoff[j]}, {m}", "o"), mask))

    def weight(i, j):
        return affine[i][0] if kind.affine else e.splat(e.load_scalar("%w", i * n + j))

    def bias(i):
        return affine[i][1] if kind.affine else e.splat(e.load_scalar("%b", i))

    # Every point in range is alive, or dead points are exactly 0 (compacted runs), or nothing
    # is counted (dead points' columns): no mask but the last vector's.
    hit = None
    new = {}
    inputs = _row_inputs(e, n, rows, kind, x, weight, bias, True)
    for i in rows:
        z = inputs[i]
        relu, positive = e.relu(z)
        out = relu if kind.store_relu else z
        e.store(out, "%out", e.op(f"add i64 {rowoff[i]}, {m}", "o"), mask)
        acc = iter(accs[i])
        new[i] = []
        if kind.sums:
            d = e.keep(mask, e.arith("fsub", out, shift[i][0]))
            new[i] += [e.arith("fadd", next(acc), d), e.fma(d, d, next(acc))]
        if kind.count or kind.hit:  # points with out_i > 0 (none past the last point)
            counted = positive if mask is None else e.op(f"and {e.mask_t} {positive}, {mask}")
        if kind.count:
            new[i].append(e.tally(next(acc), counted))
        if kind.hit:
            hit = counted if hit is None else e.op(f"or {e.mask_t} {hit}, {counted}", "c")
    if hit is None:
        return new
    if not first_block:  # the rows of the blocks before
        before = e.load("%hit", m, mask)
        hit = e.op(f"or {e.mask_t} {hit}, {e.op(f'fcmp ogt {e.v} {before}, zeroinitializer')}")
    one = e.splat("1.0")
    as_float = e.op(f"select {e.mask_t} {hit}, {e.v} {one}, {e.v} zeroinitializer", "u")
    e.store(as_float, "%hit", m, mask)
    if last_block:  # every row is in: which points survive this layer
        if kind.update_alive:
            e.store(as_float, "%amask", m, mask)
        new["alive"] = e.tally(accs["alive"], hit)
    return new


def _pass_ir(n: int, name: str, dtype: str, block: int) -> str:
    """The LLVM IR module of one pass (see the module docstring)."""
    kind = KINDS[name]
    scalar, suffix, lanes = _TYPES[dtype]
    e = _Emitter(scalar, suffix, lanes)
    parameters = ", ".join(f"{a.kind} %{a.name}" for a in PASS_ARGUMENTS)
    e.lines.append(f"define void @{pass_symbol(name)}({parameters}) {{")
    e.label("entry")
    rowoff = [e.op(f"mul i64 {j}, %pitch", "ro") for j in range(n)]
    # Each row's shift: its value at the first point, computed as the vector lanes compute it.
    x0 = [e.load_scalar("%h", rowoff[j]) for j in range(n)]
    shift = {}
    if kind.sums:
        for i in range(n):
            z0 = _row_inputs(
                e, n, [i], kind, x0,
                lambda i, j: e.load_scalar("%w", i if kind.affine else i * n + j),
                lambda i: e.load_scalar("%b", i), False,
            )[i]  # fmt: skip
            c = e.relu(z0, vec=False)[0] if kind.store_relu else z0
            shift[i] = [e.splat(c)]
            center = shifted_at(i, SUMS[0])
            e.raw(f"store {scalar} {c}, ptr {e.ptr('%shifted', center)}, align 4")
    e.raw(f"%vend = and i64 %cols, -{lanes}")
    e.raw("%rem = sub i64 %cols, %vend")
    e.raw("%rem32 = trunc i64 %rem to i32")
    e.raw(f"%remi = insertelement <{lanes} x i32> poison, i32 %rem32, i64 0")
    e.raw(
        f"%remv = shufflevector <{lanes} x i32> %remi, <{lanes} x i32> poison, "
        f"<{lanes} x i32> zeroinitializer"
    )
    ramp = ", ".join(f"i32 {lane}" for lane in range(lanes))
    e.raw(f"%tailmask = icmp ult <{lanes} x i32> <{ramp}>, %remv")
    e.raw("%hasvec = icmp sgt i64 %vend, 0")
    e.raw("%hastail = icmp sgt i64 %rem, 0")
    e.raw("br label %pre0")
    slots = _accumulators(kind)
    zero = "zeroinitializer"
    parts = blocks(n, min(MAX_AFFINE_BLOCK, block) if kind.affine else block)
    for number, rows in enumerate(parts):
        last = number == len(parts) - 1
        keys = [(i, k) for i in rows for k in range(len(slots))]
        if last and kind.hit:
            keys.append(("alive", None))

        def get(values, key):
            return values["alive"] if key[0] == "alive" else values[key[0]][key[1]]

        def grouped(values, rows=rows):
            out = {i: [values[(i, k)] for k in range(len(slots))] for i in rows}
            if ("alive", None) in values:
                out["alive"] = values[("alive", None)]
            return out

        pre, loop, after, tail, done = (
            f"{s}{number}" for s in ("pre", "loop", "after", "tail", "done")
        )
        e.label(pre)
        # The affine kinds' slopes and offsets, loaded once a block: the compiler cannot move
        # the loads out of the loop itself, as the stores might write them.
        affine = {}
        if kind.affine:
            affine = {i: [e.splat(e.load_scalar(p, i)) for p in ("%w", "%b")] for i in rows}
        e.raw(f"br i1 %hasvec, label %{loop}, label %{after}")
        e.label(loop)
        m = f"%m{number}"
        names = {key: f"%acc{number}_{key[0]}_{key[1]}" for key in keys}
        e.raw(f"{m} = phi i64 [0, %{pre}], [%mnext{number}, %{loop}]")
        start = len(e.lines)
        new = _body(
            e, n, rows, kind, m, None, number == 0, last, rowoff, shift, grouped(names), affine
        )
        e.lines[start:start] = [
            f"  {names[key]} = phi {e.v} [{zero}, %{pre}], [{get(new, key)}, %{loop}]"
            for key in keys
        ]
        e.raw(f"%mnext{number} = add i64 {m}, {lanes}")
        e.raw(f"%more{number} = icmp slt i64 %mnext{number}, %vend")
        e.raw(f"br i1 %more{number}, label %{loop}, label %{after}")
        e.label(after)
        entered = {
            key: e.op(f"phi {e.v} [{zero}, %{pre}], [{get(new, key)}, %{loop}]") for key in keys
        }
        e.raw(f"br i1 %hastail, label %{tail}, label %{done}")
        e.label(tail)
        tailed = _body(
            e, n, rows, kind, "%vend", "%tailmask", number == 0, last, rowoff, shift,
            grouped(entered), affine,
        )  # fmt: skip
        e.raw(f"br label %{done}")
        e.label(done)
        final = {
            key: e.op(f"phi {e.v} [{entered[key]}, %{after}], [{get(tailed, key)}, %{tail}]")
            for key in keys
        }
        for key in keys:
            if key[0] != "alive" and slots[key[1]] is not None:
                total = e.op(
                    f"call reassoc {scalar} @llvm.vector.reduce.fadd.{e.vsfx}"
                    f"({scalar} 0.0, {e.v} {final[key]})"
                )
                slot = shifted_at(key[0], slots[key[1]])
                e.raw(f"store {scalar} {total}, ptr {e.ptr('%shifted', slot)}, align 4")
            else:
                count = e.op(
                    f"call i32 @llvm.vector.reduce.add.v{lanes}i32(<{lanes} x i32> "
                    f"{e.op(f'fptosi {e.v} {final[key]} to <{lanes} x i32>')})"
                )
                wide = e.op(f"zext i32 {count} to i64")
                index = n if key[0] == "alive" else key[0]
                p = e.op(f"getelementptr inbounds i64, ptr %positive, i64 {index}", "p")
                e.raw(f"store i64 {wide}, ptr {p}, align 8")
        e.raw(f"br label %pre{number + 1}")
    e.label(f"pre{len(parts)}")
    e.raw("ret void")
    e.lines.append("}")
    v, s, vs = e.v, scalar, e.vsfx
    declarations = [
        f"declare {v} @llvm.fma.{vs}({v}, {v}, {v})",
        f"declare {s} @llvm.fma.{suffix}({s}, {s}, {s})",
        f"declare {v} @llvm.masked.load.{vs}.p0(ptr, i32, <{lanes} x i1>, {v})",
        f"declare void @llvm.masked.store.{vs}.p0({v}, ptr, i32, <{lanes} x i1>)",
        f"declare {s} @llvm.vector.reduce.fadd.{vs}({s}, {v})",
        f"declare i32 @llvm.vector.reduce.add.v{lanes}i32(<{lanes} x i32>)",
    ]
    return "\n".join([*e.lines, "", *declarations]) + "\n"


def source(n: int, kind: str, dtype: str = "float32", block: int = MAX_BLOCK) -> str:
    """The LLVM IR of the pass `kind` (one of VARIANTS) for width n and a float dtype: one
    function, ``contract.pass_symbol(kind)``, its output rows in blocks of at most `block`
    (MAX_BLOCK with AVX-512, NARROW_BLOCK without; every output is the same whatever the
    blocking)."""
    if not 1 <= block <= MAX_BLOCK:
        raise ValueError(f"block must be in 1..{MAX_BLOCK}, got {block!r}")
    if kind not in VARIANTS:
        raise ValueError(f"kind must be one of {VARIANTS}, got {kind!r}")
    if dtype not in _TYPES:
        raise ValueError(f"dtype must be one of {sorted(_TYPES)}, got {dtype!r}")
    return _pass_ir(n, kind, dtype, block)
