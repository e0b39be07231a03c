"""The layer loop of one network, as LLVM IR beside the width's passes; compiled and cached.

``run_network`` (C ABI, see ``ARGUMENTS``) runs a network through every layer: it scales the
weights by the rescaling power of two, calls the width's passes (``kernelgen``), turns their sums
into the per-layer statistics, standardizes for batch normalization or decides the sign flip,
compacts dead columns and stops at death, or, where dead points are kept (biases, batch
normalization), keeps the living ones in the first columns (``_partition``) and runs the full
pass over those and a lean one over the rest (``_output_pass``). It is the kernel's driver
written once as IR, so that a shard job needs neither numba's import nor its start-up (about
0.5 s a job); its arithmetic is plain IEEE (no reassociation, no contraction), in float64
where it forms statistics.

Compiled modules are cached on disk (``$RELUDEATH_KERNEL_CACHE``, else ``~/.cache/reludeath``)
as object files keyed by a hash of the IR, the CPU and llvmlite's version, written under a
temporary name and linked into place, so concurrent jobs are safe.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import tempfile
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path

import llvmlite
import llvmlite.binding as llvm
import llvmlite.ir as ir

from reludeath import kernelgen

# Batch-normalized rows whose standard deviation is below this fraction of their mean's
# magnitude are rounding noise around a constant and become 0.
CONSTANT_RTOL = 1e-6

# run_network's arguments: (name, kind) with kind T (pointer to the float type), D (double*),
# I32/I64 (int pointers), B (bool* as bytes), i (int64), d (double).
ARGUMENTS = (
    ("x", "T"), ("weights", "T"), ("biases", "T"), ("total", "i"), ("depth", "i"),
    ("has_bias", "i"), ("compact", "i"), ("rescale", "i"), ("eps", "d"),
    ("collapse_rtol", "d"), ("alive_out", "I32"), ("sum_var_out", "D"), ("mean_sq_out", "D"),
    ("collapsed_out", "B"), ("nonzero_out", "B"), ("flipped_out", "B"),
    ("log2_scale_out", "I64"), ("split_out", "B"), ("work", "T"), ("pitch", "i"),
    ("second", "i"), ("z_at", "i"), ("w", "T"), ("b", "T"), ("slope", "T"), ("offset", "T"),
    ("hit", "T"), ("shifted", "T"), ("positive", "I64"), ("amask", "T"),
)  # fmt: skip
OVERFLOW = 1  # run_network's return value when activations overflowed

I64, I32, I8, I1 = ir.IntType(64), ir.IntType(32), ir.IntType(8), ir.IntType(1)
F64 = ir.DoubleType()
PTR = ir.PointerType()


class _Code:
    """An IRBuilder with mutable locals (allocas, promoted to registers by the optimizer)."""

    def __init__(self, function: ir.Function, ftype: ir.Type) -> None:
        self.entry = function.append_basic_block("entry")
        self.b = ir.IRBuilder(self.entry)
        self.function = function
        self.f = ftype

    def var(self, value: ir.Value, name: str = "") -> ir.AllocaInstr:
        with self.b.goto_entry_block():
            slot = self.b.alloca(value.type, name=name)
        self.b.store(value, slot)
        return slot

    def get(self, slot: ir.AllocaInstr) -> ir.Value:
        return self.b.load(slot)

    def set(self, slot: ir.AllocaInstr, value: ir.Value) -> None:
        self.b.store(value, slot)

    @contextmanager
    def loop(self, start: ir.Value, stop: ir.Value):
        """for index in range(start, stop)."""
        index = self.var(start)
        head = self.function.append_basic_block()
        body = self.function.append_basic_block()
        done = self.function.append_basic_block()
        self.b.branch(head)
        self.b.position_at_end(head)
        current = self.get(index)
        self.b.cbranch(self.b.icmp_signed("<", current, stop), body, done)
        self.b.position_at_end(body)
        yield current
        self.set(index, self.b.add(current, i64(1)))
        self.b.branch(head)
        self.b.position_at_end(done)

    def at(self, base: ir.Value, index: ir.Value, type_: ir.Type) -> ir.Value:
        return self.b.gep(base, [index], source_etype=type_)

    def load(self, base, index, type_):
        return self.b.load(self.at(base, index, type_), typ=type_)

    def store(self, value, base, index):
        self.b.store(value, self.at(base, index, value.type))

    def to_double(self, value: ir.Value) -> ir.Value:
        return value if value.type == F64 else self.b.fpext(value, F64)

    def to_float(self, value: ir.Value) -> ir.Value:
        return value if self.f == F64 else self.b.fptrunc(value, self.f)


def i64(value: int) -> ir.Constant:
    return ir.Constant(I64, value)


def f64(value: float) -> ir.Constant:
    return ir.Constant(F64, value)


def _pow2(c: _Code, k: ir.Value) -> ir.Value:
    """2.0**k for an int64 k with |k| <= 2044, exactly as math.ldexp(1.0, k)."""
    b = c.b
    half = b.sdiv(k, i64(2))

    def power(e):  # 2**e for -1022 <= e <= 1023, from its bits
        return b.bitcast(b.shl(b.add(e, i64(1023)), i64(52)), F64)

    return b.fmul(power(half), power(b.sub(k, half)))


def _frexp_exponent(c: _Code, x: ir.Value) -> ir.Value:
    """The exponent e of math.frexp(x) = (m, e), 0.5 <= m < 1, for a finite x > 0."""
    b = c.b
    tiny = b.fcmp_ordered("<", x, f64(2.0**-1022))
    scaled = b.select(tiny, b.fmul(x, f64(2.0**54)), x)
    bits = b.and_(b.lshr(b.bitcast(scaled, I64), i64(52)), i64(0x7FF))
    return b.sub(bits, b.select(tiny, i64(1022 + 54), i64(1022)))


def _moments(c: _Code, shifted, slot: int, n: int, cols, total) -> tuple[ir.Value, ir.Value]:
    """(sum_i Var F_i, ||E F||^2) over `total` points from sums shifted by c_i over `cols` of
    them (shifted[i, slot:slot + 3] = c_i, sum (F - c_i), sum (F - c_i)^2); the other
    total - cols points are 0."""
    b = c.b
    sum_var, mean_sq = c.var(f64(0.0)), c.var(f64(0.0))
    missing = b.sitofp(b.sub(total, cols), F64)
    count = b.sitofp(total, F64)
    for i in range(n):
        center = c.to_double(c.load(shifted, i64(6 * i + slot), c.f))
        s1 = b.fsub(
            c.to_double(c.load(shifted, i64(6 * i + slot + 1), c.f)), b.fmul(missing, center)
        )
        s2 = b.fadd(
            c.to_double(c.load(shifted, i64(6 * i + slot + 2), c.f)),
            b.fmul(b.fmul(missing, center), center),
        )
        mean_d = b.fdiv(s1, count)
        var = b.fsub(b.fdiv(s2, count), b.fmul(mean_d, mean_d))
        positive = b.fcmp_ordered(">", var, f64(0.0))
        c.set(sum_var, b.fadd(c.get(sum_var), b.select(positive, var, f64(0.0))))
        mean = b.fadd(center, mean_d)
        c.set(mean_sq, b.fadd(c.get(mean_sq), b.fmul(mean, mean)))
    return c.get(sum_var), c.get(mean_sq)


def _driver(module: ir.Module, n: int, dtype: str, names: tuple[str, ...]) -> None:
    """Define run_network in `module`; it calls the passes @pass_0, @pass_1, ... (names)."""
    ftype = ir.FloatType() if dtype == "float32" else F64
    kinds = {"T": PTR, "D": PTR, "I32": PTR, "I64": PTR, "B": PTR, "i": I64, "d": F64}
    fnty = ir.FunctionType(I64, [kinds[k] for _, k in ARGUMENTS])
    function = ir.Function(module, fnty, name="run_network")
    a = dict(zip((name for name, _ in ARGUMENTS), function.args, strict=True))
    pass_type = ir.FunctionType(ir.VoidType(), [PTR] * 8 + [I64, I64])
    passes = [ir.Function(module, pass_type, name=f"pass_{k}") for k in range(len(names))]
    by_name = dict(zip(names, passes, strict=True))
    product = names[0] in ("standardize", "signflip")  # then a per-row activation pass
    first = passes[0]
    living_pass = by_name["activate"] if product else first  # makes the layer's output
    dead_pass = by_name.get("activate_dead" if product else "biased_dead")
    c = _Code(function, ftype)
    b = c.b
    zero_f, one_f = ir.Constant(ftype, 0.0), ir.Constant(ftype, 1.0)
    total, depth, pitch = a["total"], a["depth"], a["pitch"]
    buf0 = a["work"]
    buf1 = c.at(buf0, a["second"], ftype)
    z = c.at(buf0, a["z_at"], ftype)
    compact = b.icmp_signed("!=", a["compact"], i64(0))
    # Set-up: the data into the first buffer (rows pitch apart), b, offset 0, every point alive.
    with c.loop(i64(0), i64(n)) as i:
        with c.loop(i64(0), total) as m:
            value = c.load(a["x"], b.add(b.mul(i, total), m), ftype)
            c.store(value, buf0, b.add(b.mul(i, pitch), m))
        c.store(zero_f, a["b"], i)
        c.store(zero_f, a["offset"], i)
    with c.loop(i64(0), total) as m:
        c.store(one_f, a["amask"], m)
    cur = c.var(i64(0), "cur")
    cols = c.var(total, "cols")
    n_alive = c.var(total, "n_alive")
    shift = c.var(i64(0), "shift")
    log2_scale = c.var(i64(0), "log2_scale")
    with c.loop(i64(0), depth) as layer:
        # A compacted network with no living point is done: fill in the remaining layers.
        dead = b.and_(b.icmp_signed("==", c.get(n_alive), i64(0)), compact)
        with b.if_then(dead):
            with c.loop(layer, depth) as rest:
                c.store(ir.Constant(I32, 0), a["alive_out"], rest)
                c.store(f64(0.0), a["sum_var_out"], rest)
                c.store(f64(0.0), a["mean_sq_out"], rest)
                c.store(ir.Constant(I8, 1), a["collapsed_out"], rest)
                for key in ("nonzero_out", "flipped_out", "split_out"):
                    c.store(ir.Constant(I8, 0), a[key], rest)
                c.store(c.get(log2_scale), a["log2_scale_out"], rest)
            b.ret(i64(0))
        # The layer's weights, scaled by 2**-shift into w where the shift is not 0; its biases
        # where it has them, else the zeros in b.
        base = c.at(a["weights"], b.mul(layer, i64(n * n)), ftype)
        scaled = b.icmp_signed("!=", c.get(shift), i64(0))
        with b.if_then(scaled):
            factor = _pow2(c, b.neg(c.get(shift)))
            for k in range(n * n):
                weight = c.to_double(c.load(base, i64(k), ftype))
                c.store(c.to_float(b.fmul(weight, factor)), a["w"], i64(k))
        weights = b.select(scaled, a["w"], base)
        has_bias = b.icmp_signed("!=", a["has_bias"], i64(0))
        biases = b.select(has_bias, c.at(a["biases"], b.mul(layer, i64(n)), ftype), a["b"])
        c.set(log2_scale, b.add(c.get(log2_scale), c.get(shift)))
        even = b.icmp_signed("==", c.get(cur), i64(0))
        h, hn = b.select(even, buf0, buf1), b.select(even, buf1, buf0)
        alive_before = c.get(n_alive)
        masked = b.and_(b.not_(compact), b.icmp_signed("<", alive_before, total))
        flipped = c.var(ir.Constant(I1, 0), "flipped")
        sums = [a["hit"], a["shifted"], a["positive"], c.get(cols), pitch]
        if product:
            b.call(first, [weights, biases, h, z, a["amask"], *sums])
            if names[0] == "standardize":
                _standardize(c, n, a, c.get(cols))
            else:  # sign flip: negate a layer that would kill more than half the living points
                survivors = c.load(a["positive"], i64(n), I64)
                killed = b.mul(b.sub(alive_before, survivors), i64(2))
                c.set(flipped, b.icmp_signed(">", killed, alive_before))
                sign = b.select(c.get(flipped), ir.Constant(ftype, -1.0), one_f)
                for i in range(n):
                    c.store(sign, a["slope"], i64(i))
            arguments = [a["slope"], a["offset"], z, hn, a["amask"], *sums]
        else:
            arguments = [weights, biases, h, hn, a["amask"], *sums]
        if dead_pass is None:  # compacted runs: dead points are gone
            b.call(living_pass, arguments)
        else:
            _output_pass(c, n, (living_pass, dead_pass), arguments, alive_before, total)
        c.store(b.zext(c.get(flipped), I8), a["flipped_out"], layer)
        split = ir.Constant(I1, 0)
        for i in range(n):
            count = c.load(a["positive"], i64(i), I64)
            inside = b.and_(
                b.icmp_signed(">", count, i64(0)), b.icmp_signed("<", count, alive_before)
            )
            split = b.or_(split, inside)
        c.store(b.zext(split, I8), a["split_out"], layer)
        c.set(cur, b.sub(i64(1), c.get(cur)))
        alive_after = c.load(a["positive"], i64(n), I64)
        c.set(n_alive, alive_after)
        c.store(b.trunc(alive_after, I32), a["alive_out"], layer)
        sum_var, mean_sq = _moments(c, a["shifted"], 0, n, c.get(cols), total)
        energy = b.fadd(sum_var, mean_sq)
        finite = b.fcmp_ordered("<", b.call(_fabs(module), [energy]), f64(float("inf")))
        with b.if_then(b.not_(finite)):
            b.ret(i64(OVERFLOW))
        rtol2 = b.fmul(a["collapse_rtol"], a["collapse_rtol"])
        collapsed = b.fcmp_ordered("<=", sum_var, b.fmul(rtol2, energy))
        c.store(b.zext(collapsed, I8), a["collapsed_out"], layer)
        c.store(b.zext(b.fcmp_ordered(">", energy, f64(0.0)), I8), a["nonzero_out"], layer)
        stats = c.var(sum_var), c.var(mean_sq)
        with b.if_then(masked):  # dead points' outputs as zero
            # Sums over the points alive before the layer; the others count as zeros.
            masked_stats = _moments(c, a["shifted"], 3, n, alive_before, total)
            for slot, value in zip(stats, masked_stats, strict=True):
                c.set(slot, value)
        sum_var, mean_sq = c.get(stats[0]), c.get(stats[1])
        c.store(sum_var, a["sum_var_out"], layer)
        c.store(mean_sq, a["mean_sq_out"], layer)
        c.store(c.get(log2_scale), a["log2_scale_out"], layer)
        energy = b.fadd(sum_var, mean_sq)
        c.set(shift, i64(0))
        grow = b.and_(
            b.icmp_signed("!=", a["rescale"], i64(0)), b.fcmp_ordered(">", energy, f64(0.0))
        )
        with b.if_then(grow):
            root = b.call(_sqrt(module), [b.fdiv(energy, f64(float(n)))])
            c.set(shift, _frexp_exponent(c, root))
        width = c.get(cols)
        worth = b.and_(
            b.and_(b.icmp_signed(">", alive_after, i64(0)), b.icmp_signed("<", alive_after, width)),
            b.icmp_signed(">=", b.mul(b.sub(width, alive_after), i64(4)), width),
        )
        with b.if_then(b.and_(compact, worth)):
            even = b.icmp_signed("==", c.get(cur), i64(0))
            c.set(cols, _compact(c, b.select(even, buf0, buf1), n, width, pitch, a["amask"]))
        if dead_pass is not None:  # dead points kept: the living ones first
            died = b.icmp_signed("<", alive_after, alive_before)
            with b.if_then(b.and_(died, b.icmp_signed(">", alive_after, i64(0)))):
                even = b.icmp_signed("==", c.get(cur), i64(0))
                _partition(c, b.select(even, buf0, buf1), n, alive_before, pitch, a["amask"])
    b.ret(i64(0))


def _output_pass(c: _Code, n: int, passes, arguments: list, living, total) -> None:
    """The layer's output where dead points are kept, with the living ones in columns
    0..living-1 (``_partition``): the living pass over those, then the dead pass over the rest.
    shifted[i, 0:3] become all points' shifted sums and, where some point is dead (the only
    layers that read them), shifted[i, 3:6] the living points'."""
    b = c.b
    living_pass, dead_pass = passes
    *pointers, hit, shifted, positive, _cols, pitch = arguments
    with b.if_else(b.icmp_signed("==", living, i64(0))) as (none, some):
        with none:
            b.call(dead_pass, arguments)
            for i in range(n):
                c.store(c.load(shifted, i64(6 * i), c.f), shifted, i64(6 * i + 3))
                for slot in (4, 5):
                    c.store(ir.Constant(c.f, 0.0), shifted, i64(6 * i + slot))
            for i in range(n + 1):
                c.store(i64(0), positive, i64(i))
        with some:
            b.call(living_pass, [*pointers, hit, shifted, positive, living, pitch])
            dead = b.sub(total, living)
            with b.if_then(b.icmp_signed(">", dead, i64(0))):
                for i in range(n):
                    for slot in range(3):
                        value = c.load(shifted, i64(6 * i + slot), c.f)
                        c.store(value, shifted, i64(6 * i + 3 + slot))
                weights, offsets, inputs, outputs, amask = pointers
                moved = [c.at(p, living, c.f) for p in (inputs, outputs, amask, hit)]
                b.call(dead_pass, [weights, offsets, *moved, shifted, positive, dead, pitch])
                _merge_sums(c, n, shifted, dead)


