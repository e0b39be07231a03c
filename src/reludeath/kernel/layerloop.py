"""The layer loop of one network, ``run_network``, as LLVM IR: one emitter per stage.

``run_network`` (C ABI: ``contract.RUN_ARGUMENTS``) runs a network through every layer: it
scales the weights by the rescaling power of two (``_layer_parameters``), calls the width's
passes (``passes``) and, for data-dependent modes, chooses each row's affine map between the
product and the activation (``ROW_MAPS``: standardize for batch normalization, or decide the
sign flip), turns the passes' sums into the per-layer statistics (``_split``, ``_statistics``),
chooses the next power of two (``_rescale_shift``), and compacts dead columns and stops at death
(``_compact``, ``_finish_dead``), or, where dead points are kept (biases, batch normalization),
keeps the living ones in the first columns (``_partition``) and runs the full pass over those
and a lean one over the rest (``_output_pass``). It is the kernel's driver written once as IR,
so that a shard job needs neither numba's import nor its start-up (about 0.5 s a job); its
arithmetic is plain IEEE (no reassociation, no contraction), in float64 where it forms
statistics. ``build`` links it with the passes and compiles it.
"""

from __future__ import annotations

from contextlib import contextmanager

import llvmlite.ir as ir

from reludeath.kernel.contract import (
    LIVING_SUMS,
    OUTPUTS,
    OVERFLOW,
    PASS_ARGUMENTS,
    RUN_ARGUMENTS,
    RUN_NETWORK,
    SUMS,
    Plan,
    pass_symbol,
    shifted_at,
)

# Batch-normalized rows whose standard deviation is below this fraction of their mean's
# magnitude are rounding noise around a constant and become 0.
CONSTANT_RTOL = 1e-6

I64, I32, I8, I1 = ir.IntType(64), ir.IntType(32), ir.IntType(8), ir.IntType(1)
F64 = ir.DoubleType()
PTR = ir.PointerType()
# The IR type of each kind of C argument (contract.KINDS).
ARGUMENT_TYPES = {"ptr": PTR, "i64": I64, "double": F64}
# The IR type of each output's elements (contract.OUTPUTS' dtypes).
ELEMENT_TYPES = {"int32": I32, "int64": I64, "float64": F64, "bool": I8}
_OUTPUT_DTYPES = {o.name: o.dtype for o in OUTPUTS}


def function_type(arguments, returns: ir.Type) -> ir.FunctionType:
    """The llvmlite function type of a declared C signature."""
    return ir.FunctionType(returns, [ARGUMENT_TYPES[a.kind] for a in arguments])


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


def _moments(c: _Code, shifted, slots, n: int, cols, total) -> tuple[ir.Value, ir.Value]:
    """(sum_i Var F_i, ||E F||^2) over `total` points from sums shifted by c_i over `cols` of
    them (row i's `slots`, contract.SUMS or LIVING_SUMS: c_i, sum (F - c_i), sum (F - c_i)^2);
    the other total - cols points are 0."""
    b = c.b
    sum_var, mean_sq = c.var(f64(0.0)), c.var(f64(0.0))
    missing = b.sitofp(b.sub(total, cols), F64)
    count = b.sitofp(total, F64)
    for i in range(n):

        def sum_of(slot, i=i):  # loaded where it is used
            return c.to_double(c.load(shifted, i64(shifted_at(i, slot)), c.f))

        center = sum_of(slots[0])
        s1 = b.fsub(sum_of(slots[1]), b.fmul(missing, center))
        s2 = b.fadd(
            sum_of(slots[2]),
            b.fmul(b.fmul(missing, center), center),
        )
        mean_d = b.fdiv(s1, count)
        var = b.fsub(b.fdiv(s2, count), b.fmul(mean_d, mean_d))
        positive = b.fcmp_ordered(">", var, f64(0.0))
        c.set(sum_var, b.fadd(c.get(sum_var), b.select(positive, var, f64(0.0))))
        mean = b.fadd(center, mean_d)
        c.set(mean_sq, b.fadd(c.get(mean_sq), b.fmul(mean, mean)))
    return c.get(sum_var), c.get(mean_sq)


