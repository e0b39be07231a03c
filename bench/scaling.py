"""How the kernel's cost grows: seconds per network and per layer against the width n, the
number of points M and the depth k, with the fitted exponents (least squares on log-log).

Living networks (signflip, which never dies) should cost ~ n^2 * M * k; a network that has died
costs nothing more (iid at n = 2, where almost every network is dead within a few layers).
Small layers also pay a fixed cost per layer (the driver's statistics, a pass's set-up and final
sums: about 0.5 us) and per network (about 40 us), so the exponents are fitted where the work
dominates (n >= 8, M >= 1024), and the fixed costs are printed too.
Last line: exponent_n=A exponent_M=B exponent_k=C
"""

from __future__ import annotations

import os
import time

import numpy as np

from reludeath import ShardSpec, kernel
from reludeath.simulate import draw_network

T = 64


def seconds(scheme_name: str, n: int, M: int, k: int) -> float:
    """Median kernel seconds for T networks (parameters drawn beforehand)."""
    spec = ShardSpec(scheme_name, n, k, T, M, seed=0)
    scheme = spec.scheme_object
    drawn = [draw_network(spec, scheme, t, scheme.dtype) for t in range(T)]
    x, w, b = (np.stack(p) for p in zip(*drawn, strict=True))
    outs = kernel.allocate_outputs(T, k)
    settings = scheme.kernel_settings()
    kernel.run_networks(x[:1], w[:1], b[:1], settings, outs.rows(0, 1))  # compile
    times = []
    for _ in range(3):
        start = time.perf_counter()
        kernel.run_networks(x, w, b, settings, outs)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def fit(xs: list[int], ys: list[float]) -> float:
    """Slope of log y against log x."""
    return float(np.polyfit(np.log(xs), np.log(ys), 1)[0])


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; T={T}")
    widths, points, depths = (
        [1, 2, 4, 8, 16, 32, 64],
        [64, 256, 1024, 4096, 8192],
        [32, 64, 128, 256],
    )
    ys = [seconds("signflip", n, 1024, 64) for n in widths]
    for n, y in zip(widths, ys, strict=True):
        print(f"n={n:3d} M=1024 k=64: {y / T / 64 * 1e6:8.2f} us per network and layer")
    e_n = fit(widths[3:], ys[3:])
    ys = [seconds("signflip", 8, m, 64) for m in points]
    for m, y in zip(points, ys, strict=True):
        print(f"n=8 M={m:5d} k=64: {y / T / 64 * 1e6:8.2f} us per network and layer")
    e_m = fit(points[2:], ys[2:])
    ys = [seconds("signflip", 8, 1024, k) for k in depths]
    for k, y in zip(depths, ys, strict=True):
        print(f"n=8 M=1024 k={k:4d}: {y / T / k * 1e6:8.2f} us per network and layer")
    e_k = fit(depths, ys)
    per_layer, per_network = np.polyfit(depths, np.array(ys) / T, 1)
    print(f"n=8 M=1024: {per_layer * 1e6:.2f} us per layer, {per_network * 1e6:.1f} us per network")
    dead = [seconds("iid", 2, 1024, k) for k in depths]
    for k, y in zip(depths, dead, strict=True):
        print(f"iid n=2 (dies) M=1024 k={k:4d}: {y / T * 1e6:8.1f} us per network")
    print(f"dying networks: exponent in k {fit(depths, dead):.2f} (0: cost stops at death)")
    print(f"exponent_n={e_n:.2f} exponent_M={e_m:.2f} exponent_k={e_k:.2f}")


if __name__ == "__main__":
    main()