def _merge_sums(c: _Code, n: int, shifted, dead) -> None:
    """shifted[i, 0:3] = the sums over all points, shifted by the living points' c_i, from
    those over the living ones (shifted[i, 3:6]) and the `dead` others (shifted[i, 0:3], by
    their own first value d_i): with e = d_i - c_i, sum (x - c_i) = S + dead * e and
    sum (x - c_i)**2 = Q + 2 e S + dead * e**2 over the dead points; in float64."""
    b = c.b
    count = b.sitofp(dead, F64)
    for i in range(n):
        shift = c.load(shifted, i64(6 * i + 3), c.f)
        living_s, living_q, dead_c, dead_s, dead_q = (
            c.to_double(c.load(shifted, i64(6 * i + slot), c.f)) for slot in (4, 5, 0, 1, 2)
        )
        e = b.fsub(dead_c, c.to_double(shift))
        total_s = b.fadd(living_s, b.fadd(dead_s, b.fmul(count, e)))
        extra = b.fadd(b.fmul(b.fmul(f64(2.0), e), dead_s), b.fmul(count, b.fmul(e, e)))
        total_q = b.fadd(living_q, b.fadd(dead_q, extra))
        c.store(shift, shifted, i64(6 * i))
        c.store(c.to_float(total_s), shifted, i64(6 * i + 1))
        c.store(c.to_float(total_q), shifted, i64(6 * i + 2))