def define_run_network(module: ir.Module, n: int, dtype: str, plan: Plan, compact: bool) -> None:
    """Define ``run_network`` for width n in `module`; it calls the passes of `plan` (declared
    here by their symbols, defined in the modules ``build`` links in)."""
    ftype = ir.FloatType() if dtype == "float32" else F64
    function = ir.Function(module, function_type(RUN_ARGUMENTS, I64), name=RUN_NETWORK)
    a = dict(zip((arg.name for arg in RUN_ARGUMENTS), function.args, strict=True))
    pass_type = function_type(PASS_ARGUMENTS, ir.VoidType())
    names = plan.passes(compact)
    by_name = {name: ir.Function(module, pass_type, name=pass_symbol(name)) for name in names}
    product = by_name[plan.product] if plan.product else None
    living_pass = by_name["activate"] if product else by_name[names[0]]  # the layer's output
    dead_pass = by_name.get("activate_dead" if product else "biased_dead")
    c = _Code(function, ftype)
    b = c.b
    total, depth, pitch = a["total"], a["depth"], a["pitch"]
    buf0 = a["work"]
    buf1 = c.at(buf0, a["second"], ftype)
    z = c.at(buf0, a["z_at"], ftype)
    compacting = b.icmp_signed("!=", a["compact"], i64(0))
    _setup(c, n, a)
    cur = c.var(i64(0), "cur")
    cols = c.var(total, "cols")
    n_alive = c.var(total, "n_alive")
    shift = c.var(i64(0), "shift")
    log2_scale = c.var(i64(0), "log2_scale")
    with c.loop(i64(0), depth) as layer:
        # A compacted network with no living point is done: fill in the remaining layers.
        dead = b.and_(b.icmp_signed("==", c.get(n_alive), i64(0)), compacting)
        with b.if_then(dead):
            _finish_dead(c, a, layer, depth, {"log2_scale": c.get(log2_scale)})
            b.ret(i64(0))
        weights, biases = _layer_parameters(c, n, a, layer, c.get(shift))
        c.set(log2_scale, b.add(c.get(log2_scale), c.get(shift)))
        even = b.icmp_signed("==", c.get(cur), i64(0))
        h, hn = b.select(even, buf0, buf1), b.select(even, buf1, buf0)
        alive_before = c.get(n_alive)
        masked = b.and_(b.not_(compacting), b.icmp_signed("<", alive_before, total))
        flipped = c.var(ir.Constant(I1, 0), "flipped")
        sums = [a["hit"], a["shifted"], a["positive"], c.get(cols), pitch]
        if product is not None:  # z, then each row's affine map chosen from its statistics
            b.call(product, [weights, biases, h, z, a["amask"], *sums])
            ROW_MAPS[plan.row_map](c, n, a, c.get(cols), alive_before, flipped)
            arguments = [a["slope"], a["offset"], z, hn, a["amask"], *sums]
        else:
            arguments = [weights, biases, h, hn, a["amask"], *sums]
        if dead_pass is None:  # compacted runs: dead points are gone
            b.call(living_pass, arguments)
        else:
            _output_pass(c, n, (living_pass, dead_pass), arguments, alive_before, total)
        _store_output(c, a, "flipped", layer, c.get(flipped))
        _store_output(c, a, "split", layer, _split(c, n, a["positive"], alive_before))
        c.set(cur, b.sub(i64(1), c.get(cur)))
        alive_after = c.load(a["positive"], i64(n), I64)
        c.set(n_alive, alive_after)
        _store_output(c, a, "alive_points", layer, alive_after)
        energy = _statistics(c, n, a, layer, c.get(cols), alive_before, masked)
        _store_output(c, a, "log2_scale", layer, c.get(log2_scale))
        c.set(shift, _rescale_shift(c, n, a, energy))
        width = c.get(cols)
        worth = b.and_(
            b.and_(b.icmp_signed(">", alive_after, i64(0)), b.icmp_signed("<", alive_after, width)),
            b.icmp_signed(">=", b.mul(b.sub(width, alive_after), i64(4)), width),
        )
        with b.if_then(b.and_(compacting, worth)):
            even = b.icmp_signed("==", c.get(cur), i64(0))
            c.set(cols, _compact(c, b.select(even, buf0, buf1), n, width, pitch, a["amask"]))
        if dead_pass is not None:  # dead points kept: the living ones first
            died = b.icmp_signed("<", alive_after, alive_before)
            with b.if_then(b.and_(died, b.icmp_signed(">", alive_after, i64(0)))):
                even = b.icmp_signed("==", c.get(cur), i64(0))
                _partition(c, b.select(even, buf0, buf1), n, alive_before, pitch, a["amask"])
    b.ret(i64(0))


