"""The machine's own matmul rate, the yardstick for the kernel's: a large float32 matmul
(2048 x 2048 by 2048 x 2048, all cores, numpy's BLAS). Last line: sgemm_gmacs=S
"""

from __future__ import annotations

import statistics
import time

import numpy as np

SIZE = 2048


class Sgemm:
    """A SIZE^3 float32 matmul, warmed up; `seconds()` times one more."""

    def __init__(self) -> None:
        rng = np.random.default_rng(0)
        self.a = rng.standard_normal((SIZE, SIZE), dtype=np.float32)
        self.b = rng.standard_normal((SIZE, SIZE), dtype=np.float32)
        self.out = np.empty_like(self.a)
        np.matmul(self.a, self.b, out=self.out)  # warm up threads and caches

    def seconds(self) -> float:
        start = time.perf_counter()
        np.matmul(self.a, self.b, out=self.out)
        return time.perf_counter() - start


def gmacs(seconds: list[float]) -> float:
    """GMAC/s (multiply-adds per second / 1e9) of the median of SIZE^3 matmul times."""
    return SIZE**3 / statistics.median(seconds) / 1e9


def sgemm_gmacs(repeats: int = 7) -> float:
    """Median rate of a SIZE^3 float32 matmul in GMAC/s."""
    sgemm = Sgemm()
    return gmacs([sgemm.seconds() for _ in range(repeats)])


if __name__ == "__main__":
    print(f"sgemm_gmacs={sgemm_gmacs():.1f}")
