"""The machine's own matmul rate, the yardstick for the kernel's: a large float32 matmul
(2048 x 2048 by 2048 x 2048, all cores, numpy's BLAS). Last line: sgemm_gmacs=S
"""

from __future__ import annotations

import platform
import statistics
import time
from functools import cache

import numpy as np

SIZE = 2048


@cache
def where() -> str:
    """Where a figure was measured: the CPU model, its widest vector ISA and the LLVM CPU the
    kernel is compiled for, as `cpu="..." isa=... target=...`."""
    model, flags = platform.processor() or "unknown", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and model == (platform.processor() or "unknown"):
                    model = value.strip()
                elif key.strip() == "flags" and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    isa = next(
        (name for name in ("avx512f", "avx2", "avx", "sse2") if name in flags), "unknown"
    ).replace("avx512f", "avx512")
    from reludeath.compiler import target_cpu  # llvmlite, only when asked

    return f'cpu="{model}" isa={isa} target={target_cpu()[0]}'


def say(text: object = "", **kwargs) -> None:
    """print, each line followed by where it was measured (``where``)."""
    for line in str(text).splitlines() or [""]:
        print(f"{line} {where()}", **kwargs)


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
    say(f"sgemm_gmacs={sgemm_gmacs():.1f}")
