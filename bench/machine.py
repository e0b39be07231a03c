"""The machine's own matmul rate, the yardstick for the kernel's: a large float32 matmul
(2048 x 2048 by 2048 x 2048, all cores, numpy's BLAS). Last line: sgemm_gmacs=S
"""

from __future__ import annotations

import statistics
import time

import numpy as np

SIZE = 2048


def sgemm_gmacs(repeats: int = 7) -> float:
    """Median rate of a SIZE^3 float32 matmul in GMAC/s (multiply-adds per second / 1e9)."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((SIZE, SIZE), dtype=np.float32)
    b = rng.standard_normal((SIZE, SIZE), dtype=np.float32)
    out = np.empty_like(a)
    np.matmul(a, b, out=out)  # warm up threads and caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        np.matmul(a, b, out=out)
        times.append(time.perf_counter() - start)
    return SIZE**3 / statistics.median(times) / 1e9


if __name__ == "__main__":
    print(f"sgemm_gmacs={sgemm_gmacs():.1f}")
