"""Build, cache and load the kernel's compiled code, for this machine's CPU or a named one.

``runner`` links a width's layer loop (``layerloop``) with the passes of a plan (``passes``),
each its own module, with llvmlite's linker, and compiles the result; ``layer_pass`` compiles
one pass alone (tests, benchmarks). The ctypes prototypes come from the signatures declared in
``contract``; compiling, the CPU target and the disk cache are ``reludeath.compiler``'s.
"""

from __future__ import annotations

import ctypes
from functools import cache

import llvmlite.ir as ir

from reludeath import compiler
from reludeath.kernel import layerloop, passes
from reludeath.kernel.contract import (
    PASS_ARGUMENTS,
    PLANS,
    RUN_ARGUMENTS,
    RUN_NETWORK,
    Mode,
    pass_symbol,
)


def prototype(arguments, returns: type | None) -> type:
    """The ctypes function type of a declared C signature (contract.Argument's kinds)."""
    return compiler.prototype((a.kind for a in arguments), returns)


def row_block(cpu: str | None = None, features: str = "") -> int:
    """Output rows per block of a pass for a target (``passes.MAX_BLOCK`` with AVX-512's 32
    vector registers, ``passes.NARROW_BLOCK`` without); this machine's target by default."""
    if cpu is None:
        cpu, features = compiler.target_cpu()
    return passes.MAX_BLOCK if compiler.has_avx512(cpu, features) else passes.NARROW_BLOCK


def pass_assembly(n: int, kind: str, dtype: str, cpu: str) -> str:
    """The optimized assembly of one pass for the LLVM CPU `cpu` (its default features), as the
    kernel would compile it there: for reading the inner loop (bench/mca.py), never run."""
    return compiler.emit_assembly([passes.source(n, kind, dtype, row_block(cpu, ""))], cpu)


@cache
def runner(n: int, mode: Mode, compact: bool, dtype: str) -> ctypes._CFuncPtr:
    """run_network (contract.RUN_ARGUMENTS) for width n, the plan of `mode` and `dtype`,
    compiled once."""
    plan = PLANS[mode]
    module = ir.Module(name=f"network_n{n}")
    module.triple = ""  # the target machine's, set when compiled
    layerloop.define_run_network(module, n, dtype, plan, compact)
    names = plan.passes(compact)
    block = row_block()
    sources = (passes.source(n, name, dtype, block) for name in names)
    engine = compiler.load([str(module), *sources], f"network_n{n}_{'-'.join(names)}_{dtype}")
    return prototype(RUN_ARGUMENTS, ctypes.c_int64)(engine.get_function_address(RUN_NETWORK))


@cache
def layer_pass(n: int, kind: str, dtype: str, block: int | None = None) -> ctypes._CFuncPtr:
    """One pass alone (contract.PASS_ARGUMENTS), for tests and benchmarks; its rows in blocks
    of at most `block` (default: this target's, ``row_block``)."""
    source = passes.source(n, kind, dtype, row_block() if block is None else block)
    engine = compiler.load([source], f"layer_n{n}_{kind}_{dtype}")
    return prototype(PASS_ARGUMENTS, None)(engine.get_function_address(pass_symbol(kind)))