def _partition(c: _Code, h, n: int, cols, pitch, amask) -> None:
    """Put the living columns (amask > 0) among the first `cols` of each row of h before the
    dead ones, in place, by swapping each dead column from the front with a living one from
    the back; amask follows. The living points' order changes, which no statistic sees."""
    b = c.b
    front, back = c.var(i64(0), "front"), c.var(cols, "back")
    zero = ir.Constant(c.f, 0.0)
    head = c.function.append_basic_block("partition")
    body = c.function.append_basic_block()
    done = c.function.append_basic_block()
    b.branch(head)
    b.position_at_end(head)
    b.cbranch(b.icmp_signed("<", c.get(front), c.get(back)), body, done)
    b.position_at_end(body)
    lo, hi = c.get(front), b.sub(c.get(back), i64(1))
    lo_alive = b.fcmp_ordered(">", c.load(amask, lo, c.f), zero)
    hi_alive = b.fcmp_ordered(">", c.load(amask, hi, c.f), zero)
    with b.if_else(lo_alive) as (keep, dead):
        with keep:
            c.set(front, b.add(lo, i64(1)))
        with dead, b.if_else(hi_alive) as (swap, skip):
            with swap:
                for i in range(n):
                    row = b.mul(i64(i), pitch)
                    left, right = b.add(row, lo), b.add(row, hi)
                    value = c.load(h, left, c.f)
                    c.store(c.load(h, right, c.f), h, left)
                    c.store(value, h, right)
                c.store(ir.Constant(c.f, 1.0), amask, lo)
                c.store(zero, amask, hi)
                c.set(front, b.add(lo, i64(1)))
                c.set(back, hi)
            with skip:
                c.set(back, hi)
    b.branch(head)
    b.position_at_end(done)


