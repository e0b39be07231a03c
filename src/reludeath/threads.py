"""Keep a job within the cores it declared: BLAS, numba and kernel threads set to `threads`.

A Snakemake job declared with ``threads: t`` must use at most t cores. Left to their
defaults, OpenBLAS and numba each start one thread per core of the machine, whatever the job
declared. `limit_threads(t)` sets both pools: through the environment for libraries not yet
loaded (call it before importing numpy where possible), and through the libraries' own calls
for those already loaded; the kernel reads ``$RELUDEATH_NUM_THREADS``. No extra dependency:
OpenBLAS and MKL are found among the shared libraries mapped into the process and called
through ctypes.
"""

from __future__ import annotations

import ctypes
import os
import sys

__all__ = ["limit_threads"]

_ENV = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "RELUDEATH_NUM_THREADS",  # the kernel's own threads (reludeath.kernel.default_threads)
)
# Setter symbols of OpenBLAS builds (plain, 64-bit interface, and the scipy-openblas wheels
# that numpy and scipy bundle) and of MKL.
_SETTERS = (
    "openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "scipy_openblas_set_num_threads64_",
    "MKL_Set_Num_Threads",
)


def _loaded_libraries() -> list[str]:
    """Paths of the BLAS-like shared libraries mapped into this process (Linux; else none)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "/" in line}
    except OSError:
        return []
    keys = ("blas", "mkl", "blis")
    names = {p: os.path.basename(p).lower() for p in paths}
    return sorted(p for p, b in names.items() if ".so" in b and any(k in b for k in keys))


def _set_loaded_blas(threads: int) -> int:
    """Call the thread-count setter of every loaded BLAS; return how many were set."""
    done = 0
    for path in _loaded_libraries():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _SETTERS:
            setter = getattr(lib, name, None)
            if setter is not None:
                setter.argtypes = [ctypes.c_int]
                setter.restype = None
                setter(threads)
                done += 1
                break
    return done


def limit_threads(threads: int) -> None:
    """Use at most `threads` threads in BLAS and numba from now on (threads >= 1).

    Environment variables are set for libraries loaded later (and for child processes);
    OpenBLAS/MKL already loaded are set through their own calls; numba, if imported, through
    ``numba.set_num_threads`` (its pool is created with ``NUMBA_NUM_THREADS`` threads when
    numba is first imported, so calling this first keeps that pool small too).
    """
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be an integer >= 1, got {threads!r}")
    for name in _ENV:
        os.environ[name] = str(threads)
    if "numba" not in sys.modules:
        os.environ["NUMBA_NUM_THREADS"] = str(threads)
    else:
        import numba

        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    _set_loaded_blas(threads)