def _store_output(c: _Code, a: dict, name: str, layer: ir.Value, value: ir.Value) -> None:
    """output[name][layer] = value, converted to the output's element type (contract.OUTPUTS):
    a flag (i1) widened to a byte, a count (i64) narrowed to int32."""
    b = c.b
    element = ELEMENT_TYPES[_OUTPUT_DTYPES[name]]
    if value.type != element:
        value = b.zext(value, element) if value.type == I1 else b.trunc(value, element)
    c.store(value, a[name], layer)


def _setup(c: _Code, n: int, a: dict) -> None:
    """The data into the first buffer (rows pitch apart), b and offset 0, every point alive."""
    b = c.b
    zero_f, one_f = ir.Constant(c.f, 0.0), ir.Constant(c.f, 1.0)
    total, pitch = a["total"], a["pitch"]
    with c.loop(i64(0), i64(n)) as i:
        with c.loop(i64(0), total) as m:
            value = c.load(a["x"], b.add(b.mul(i, total), m), c.f)
            c.store(value, a["work"], b.add(b.mul(i, pitch), m))
        c.store(zero_f, a["b"], i)
        c.store(zero_f, a["offset"], i)
    with c.loop(i64(0), total) as m:
        c.store(one_f, a["amask"], m)


def _finish_dead(c: _Code, a: dict, layer: ir.Value, depth: ir.Value, running: dict) -> None:
    """Every output of layers layer..depth-1 of a dead network: its declared value after death
    (contract.Output.after_death), or the running value of that name."""
    fixed = [o for o in OUTPUTS if not isinstance(o.after_death, str)]
    kept = [o for o in OUTPUTS if isinstance(o.after_death, str)]
    with c.loop(layer, depth) as rest:
        for output in fixed:
            value = ir.Constant(ELEMENT_TYPES[output.dtype], output.after_death)
            c.store(value, a[output.name], rest)
        for output in kept:
            c.store(running[output.after_death], a[output.name], rest)


def _layer_parameters(c: _Code, n: int, a: dict, layer: ir.Value, shift: ir.Value):
    """(weights, biases) of the layer: its weights scaled by 2**-shift into w where the shift is
    not 0; its biases where it has them, else the zeros in b."""
    b = c.b
    base = c.at(a["weights"], b.mul(layer, i64(n * n)), c.f)
    scaled = b.icmp_signed("!=", shift, i64(0))
    with b.if_then(scaled):
        factor = _pow2(c, b.neg(shift))
        for k in range(n * n):
            weight = c.to_double(c.load(base, i64(k), c.f))
            c.store(c.to_float(b.fmul(weight, factor)), a["w"], i64(k))
    weights = b.select(scaled, a["w"], base)
    biased = b.icmp_signed("!=", a["biased"], i64(0))
    biases = b.select(biased, c.at(a["biases"], b.mul(layer, i64(n)), c.f), a["b"])
    return weights, biases