def _standardize(c: _Code, n: int, a: dict, cols: ir.Value) -> None:
    """slope, offset of batch normalization per row, (z - mean) / (std + eps) as z * slope +
    offset, from the product pass's shifted sums; a row with std 0, or std at most
    CONSTANT_RTOL * |mean|, is constant up to rounding and becomes 0."""
    b = c.b
    count = b.sitofp(cols, F64)
    for i in range(n):
        center = c.to_double(c.load(a["shifted"], i64(6 * i), c.f))
        mean_d = b.fdiv(c.to_double(c.load(a["shifted"], i64(6 * i + 1), c.f)), count)
        spread = b.fsub(
            b.fdiv(c.to_double(c.load(a["shifted"], i64(6 * i + 2), c.f)), count),
            b.fmul(mean_d, mean_d),
        )
        spread = b.select(b.fcmp_ordered(">", spread, f64(0.0)), spread, f64(0.0))
        std = b.call(_sqrt(c.function.module), [spread])
        mean = b.fadd(center, mean_d)
        limit = b.fmul(f64(CONSTANT_RTOL), b.call(_fabs(c.function.module), [mean]))
        constant = b.or_(b.fcmp_ordered("==", std, f64(0.0)), b.fcmp_ordered("<=", std, limit))
        scale = b.select(constant, f64(0.0), b.fdiv(f64(1.0), b.fadd(std, a["eps"])))
        center = b.select(constant, f64(0.0), mean)
        c.store(c.to_float(scale), a["slope"], i64(i))
        c.store(c.to_float(b.fmul(b.fneg(center), scale)), a["offset"], i64(i))


