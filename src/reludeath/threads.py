"""Keep a job within the cores it declared: BLAS, OpenMP, numba and kernel threads set to
`threads`.

A Snakemake job declared with ``threads: t`` must use at most t cores. Left to their
defaults, OpenBLAS and numba each start one thread per core of the machine, whatever the job
declared. `limit_threads(t)` sets every pool: through the environment for libraries not yet
loaded (call it before importing numpy where possible), through threadpoolctl for the BLAS and
OpenMP libraries already loaded, and through ``numba.set_num_threads``; the kernel reads
``$RELUDEATH_NUM_THREADS``.
"""

from __future__ import annotations

import os
import sys

from threadpoolctl import threadpool_limits

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


def limit_threads(threads: int) -> None:
    """Use at most `threads` threads in BLAS, OpenMP and numba from now on (threads >= 1).

    Environment variables are set for libraries loaded later (and for child processes); BLAS
    and OpenMP libraries already loaded are set through threadpoolctl (the limit stays: it is
    not used as a context); numba, if imported, through ``numba.set_num_threads`` (its pool is
    created with ``NUMBA_NUM_THREADS`` threads when numba is first imported, so calling this
    first keeps that pool small too).
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
    threadpool_limits(limits=threads)
