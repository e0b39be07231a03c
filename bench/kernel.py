"""Kernel throughput against a plain-numpy reference and against the machine's own matmul.

iid, T=256 networks, M=1024 points, k=256 layers, for n = 4, 8 and 15 (n = 15 last: almost
nothing dies there, so nothing is skipped). GMAC/s counts T*M*k*n^2 multiply-adds per pass,
whatever the kernel skips. Medians of repeats, all cores. The machine's rate is a large
float32 matmul measured in the same process (bench/machine.py); efficiency = kernel / sgemm.
The last line is: kernel_gmacs=X reference_gmacs=Y ratio=Z sgemm_gmacs=S efficiency=E
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from machine import sgemm_gmacs

from reludeath import ShardSpec, kernel
from reludeath.simulate import draw_network

T, M, K = 256, 1024, 256


def numpy_reference(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Alive counts and variance terms with one batched matmul per layer."""
    h = x.astype(np.float32)
    alive = np.ones((x.shape[0], x.shape[2]), bool)
    counts = np.empty((x.shape[0], weights.shape[1]), np.int64)
    for layer in range(weights.shape[1]):
        h = np.maximum(np.matmul(weights[:, layer], h), 0)
        alive &= (h > 0).any(axis=1)
        counts[:, layer] = alive.sum(axis=1)
        h64 = h.astype(np.float64)
        _ = h64.var(axis=2).sum(axis=1), (h64.mean(axis=2) ** 2).sum(axis=1)
        h /= np.maximum(h.max(axis=(1, 2), keepdims=True), 1e-30)  # rescale
    return counts


def measure(n: int, sgemm: float, reference: bool) -> str:
    spec = ShardSpec("iid", n, K, T, M, seed=0)
    scheme = spec.scheme_object
    drawn = [draw_network(spec, scheme, t, np.dtype(np.float32)) for t in range(T)]
    x, weights, biases = (np.stack(parts) for parts in zip(*drawn, strict=True))
    outs = kernel.allocate_outputs(T, K)
    settings = scheme.kernel_settings("float32")

    def run_kernel() -> None:
        kernel.run_networks(x, weights, biases, settings, outs)

    run_kernel()  # compile, or load from cache
    times = []
    for _ in range(7):
        start = time.perf_counter()
        run_kernel()
        times.append(time.perf_counter() - start)
    macs = T * M * K * n * n
    kernel_gmacs = macs / statistics.median(times) / 1e9
    line = f"n={n} kernel median {statistics.median(times):.3f} s over {len(times)} runs"
    if not reference:
        efficiency = kernel_gmacs / sgemm
        return f"{line}\nn={n} kernel_gmacs={kernel_gmacs:.1f} efficiency={efficiency:.2f}"
    reference_times = []
    for _ in range(3):
        start = time.perf_counter()
        counts = numpy_reference(x, weights)
        reference_times.append(time.perf_counter() - start)
    assert np.array_equal(counts, outs["alive_points"]), (
        "kernel and reference disagree on alive counts"
    )
    reference_gmacs = macs / statistics.median(reference_times) / 1e9
    return (
        f"{line}\nreference median {statistics.median(reference_times):.3f} s over "
        f"{len(reference_times)} runs\n"
        f"kernel_gmacs={kernel_gmacs:.1f} reference_gmacs={reference_gmacs:.2f} "
        f"ratio={kernel_gmacs / reference_gmacs:.1f} sgemm_gmacs={sgemm:.1f} "
        f"efficiency={kernel_gmacs / sgemm:.2f}"
    )


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    sgemm = sgemm_gmacs()
    print(f"sgemm_gmacs={sgemm:.1f} (2048^3 float32 matmul, all cores)")
    for n in (4, 8):
        print(measure(n, sgemm, reference=False), flush=True)
    print(measure(15, sgemm, reference=True))


if __name__ == "__main__":
    main()
