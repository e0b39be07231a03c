"""The hot loop: forward passes of many small ReLU networks over a batch of points.

Layout: activations are features-major, ``h[neuron, point]``, rows ``pitch`` apart (see
``layout``): every pass runs over data points innermost, in explicit vectors. A network runs
through its layers in ``driver.run_network``, which calls passes specific to the network's width
(``kernelgen``); both are LLVM IR, compiled once per machine and cached on disk. This module
holds the public entry points and the outputs' layout. Networks are independent and run in
threads, each network in one thread, so results do not depend on the thread count.

Zero-bias schemes without batch normalization run *compacted*: a dead point's output is exactly
zero at every later layer, so dead columns are dropped once they are a quarter of those kept,
and a network with no living point is done. Their activations are rescaled by a power of two
per network and layer: exact, invisible to alive/dead status (positive homogeneity), and enough
to keep float32 away from overflow and underflow at any depth. Biased schemes and batch
normalization keep every point and are not rescaled.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from reludeath import driver, kernelgen

MODE_PLAIN = 0
MODE_SIGNFLIP = 1
MODE_BATCHNORM = 2

# What run_networks writes, per (network, layer), in argument order.
OUTPUTS = {
    "alive_points": np.int32,
    "sum_var": np.float64,
    "mean_sq": np.float64,
    "collapsed": np.bool_,
    "output_nonzero": np.bool_,
    "flipped": np.bool_,
    "log2_scale": np.int64,
    "split": np.bool_,
}


def allocate_outputs(networks: int, depth: int) -> dict[str, np.ndarray]:
    """Empty (networks, depth) arrays for every kernel output, keyed as OUTPUTS."""
    return {name: np.empty((networks, depth), dtype) for name, dtype in OUTPUTS.items()}


def layout(n: int, total: int, itemsize: int) -> tuple[int, int, int, int]:
    """(pitch, offset of the second activation buffer, offset of z, size) in elements of a
    network's work buffer: rows `pitch` apart, pitch * itemsize = 64 (mod 4096), and the
    buffers 2048 and 1024 bytes apart (mod 4096). Rows a power of two apart (M = 1024) would
    make the passes' loads alias, in the low 12 address bits, with their stores, and the
    processor would serialize them (4K aliasing): 2-3x slower."""
    page, line = 4096 // itemsize, 64 // itemsize
    pitch = total + (line - total) % page
    second = n * pitch + (page // 2 - n * pitch) % page
    z = second + n * pitch + (page // 4 - (second + n * pitch)) % page
    return pitch, second, z, z + n * pitch


def run_network(
    x: np.ndarray,
    weights: np.ndarray,
    biases: np.ndarray,
    mode: int,
    compact: bool,
    rescale: bool,
    eps: float,
    collapse_rtol: float,
    *outputs: np.ndarray,
) -> None:
    """Forward one network through every layer and record per-layer statistics.

    x: (n, M) data; weights: (depth, n, n); biases: (depth, n), or shape (0, n)
    for zero-bias schemes; outputs: one (depth,) array per OUTPUTS entry, in order.
    Per layer j it writes: living points A(j); sum_i Var F_i and
    ||E F||^2 over the M points with dead points as zero, in units of
    4**log2_scale; whether the output is constant over the data (collapsed);
    whether it is nonzero anywhere; whether signflip negated the layer; whether the
    layer splits the points alive before it (some neuron > 0 at one, <= 0 at another).
    """
    run_networks(
        x[None], weights[None], biases[None], mode, compact, rescale, eps, collapse_rtol,
        *(out[None] for out in outputs),
    )  # fmt: skip


def run_networks(
    x: np.ndarray,
    weights: np.ndarray,
    biases: np.ndarray,
    mode: int,
    compact: bool,
    rescale: bool,
    eps: float,
    collapse_rtol: float,
    *outputs: np.ndarray,
    threads: int | None = None,
) -> None:
    """run_network over the leading (network) axis of every array, networks in parallel
    (`threads` threads, default ``default_threads()``).

    biases has shape (T, depth, n), or (T, 0, n) for zero-bias schemes; outputs are
    (T, depth) arrays, one per OUTPUTS entry, in order. The compiled code is specific to
    the width n (see ``kernelgen``).
    """
    if len(outputs) != len(OUTPUTS):
        raise TypeError(f"run_networks needs {len(OUTPUTS)} output arrays ({', '.join(OUTPUTS)})")
    for (name, dtype), out in zip(OUTPUTS.items(), outputs, strict=True):
        if out.dtype != dtype or not out.flags.c_contiguous or out.shape[0] != x.shape[0]:
            raise TypeError(f"output {name} must be a C-contiguous {np.dtype(dtype)} array")
    networks, n, total = x.shape
    depth = weights.shape[1]
    shapes = {
        "weights": (weights.shape, [(networks, depth, n, n)]),
        "biases": (biases.shape, [(networks, depth, n), (networks, 0, n)]),
    }
    for name, out in zip(OUTPUTS, outputs, strict=True):
        shapes[name] = (out.shape, [(networks, depth)])
    for name, (shape, allowed) in shapes.items():
        if tuple(shape) not in allowed:
            options = " or ".join(map(str, allowed))
            raise ValueError(
                f"{name} has shape {tuple(shape)}; for x of shape {x.shape}: {options}"
            )
    x = np.ascontiguousarray(x)
    weights = np.ascontiguousarray(weights, x.dtype)
    biases = np.ascontiguousarray(biases, x.dtype)
    has_bias = biases.shape[1] > 0
    run = driver.runner(n, kernelgen.passes(mode, compact, has_bias), x.dtype.name)
    pitch, second, z_at, size = layout(n, total, x.itemsize)
    settings = (int(compact), int(rescale), float(eps), float(collapse_rtol))

    def run_range(start: int, stop: int) -> None:
        """Networks start..stop-1, one after the other, with one set of work buffers."""
        work = np.empty(size, x.dtype)
        buffers = [np.zeros(n * n, x.dtype)] + [np.zeros(n, x.dtype) for _ in range(3)]
        hit, shifted = np.zeros(total, x.dtype), np.zeros(n * 6, x.dtype)
        positive, amask = np.zeros(n + 1, np.int64), np.ones(total, x.dtype)
        tail = [a.ctypes.data for a in (work,)] + [pitch, second, z_at]
        tail += [a.ctypes.data for a in (*buffers, hit, shifted, positive, amask)]
        # Each network's arrays, as addresses: base + t * stride (no ctypes object per call).
        bases = [(a.ctypes.data, a.strides[0]) for a in (x, weights, biases, *outputs)]
        if not has_bias:  # no biases to read: any valid address
            bases[2] = (x.ctypes.data, 0)
        for t in range(start, stop):
            xp, wp, bp, *outs = (base + t * stride for base, stride in bases)
            status = run(xp, wp, bp, total, depth, int(has_bias), *settings, *outs, *tail)
            if status == driver.OVERFLOW:
                raise FloatingPointError("activations overflowed: use float64 or a smaller depth")

    threads = min(threads or default_threads(), networks)
    if threads <= 1:
        run_range(0, networks)
        return
    # Networks are independent: contiguous chunks run in threads (the compiled code runs
    # without the GIL), several per thread to balance networks that die early.
    bounds = np.linspace(0, networks, min(networks, 4 * threads) + 1).astype(int)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(run_range, bounds[:-1], bounds[1:]))


def default_threads() -> int:
    """$RELUDEATH_NUM_THREADS (set by ``threads.limit_threads``), else the CPUs this process may
    use."""
    value = os.environ.get("RELUDEATH_NUM_THREADS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    if hasattr(os, "sched_getaffinity"):  # Linux: the CPUs this process may run on
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
