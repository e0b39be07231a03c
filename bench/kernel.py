"""Kernel throughput against a plain-numpy reference of the same computation.

iid, n=15, T=256 networks, M=1024 points, k=256 layers. GMAC/s counts
T*M*k*n^2 multiply-adds per pass, whatever the kernel skips. Medians of repeats.
The last line is: kernel_gmacs=X reference_gmacs=Y ratio=Z
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from reludeath import ShardSpec, kernel
from reludeath.simulate import draw_network

N, T, M, K = 15, 256, 1024, 256
MACS = T * M * K * N * N


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


def main() -> None:
    spec = ShardSpec("iid", N, K, T, M, seed=0)
    scheme = spec.scheme_object
    drawn = [draw_network(spec, scheme, t, np.dtype(np.float32)) for t in range(T)]
    x, weights, biases = (np.stack(parts) for parts in zip(*drawn, strict=True))
    outs = list(kernel.allocate_outputs(T, K).values())

    def run_kernel() -> None:
        kernel.run_networks(x, weights, biases, kernel.MODE_PLAIN, True, True, 1e-5, 1e-5, *outs)

    run_kernel()  # compile, or load from cache
    kernel_times = []
    for _ in range(7):
        start = time.perf_counter()
        run_kernel()
        kernel_times.append(time.perf_counter() - start)
    reference_times = []
    for _ in range(3):
        start = time.perf_counter()
        counts = numpy_reference(x, weights)
        reference_times.append(time.perf_counter() - start)
    assert np.array_equal(counts, outs[0]), "kernel and reference disagree on alive counts"
    kernel_gmacs = MACS / statistics.median(kernel_times) / 1e9
    reference_gmacs = MACS / statistics.median(reference_times) / 1e9
    print(f"kernel median {statistics.median(kernel_times):.3f} s over {len(kernel_times)} runs")
    reference_median = statistics.median(reference_times)
    print(f"reference median {reference_median:.3f} s over {len(reference_times)} runs")
    print(
        f"kernel_gmacs={kernel_gmacs:.1f} reference_gmacs={reference_gmacs:.2f} "
        f"ratio={kernel_gmacs / reference_gmacs:.1f}"
    )


if __name__ == "__main__":
    main()
