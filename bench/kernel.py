"""Kernel throughput against a plain-numpy reference and against the machine's own matmul.

Usage: python bench/kernel.py [--width N]

iid networks over M=1024 points. Without --width: T=256 networks, k=256 layers, for n = 4, 8
and 15 (n = 15 last, with the numpy reference: almost nothing dies there, so nothing is
skipped). With --width N (1 <= N <= 64, one width a process): that width alone, with the
reference. Above n = 15, T and k shrink so that a run does the n = 15 run's multiply-adds,
T*k*n^2 = 256*256*15^2, and takes about a minute in all (T = max(64, 256*15^2/n^2) networks,
so that every core gets several; k = 256*256*15^2 / (T*n^2) layers: n = 32 runs T = 64,
k = 225, n = 64 runs T = 64, k = 56). GMAC/s counts T*M*k*n^2 multiply-adds per pass, whatever
the kernel skips. Medians of repeats, all cores. The machine's rate is a large float32 matmul
measured in the same process (bench/machine.py); efficiency = kernel / sgemm.
Beside the efficiency, the limit derived for this machine's target (bench/mca.py, as a
fraction of the FMA ports' peak; efficiency can reach at most limit * peak / sgemm). Every line
ends with the CPU model, its ISA and the kernel's target (machine.where). The last line is:
width=N kernel_gmacs=X reference_gmacs=Y ratio=Z sgemm_gmacs=S efficiency=E limit=L ... cpu=...
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from machine import Sgemm, gmacs, say, sgemm_gmacs
from mca import analyse, find_mca

from reludeath import ShardSpec, compiler, kernel
from reludeath.simulate import draw_network

T, M, K = 256, 1024, 256
WIDTHS = range(1, 65)


def shape(n: int) -> tuple[int, int]:
    """(networks T, layers k) at width n: T = K = 256 up to n = 15, then as many
    multiply-adds as n = 15 does (T*k*n^2 = 256*256*15^2), with T >= 64."""
    budget = T * K * 15**2
    networks = max(64, min(T, round(budget / (K * n * n))))
    return networks, min(K, round(budget / (networks * n * n)))


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


def limit(n: int) -> str:
    """The derived limit for this target at width n (bench/mca.py: llvm-mca's cycles per 16
    points against the FMA ports' peak, and n / (n + e) where every vector operation shares
    the FMA ports), or why there is none."""
    mca = find_mca()
    if mca is None:
        return "limit=unknown (no llvm-mca)"
    cpu, features = compiler.target_cpu()
    try:
        fields = dict(f.split("=", 1) for f in analyse(mca, n, cpu).split() if "=" in f)
    except subprocess.CalledProcessError as error:  # e.g. LLVM 14's llvm-mca knows no znver4
        reason = (error.stderr or "").strip().splitlines()[:1] or [f"exit {error.returncode}"]
        return f"limit=unknown (llvm-mca cannot model {cpu}: {reason[0][:80]})"
    if compiler.has_avx512(cpu, features) and not cpu.startswith("znver"):  # Intel: shared ports
        return f"limit={fields['limit']} shared_ports_limit={fields['shared_ports_limit']}"
    return f"limit={fields['limit']}"


def measure(n: int, reference: bool) -> str:
    networks, depth = shape(n)
    spec = ShardSpec("iid", n, depth, networks, M, seed=0)
    scheme = spec.scheme_object
    drawn = [draw_network(spec, scheme, t, np.dtype(np.float32)) for t in range(networks)]
    x, weights, biases = (np.stack(parts) for parts in zip(*drawn, strict=True))
    outs = kernel.allocate_outputs(networks, depth)
    settings = scheme.kernel_settings("float32")

    def run_kernel() -> None:
        kernel.run_networks(x, weights, biases, settings, outs)

    start = time.perf_counter()
    run_kernel()  # compile, or load from cache
    first = time.perf_counter() - start
    times, beside = [], []
    sgemm_timer = Sgemm()
    for _ in range(7):  # kernel and sgemm alternate: both see the machine's load alike
        start = time.perf_counter()
        run_kernel()
        times.append(time.perf_counter() - start)
        beside.append(sgemm_timer.seconds())
    sgemm = gmacs(beside)
    macs = networks * M * depth * n * n
    kernel_gmacs = macs / statistics.median(times) / 1e9
    line = (
        f"n={n} T={networks} k={depth}: first call {first:.2f} s (compile or cache), "
        f"kernel median {statistics.median(times):.3f} s over {len(times)} runs"
    )
    if not reference:
        efficiency = kernel_gmacs / sgemm
        return (
            f"{line}\nn={n} kernel_gmacs={kernel_gmacs:.1f} sgemm_gmacs={sgemm:.1f} "
            f"efficiency={efficiency:.2f} {limit(n)}"
        )
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
        f"width={n} kernel_gmacs={kernel_gmacs:.1f} reference_gmacs={reference_gmacs:.2f} "
        f"ratio={kernel_gmacs / reference_gmacs:.1f} sgemm_gmacs={sgemm:.1f} "
        f"efficiency={kernel_gmacs / sgemm:.2f} {limit(n)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, help="one width, 1 to 64, with the reference")
    args = parser.parse_args()
    if args.width is not None and args.width not in WIDTHS:
        parser.error(f"--width must be in 1..64, not {args.width}")
    say(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    say(f"sgemm_gmacs={sgemm_gmacs():.1f} at the start (2048^3 float32 matmul, all cores)")
    if args.width is not None:
        say(measure(args.width, reference=True))
        return
    for n in (4, 8):
        say(measure(n, reference=False), flush=True)
    say(measure(15, reference=True))


if __name__ == "__main__":
    main()
