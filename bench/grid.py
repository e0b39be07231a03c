"""Time the paper's grid for every scheme: n = 1..15, k = 256, T networks x 1024 points
(T = 1024 unless given as the first argument). Prints, per scheme, the kernel's seconds and,
separately, the seconds spent drawing parameters and data, and the kernel's ratio to iid; also
the kernel's core-nanoseconds per unit of work (n^2 * M multiply-adds
of a layer the kernel computed), which compares schemes per unit of work: networks of some
schemes die within a few layers, and compacted ones then stop; then the machine's matmul rate.
The last line is: grid_kernel_s=X grid_draw_s=Y
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from machine import sgemm_gmacs

from reludeath import ShardSpec, kernel
from reludeath.simulate import _BATCHNORM_EPS, _COLLAPSE_RTOL, draw_network

M, K = 1024, 256
SCHEMES = ("iid", "iid_bias", "batchnorm", "signflip", "rai")


def run_scheme(name: str, networks: int) -> tuple[float, float, float]:
    """(kernel seconds, drawing seconds, living work units n^2 * M over layers run) over
    n = 1..15."""
    kernel_s = draw_s = work = 0.0
    threads = os.cpu_count() or 1
    for n in range(1, 16):
        spec = ShardSpec(name, n, K, networks, M, seed=0)
        scheme = spec.scheme_object
        outs = list(kernel.allocate_outputs(networks, K).values())
        small = ShardSpec(name, n, 2, 2, 8, seed=0)  # compile (or load) outside the timing
        parts = [draw_network(small, scheme, t, scheme.dtype) for t in range(2)]
        x, w, b = (np.stack(p) for p in zip(*parts, strict=True))
        small_outs = kernel.allocate_outputs(2, 2).values()
        mode, compact, rescale = scheme.mode, scheme.compact, scheme.rescale
        kernel.run_networks(x, w, b, mode, compact, rescale, 1e-5, 1e-5, *small_outs)
        start = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            draw = partial(draw_network, spec, scheme, dtype=scheme.dtype)
            drawn = list(pool.map(lambda t, draw=draw: draw(network=t), range(networks)))
        x, w, b = (np.stack(p) for p in zip(*drawn, strict=True))
        draw_s += time.perf_counter() - start
        start = time.perf_counter()
        kernel.run_networks(
            x, w, b, mode, compact, rescale, _BATCHNORM_EPS, _COLLAPSE_RTOL, *outs
        )  # fmt: skip
        kernel_s += time.perf_counter() - start
        alive = outs[0]
        # Layers the kernel computed: all of them, or up to and including death (compacted).
        layers_run = (np.count_nonzero(alive > 0) + np.count_nonzero(alive[:, -1] == 0)
                      if compact else alive.size)  # fmt: skip
        work += float(layers_run) * n * n * M
    return kernel_s, draw_s, work


def main() -> None:
    networks = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; T={networks}")
    kernel_total = draw_total = 0.0
    seconds, unit = {}, {}
    for name in SCHEMES:
        kernel_s, draw_s, work = run_scheme(name, networks)
        seconds[name] = kernel_s
        unit[name] = kernel_s / work * 1e9 * (os.cpu_count() or 1)
        print(
            f"{name}: kernel {kernel_s:.1f} s ({kernel_s / seconds['iid']:.2f} x iid), "
            f"drawing {draw_s:.1f} s, {unit[name]:.3f} core-ns per computed n^2*M unit "
            f"({unit[name] / unit['iid']:.2f} x iid)",
            flush=True,
        )
        kernel_total += kernel_s
        draw_total += draw_s
    print(f"sgemm_gmacs={sgemm_gmacs():.1f}; load average {os.getloadavg()[0]:.1f}")
    print(f"grid_kernel_s={kernel_total:.1f} grid_draw_s={draw_total:.1f}")


if __name__ == "__main__":
    main()
