"""The compile service: LLVM IR text to machine code for this CPU, cached on disk.

``compiled_function`` links IR texts with llvmlite's linker, compiles them for the target CPU
(``target_cpu``) and returns one function as a ctypes function; the kernel (``kernel.build``)
and the sampler (``sampling.pcg``, ``sampling.normals``) build on it.

Compiled modules are cached on disk (``$RELUDEATH_KERNEL_CACHE``, else ``~/.cache/reludeath``)
as object files keyed by a hash of the IR, the CPU and llvmlite's version, each with its own
SHA-256 appended (a damaged file is compiled again, never loaded), written under a temporary name
and linked into place, so concurrent jobs are safe. A cached object is loaded as it is, without
parsing its IR.

llvmlite is imported on the first compile (``_llvm``), not with this module: planning a
workflow imports the sampler's modules for the schemes' metadata and compiles nothing.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import tempfile
from collections.abc import Iterable
from contextlib import suppress
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = [
    "cache_dir",
    "compiled_function",
    "emit_assembly",
    "has_avx512",
    "linked",
    "load",
    "prototype",
    "target_cpu",
]

# The ctypes type of each kind of C argument (reludeath.kernel.contract.KINDS).
_CTYPES = {"ptr": ctypes.c_void_p, "i64": ctypes.c_int64, "double": ctypes.c_double}


@cache
def _llvm() -> ModuleType:
    """llvmlite's binding, imported on first use."""
    import llvmlite.binding

    return llvmlite.binding


def prototype(kinds: Iterable[str], returns: type | None) -> type:
    """The ctypes function type of a C signature, its arguments' kinds ('ptr', 'i64', 'double')
    in order."""
    return ctypes.CFUNCTYPE(returns, *(_CTYPES[kind] for kind in kinds))


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
    """(CPU name, feature string) code is compiled for: this machine's, unless
    $RELUDEATH_KERNEL_CPU names an LLVM CPU (e.g. ``x86-64-v3``: AVX2, or ``x86-64``) whose
    instructions every machine of a cluster has."""
    name = os.environ.get("RELUDEATH_KERNEL_CPU", "")
    if name:
        return name, ""
    llvm = _llvm()
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


@cache
def _target_machine(cpu: str, features: str) -> Any:
    llvm = _llvm()
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    target = llvm.Target.from_default_triple()
    return target.create_target_machine(cpu=cpu, features=features, opt=3, codemodel="jitdefault")


# What compiled code depends on besides its IR (the optimization pipeline is set here).
_SOURCES = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()

# Every engine lives as long as the process: callers hold addresses of its code, and
# llvmlite's disposal of an engine with an object cache is not safe.
_ENGINES: list[object] = []


def _optimize(module: Any, tm: Any) -> None:
    """The optimization pipeline every compiled module runs (O3, no auto-vectorization)."""
    llvm = _llvm()
    options = llvm.create_pipeline_tuning_options(speed_level=3)
    options.loop_vectorization = False  # the IR is vectorized already
    options.slp_vectorization = False
    builder = llvm.create_pass_builder(tm, options)
    builder.getModulePassManager().run(module, builder)


def linked(parts: Iterable[str]) -> Any:
    """One llvmlite module from the IR texts `parts`, verified and joined by llvmlite's linker."""
    modules = [_llvm().parse_assembly(str(part)) for part in parts]
    for module in modules:
        module.verify()
    main, *others = modules
    for other in others:
        main.link_in(other)
    return main


def emit_assembly(parts: Iterable[str], cpu: str) -> str:
    """The optimized assembly of the IR texts `parts` for the LLVM CPU `cpu` (its default
    features), as this service would compile them there: for reading, never run."""
    module = linked(parts)
    tm = _target_machine(cpu, "")
    _optimize(module, tm)
    return tm.emit_assembly(module)


def _read_cached(path: Path) -> bytes | None:
    """The object code cached at `path` (stored with its SHA-256 appended), or None if absent or
    damaged; a damaged file is removed, to be compiled and written again (LLVM aborts on one)."""
    try:
        stored = path.read_bytes()
    except OSError:
        return None
    data, digest = stored[:-32], stored[-32:]
    if len(stored) > 32 and hashlib.sha256(data).digest() == digest:
        return data
    with suppress(OSError):
        path.unlink()
    return None


def load(parts: Iterable[str], tag: str) -> Any:
    """An execution engine for the IR texts `parts`, its machine code from the disk cache when
    there (named `tag` and a hash of what the code depends on), else compiled now and cached.
    A cached object is loaded as it is: its IR is neither parsed nor linked again."""
    import llvmlite

    llvm = _llvm()
    texts = [str(part) for part in parts]
    cpu, features = target_cpu()
    tm = _target_machine(cpu, features)
    key = hashlib.sha256(
        "\n".join([*texts, tm.triple, cpu, features, llvmlite.__version__, _SOURCES]).encode()
    ).hexdigest()[:20]
    path = cache_dir() / f"{tag}_{key}.o"
    cached = _read_cached(path)
    if cached is not None:
        engine = llvm.create_mcjit_compiler(llvm.parse_assembly(""), tm)
        engine.add_object_file(llvm.ObjectFileRef.from_data(cached))
    else:
        module = linked(texts)
        _optimize(module, tm)
        engine = llvm.create_mcjit_compiler(module, tm)

        def save(_module: object, data: bytes) -> None:
            with suppress(OSError):  # cache not writable: compiled again next time
                _write_once(path, data + hashlib.sha256(data).digest())

        engine.set_object_cache(save)
    engine.finalize_object()
    _ENGINES.append(engine)
    return engine


def compiled_function(
    sources: Iterable[str], tag: str, symbol: str, signature: type
) -> ctypes._CFuncPtr:
    """Function `symbol` of the IR texts `sources`, linked and compiled for the target CPU (or
    loaded from the disk cache under `tag`), as the ctypes function type `signature`; the
    callers cache it."""
    return signature(load(sources, tag).get_function_address(symbol))