def _compact(c: _Code, h, n: int, cols, pitch, amask) -> ir.Value:
    """Pack the living columns (amask > 0) among the first `cols` of each row of h to its
    front, in place; amask[:new] = 1. Returns new."""
    b = c.b
    kept = c.var(i64(0), "kept")
    with c.loop(i64(0), cols) as m:
        alive = b.fcmp_ordered(">", c.load(amask, m, c.f), ir.Constant(c.f, 0.0))
        with b.if_then(alive):
            q = c.get(kept)
            for i in range(n):
                row = b.mul(i64(i), pitch)
                c.store(c.load(h, b.add(row, m), c.f), h, b.add(row, q))
            c.set(kept, b.add(q, i64(1)))
    new = c.get(kept)
    with c.loop(i64(0), new) as m:
        c.store(ir.Constant(c.f, 1.0), amask, m)
    return new


def _sqrt(module: ir.Module) -> ir.Function:
    return module.declare_intrinsic("llvm.sqrt", [F64])


def _fabs(module: ir.Module) -> ir.Function:
    return module.declare_intrinsic("llvm.fabs", [F64])


def cache_dir() -> Path:
    """Where compiled modules live."""
    env = os.environ.get("RELUDEATH_KERNEL_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "reludeath"


def _write_once(path: Path, data: bytes) -> None:
    """Create `path` with `data` atomically, unless it exists: a hard link creates the name only
    if it is free, so of two jobs writing the same file at once, exactly one succeeds."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another job wrote it first: same name, same content
        except OSError:  # no hard links on this file system
            if not path.exists():
                os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def target_cpu() -> tuple[str, str]:
    """(CPU name, feature string) the kernel is compiled for: this machine's, unless
    $RELUDEATH_KERNEL_CPU names an LLVM CPU (e.g. ``x86-64-v3``: AVX2, or ``x86-64``) whose
    instructions every machine of a cluster has."""
    name = os.environ.get("RELUDEATH_KERNEL_CPU", "")
    if name:
        return name, ""
    return llvm.get_host_cpu_name(), llvm.get_host_cpu_features().flatten()


@cache
def _target_machine(cpu: str, features: str) -> llvm.TargetMachine:
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    target = llvm.Target.from_default_triple()
    return target.create_target_machine(cpu=cpu, features=features, opt=3, codemodel="jitdefault")


# What compiled code depends on besides its IR (the optimization pipeline is set here).
_SOURCES = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()

# Every engine lives as long as the process: callers hold addresses of its code, and
# llvmlite's disposal of an engine with an object cache is not safe.
_ENGINES: list[object] = []


def _compile(text: str, tag: str) -> llvm.ExecutionEngine:
    """An execution engine for the IR `text`, its machine code from the disk cache when there
    (named `tag` and a hash of what the code depends on), else compiled now and cached."""
    cpu, features = target_cpu()
    tm = _target_machine(cpu, features)
    key = hashlib.sha256(
        "\n".join(
            [
                text,
                tm.triple,
                cpu,
                features,
                llvmlite.__version__,
                _SOURCES,
            ]
        ).encode()
    ).hexdigest()[:20]
    path = cache_dir() / f"{tag}_{key}.o"
    module = llvm.parse_assembly(text)
    module.verify()
    engine = llvm.create_mcjit_compiler(module, tm)

    def save(_module: object, data: bytes) -> None:
        with suppress(OSError):  # cache not writable: compiled again next time
            _write_once(path, data)

    def load(_module: object) -> bytes | None:
        try:
            return path.read_bytes()
        except OSError:
            return None

    engine.set_object_cache(save, load)
    if not path.exists():
        options = llvm.create_pipeline_tuning_options(speed_level=3)
        options.loop_vectorization = False  # the passes are vectorized already
        options.slp_vectorization = False
        builder = llvm.create_pass_builder(tm, options)
        builder.getModulePassManager().run(module, builder)
    engine.finalize_object()
    _ENGINES.append(engine)
    return engine


def _ctype(kind: str) -> type:
    return {"i": ctypes.c_int64, "d": ctypes.c_double}.get(kind, ctypes.c_void_p)


def _merge(parts: list[str]) -> str:
    """One module from several: declarations once each, no declaration of a defined name."""

    def name(line: str) -> str:
        return line.split("@")[1].split("(")[0].strip('"')

    defined = {
        name(line) for part in parts for line in part.splitlines() if line.startswith("define ")
    }
    body, declared = [], set()
    for part in parts:
        for line in part.splitlines():
            if line.startswith(("target ", "; ModuleID", "source_filename")):
                continue
            if line.startswith("declare "):
                if name(line) in defined or name(line) in declared:
                    continue
                declared.add(name(line))
            body.append(line)
    return "\n".join(body) + "\n"


@cache
def runner(n: int, names: tuple[str, ...], dtype: str) -> ctypes._CFuncPtr:
    """run_network for width n with the passes `names` (kernelgen.passes), compiled once."""
    module = ir.Module(name=f"network_n{n}")
    _driver(module, n, dtype, names)
    passes = [
        kernelgen.source(n, name, dtype).replace("@layer_pass(", f"@pass_{k}(")
        for k, name in enumerate(names)
    ]
    engine = _compile(_merge([str(module), *passes]), f"network_n{n}_{'-'.join(names)}_{dtype}")
    prototype = ctypes.CFUNCTYPE(ctypes.c_int64, *(_ctype(kind) for _, kind in ARGUMENTS))
    return prototype(engine.get_function_address("run_network"))


@cache
def layer_pass(n: int, kind: str, dtype: str) -> ctypes._CFuncPtr:
    """One pass alone (kernelgen's C signature), for tests and benchmarks."""
    engine = _compile(kernelgen.source(n, kind, dtype), f"layer_n{n}_{kind}_{dtype}")
    prototype = ctypes.CFUNCTYPE(None, *[ctypes.c_void_p] * 8, ctypes.c_int64, ctypes.c_int64)
    return prototype(engine.get_function_address("layer_pass"))
