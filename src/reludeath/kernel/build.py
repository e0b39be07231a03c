"""Build, cache and load the kernel's compiled code, for this machine's CPU or a named one.

``runner`` links a width's layer loop (``layerloop``) with the passes of a plan (``passes``),
each its own module, with llvmlite's linker, and compiles the result; ``layer_pass`` compiles
one pass alone (tests, benchmarks). The ctypes prototypes come from the signatures declared in
``contract``.

Compiled modules are cached on disk (``$RELUDEATH_KERNEL_CACHE``, else ``~/.cache/reludeath``)
as object files keyed by a hash of the IR, the CPU and llvmlite's version, written under a
temporary name and linked into place, so concurrent jobs are safe.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import tempfile
from contextlib import suppress
from functools import cache
from pathlib import Path

import llvmlite
import llvmlite.binding as llvm
import llvmlite.ir as ir

from reludeath.kernel import layerloop, passes
from reludeath.kernel.contract import (
    PASS_ARGUMENTS,
    PLANS,
    RUN_ARGUMENTS,
    RUN_NETWORK,
    Mode,
    pass_symbol,
)

# The ctypes type of each kind of C argument (contract.KINDS).
_CTYPES = {"ptr": ctypes.c_void_p, "i64": ctypes.c_int64, "double": ctypes.c_double}


def prototype(arguments, returns: type | None) -> type:
    """The ctypes function type of a declared C signature."""
    return ctypes.CFUNCTYPE(returns, *(_CTYPES[a.kind] for a in arguments))


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


# LLVM CPU names (prefixes) with AVX-512, for a CPU named in $RELUDEATH_KERNEL_CPU.
_AVX512_CPUS = (
    "x86-64-v4", "skylake-avx512", "cascadelake", "cooperlake", "cannonlake", "icelake",
    "tigerlake", "rocketlake", "sapphirerapids", "emeraldrapids", "graniterapids", "znver4",
    "znver5", "knl", "knm",
)  # fmt: skip


def has_avx512(cpu: str, features: str) -> bool:
    """Whether code for (cpu, features) (``target_cpu``) may use AVX-512: from the features where
    given (this machine's), else from the CPU's name."""
    if features:
        return "+avx512f" in features.split(",")
    return cpu.startswith(_AVX512_CPUS)


def row_block(cpu: str | None = None, features: str = "") -> int:
    """Output rows per block of a pass for a target (``passes.MAX_BLOCK`` with AVX-512's 32
    vector registers, ``passes.NARROW_BLOCK`` without); this machine's target by default."""
    if cpu is None:
        cpu, features = target_cpu()
    return passes.MAX_BLOCK if has_avx512(cpu, features) else passes.NARROW_BLOCK


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


def _optimize(module: llvm.ModuleRef, tm: llvm.TargetMachine) -> None:
    """The optimization pipeline every compiled module runs (O3, no auto-vectorization)."""
    options = llvm.create_pipeline_tuning_options(speed_level=3)
    options.loop_vectorization = False  # the passes are vectorized already
    options.slp_vectorization = False
    builder = llvm.create_pass_builder(tm, options)
    builder.getModulePassManager().run(module, builder)


def pass_assembly(n: int, kind: str, dtype: str, cpu: str) -> str:
    """The optimized assembly of one pass for the LLVM CPU `cpu` (its default features), as the
    kernel would compile it there: for reading the inner loop (bench/mca.py), never run."""
    module = _linked([passes.source(n, kind, dtype, row_block(cpu, ""))])
    tm = _target_machine(cpu, "")
    _optimize(module, tm)
    return tm.emit_assembly(module)


def _compile(module: llvm.ModuleRef, tag: str) -> llvm.ExecutionEngine:
    """An execution engine for `module`, its machine code from the disk cache when there
    (named `tag` and a hash of what the code depends on), else compiled now and cached."""
    text = str(module)
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
        _optimize(module, tm)
    engine.finalize_object()
    _ENGINES.append(engine)
    return engine


def _linked(parts: list[str]) -> llvm.ModuleRef:
    """One module from the IR texts `parts`, joined by llvmlite's linker."""
    modules = [llvm.parse_assembly(part) for part in parts]
    for module in modules:
        module.verify()
    main, *others = modules
    for other in others:
        main.link_in(other)
    return main


def compiled_function(
    sources: list[str], tag: str, symbol: str, signature: type
) -> ctypes._CFuncPtr:
    """Function `symbol` of the IR texts `sources`, linked and compiled for the target CPU (or
    loaded from the disk cache under `tag`), as the ctypes function type `signature`. For code
    beside the kernel (``reludeath.normals``, ``reludeath.pcg``): the callers cache it."""
    engine = _compile(_linked(list(sources)), tag)
    return signature(engine.get_function_address(symbol))


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
    linked = _linked([str(module), *sources])
    engine = _compile(linked, f"network_n{n}_{'-'.join(names)}_{dtype}")
    return prototype(RUN_ARGUMENTS, ctypes.c_int64)(engine.get_function_address(RUN_NETWORK))


@cache
def layer_pass(n: int, kind: str, dtype: str, block: int | None = None) -> ctypes._CFuncPtr:
    """One pass alone (contract.PASS_ARGUMENTS), for tests and benchmarks; its rows in blocks
    of at most `block` (default: this target's, ``row_block``)."""
    source = passes.source(n, kind, dtype, row_block() if block is None else block)
    engine = _compile(_linked([source]), f"layer_n{n}_{kind}_{dtype}")
    return prototype(PASS_ARGUMENTS, None)(engine.get_function_address(pass_symbol(kind)))