def _signflip(c: _Code, n: int, a: dict, cols: ir.Value, alive_before, flipped) -> None:
    """Sign flip's map: slope -1 for every row when relu(z) would kill more than half the
    living points (flipped is set), else 1; offsets stay 0."""
    b = c.b
    survivors = c.load(a["positive"], i64(n), I64)
    killed = b.mul(b.sub(alive_before, survivors), i64(2))
    c.set(flipped, b.icmp_signed(">", killed, alive_before))
    sign = b.select(c.get(flipped), ir.Constant(c.f, -1.0), ir.Constant(c.f, 1.0))
    for i in range(n):
        c.store(sign, a["slope"], i64(i))


def _split(c: _Code, n: int, positive, alive_before) -> ir.Value:
    """Whether some row is > 0 at some but not all of the points alive before the layer."""
    b = c.b
    split = ir.Constant(I1, 0)
    for i in range(n):
        count = c.load(positive, i64(i), I64)
        inside = b.and_(b.icmp_signed(">", count, i64(0)), b.icmp_signed("<", count, alive_before))
        split = b.or_(split, inside)
    return split


def _statistics(c: _Code, n: int, a: dict, layer, cols, alive_before, masked) -> ir.Value:
    """The layer's moments, collapsed and output_nonzero; returns sum_var + mean_sq as stored
    (dead points' outputs as zero where masked). Returns OVERFLOW from run_network on an
    infinite sum."""
    b = c.b
    total = a["total"]
    sum_var, mean_sq = _moments(c, a["shifted"], SUMS, n, cols, total)
    energy = b.fadd(sum_var, mean_sq)
    finite = b.fcmp_ordered("<", b.call(_fabs(c.function.module), [energy]), f64(float("inf")))
    with b.if_then(b.not_(finite)):
        b.ret(i64(OVERFLOW))
    rtol2 = b.fmul(a["collapse_rtol"], a["collapse_rtol"])
    collapsed = b.fcmp_ordered("<=", sum_var, b.fmul(rtol2, energy))
    _store_output(c, a, "collapsed", layer, collapsed)
    nonzero = b.fcmp_ordered(">", energy, f64(0.0))
    _store_output(c, a, "output_nonzero", layer, nonzero)
    # std / RMS over every point: sqrt(sum_var / energy), sum_var clipped at 0; 0 when zero.
    ratio = b.fdiv(b.select(b.fcmp_ordered(">", sum_var, f64(0.0)), sum_var, f64(0.0)), energy)
    spread = b.call(_sqrt(c.function.module), [ratio])
    _store_output(c, a, "output_spread", layer, b.select(nonzero, spread, f64(0.0)))
    stats = c.var(sum_var), c.var(mean_sq)
    with b.if_then(masked):  # dead points' outputs as zero
        # Sums over the points alive before the layer; the others count as zeros.
        masked_stats = _moments(c, a["shifted"], LIVING_SUMS, n, alive_before, total)
        for slot, value in zip(stats, masked_stats, strict=True):
            c.set(slot, value)
    sum_var, mean_sq = c.get(stats[0]), c.get(stats[1])
    _store_output(c, a, "sum_var", layer, sum_var)
    _store_output(c, a, "mean_sq", layer, mean_sq)
    return b.fadd(sum_var, mean_sq)


def _rescale_shift(c: _Code, n: int, a: dict, energy: ir.Value) -> ir.Value:
    """The next layer's power of two: the exponent of the RMS activation sqrt(energy / n) when
    rescaling and the energy is positive, else 0."""
    b = c.b
    shift = c.var(i64(0))
    grow = b.and_(b.icmp_signed("!=", a["rescale"], i64(0)), b.fcmp_ordered(">", energy, f64(0.0)))
    with b.if_then(grow):
        root = b.call(_sqrt(c.function.module), [b.fdiv(energy, f64(float(n)))])
        c.set(shift, _frexp_exponent(c, root))
    return c.get(shift)


