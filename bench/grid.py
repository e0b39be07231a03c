"""Time the paper's grid for every scheme: n = 1..15, k = 256, T networks x 1024 points
(T = 1024 unless given as the first argument). Prints, per scheme, the kernel's seconds and,
separately, the seconds spent drawing parameters and data, and the kernel's ratio to iid (each a
median of three runs of each cell, schemes interleaved within each width); also
the kernel's core-nanoseconds per unit of work (n^2 * M multiply-adds
of a layer the kernel computed), which compares schemes per unit of work: networks of some
schemes die within a few layers, and compacted ones then stop; and kernel plus drawing, the
time a shard of the scheme takes; then the machine's matmul rate.
The last line is: grid_kernel_s=X grid_draw_s=Y
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from machine import say, sgemm_gmacs

from reludeath import ShardSpec, kernel
from reludeath.simulate import draw_networks

M, K = 1024, 256
SCHEMES = ("iid", "iid_bias", "batchnorm", "signflip", "rai")


def _draw(spec: ShardSpec, scheme) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every network's (x, weights, biases), drawn as ``simulate_shard`` draws a chunk: into
    fresh arrays made for the kernel, one part of the batch a core."""
    networks = np.arange(spec.networks)
    return draw_networks(spec, scheme, networks, scheme.dtype, threads=os.cpu_count() or 1)


def run_cell(name: str, n: int, networks: int) -> tuple[float, float, float]:
    """(kernel seconds, drawing seconds, work units n^2 * M over the layers computed) of one
    (scheme, n) of the grid, each the median of three runs. Drawing is everything outside the
    kernel call that makes its inputs: allocating the arrays and drawing into them, as
    ``simulate_shard`` does (one thread per core)."""
    spec = ShardSpec(name, n, K, networks, M, seed=0)
    scheme = spec.scheme_object
    outs = kernel.allocate_outputs(networks, K)
    settings = scheme.kernel_settings()
    small = ShardSpec(name, n, 2, 2, 8, seed=0)  # compile (or load) outside the timing
    x, w, b = draw_networks(small, scheme, np.arange(2), scheme.dtype)
    kernel.run_networks(x, w, b, settings, kernel.allocate_outputs(2, 2))
    draws = []
    for _ in range(3):  # drawing as simulate_shard does: into fresh arrays for the kernel
        start = time.perf_counter()
        x, w, b = _draw(spec, scheme)
        draws.append(time.perf_counter() - start)
    draw_s = float(np.median(draws))
    times = []
    for _ in range(3):
        start = time.perf_counter()
        kernel.run_networks(x, w, b, settings, outs)
        times.append(time.perf_counter() - start)
    alive = outs["alive_points"]
    # Layers the kernel computed: all of them, or up to and including death (compacted).
    layers_run = (np.count_nonzero(alive > 0) + np.count_nonzero(alive[:, -1] == 0)
                  if settings.compact else alive.size)  # fmt: skip
    return float(np.median(times)), draw_s, float(layers_run) * n * n * M


def main() -> None:
    networks = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    say(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; T={networks}")
    seconds = dict.fromkeys(SCHEMES, 0.0)
    drawing = dict.fromkeys(SCHEMES, 0.0)
    work = dict.fromkeys(SCHEMES, 0.0)
    for n in range(1, 16):  # schemes interleaved, so that a drift of the machine's speed
        for name in SCHEMES:  # weighs on all of them alike
            kernel_s, draw_s, units = run_cell(name, n, networks)
            seconds[name] += kernel_s
            drawing[name] += draw_s
            work[name] += units
    unit = {name: seconds[name] / work[name] * 1e9 * (os.cpu_count() or 1) for name in SCHEMES}
    both = {name: seconds[name] + drawing[name] for name in SCHEMES}
    for name in SCHEMES:
        say(
            f"{name}: kernel {seconds[name]:.1f} s ({seconds[name] / seconds['iid']:.2f} x iid), "
            f"drawing {drawing[name]:.1f} s, {unit[name]:.3f} core-ns per computed n^2*M unit "
            f"({unit[name] / unit['iid']:.2f} x iid), kernel + drawing {both[name]:.1f} s "
            f"({both[name] / both['iid']:.2f} x iid)"
        )
    say(f"sgemm_gmacs={sgemm_gmacs():.1f}; load average {os.getloadavg()[0]:.1f}")
    say(f"grid_kernel_s={sum(seconds.values()):.1f} grid_draw_s={sum(drawing.values()):.1f}")


if __name__ == "__main__":
    main()
