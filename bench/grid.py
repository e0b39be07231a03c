"""Time the paper's whole grid: iid, batchnorm and signflip x n=1..15 x k=256 x
1024 networks x 1024 points. Reports the kernel alone and, separately, drawing
the parameters; the last line is: grid_kernel_s=X grid_draw_s=Y
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import numpy as np

from reludeath import ShardSpec, kernel
from reludeath.simulate import draw_network

T, M, K = 1024, 1024, 256


def main() -> None:
    kernel_total = draw_total = 0.0
    for scheme_name in ("iid", "batchnorm", "signflip"):
        scheme_seconds = 0.0
        for n in range(1, 16):
            spec = ShardSpec(scheme_name, n, K, T, M, seed=0)
            scheme = spec.scheme_object
            start = time.perf_counter()
            with ThreadPoolExecutor(2) as pool:
                draw = partial(draw_network, spec, scheme, dtype=scheme.dtype)
                drawn = list(pool.map(lambda t, draw=draw: draw(network=t), range(T)))
            x, weights, biases = (np.stack(parts) for parts in zip(*drawn, strict=True))
            draw_total += time.perf_counter() - start
            outs = kernel.allocate_outputs(T, K).values()
            start = time.perf_counter()
            kernel.run_networks(
                x, weights, biases, scheme.mode, scheme.compact, scheme.rescale, 1e-5, 1e-5, *outs
            )
            elapsed = time.perf_counter() - start
            scheme_seconds += elapsed
            del x, weights, biases, drawn
        print(f"{scheme_name}: kernel {scheme_seconds:.1f} s")
        kernel_total += scheme_seconds
    print(f"grid_kernel_s={kernel_total:.1f} grid_draw_s={draw_total:.1f}")


if __name__ == "__main__":
    main()