def _output_pass(c: _Code, n: int, passes, arguments: list, living, total) -> None:
    """The layer's output where dead points are kept, with the living ones in columns
    0..living-1 (``_partition``): the living pass over those, then the dead pass over the rest.
    Row i's SUMS become all points' shifted sums and, where some point is dead (the only
    layers that read them), its LIVING_SUMS the living points'."""
    b = c.b
    living_pass, dead_pass = passes
    *pointers, hit, shifted, positive, _cols, pitch = arguments
    with b.if_else(b.icmp_signed("==", living, i64(0))) as (none, some):
        with none:
            b.call(dead_pass, arguments)
            for i in range(n):
                center = c.load(shifted, i64(shifted_at(i, SUMS[0])), c.f)
                c.store(center, shifted, i64(shifted_at(i, LIVING_SUMS[0])))
                for slot in LIVING_SUMS[1:]:
                    c.store(ir.Constant(c.f, 0.0), shifted, i64(shifted_at(i, slot)))
            for i in range(n + 1):
                c.store(i64(0), positive, i64(i))
        with some:
            b.call(living_pass, [*pointers, hit, shifted, positive, living, pitch])
            dead = b.sub(total, living)
            with b.if_then(b.icmp_signed(">", dead, i64(0))):
                for i in range(n):
                    for slot, copy in zip(SUMS, LIVING_SUMS, strict=True):
                        value = c.load(shifted, i64(shifted_at(i, slot)), c.f)
                        c.store(value, shifted, i64(shifted_at(i, copy)))
                weights, offsets, inputs, outputs, amask = pointers
                moved = [c.at(p, living, c.f) for p in (inputs, outputs, amask, hit)]
                b.call(dead_pass, [weights, offsets, *moved, shifted, positive, dead, pitch])
                _merge_sums(c, n, shifted, dead)


def _merge_sums(c: _Code, n: int, shifted, dead) -> None:
    """Row i's SUMS = the sums over all points, shifted by the living points' c_i, from those
    over the living ones (its LIVING_SUMS) and the `dead` others (its SUMS, by their own first
    value d_i): with e = d_i - c_i, sum (x - c_i) = S + dead * e and
    sum (x - c_i)**2 = Q + 2 e S + dead * e**2 over the dead points; in float64."""
    b = c.b
    count = b.sitofp(dead, F64)
    for i in range(n):
        shift = c.load(shifted, i64(shifted_at(i, LIVING_SUMS[0])), c.f)
        living_s, living_q, dead_c, dead_s, dead_q = (
            c.to_double(c.load(shifted, i64(shifted_at(i, slot)), c.f))
            for slot in (*LIVING_SUMS[1:], *SUMS)
        )
        e = b.fsub(dead_c, c.to_double(shift))
        total_s = b.fadd(living_s, b.fadd(dead_s, b.fmul(count, e)))
        extra = b.fadd(b.fmul(b.fmul(f64(2.0), e), dead_s), b.fmul(count, b.fmul(e, e)))
        total_q = b.fadd(living_q, b.fadd(dead_q, extra))
        c.store(shift, shifted, i64(shifted_at(i, SUMS[0])))
        c.store(c.to_float(total_s), shifted, i64(shifted_at(i, SUMS[1])))
        c.store(c.to_float(total_q), shifted, i64(shifted_at(i, SUMS[2])))


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


def _standardize(c: _Code, n: int, a: dict, cols: ir.Value, _alive_before, _flipped) -> None:
    """Batch normalization's map: slope, offset per row, (z - mean) / (std + eps) as z * slope
    + offset, from the product pass's shifted sums; a row with std 0, or std at most
    CONSTANT_RTOL * |mean|, is constant up to rounding and becomes 0."""
    b = c.b
    count = b.sitofp(cols, F64)
    for i in range(n):

        def sum_of(slot, i=i):
            return c.to_double(c.load(a["shifted"], i64(shifted_at(i, slot)), c.f))

        center = sum_of(SUMS[0])
        mean_d = b.fdiv(sum_of(SUMS[1]), count)
        spread = b.fsub(
            b.fdiv(sum_of(SUMS[2]), count),
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


# The stage that chooses each row's affine map between a product pass and ``activate``, by
# contract.Plan.row_map: (code, n, arguments, columns, points alive before, flipped flag).
ROW_MAPS = {"signflip": _signflip, "standardize": _standardize}
