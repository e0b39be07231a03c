"""The hot loop: forward passes of many small ReLU networks over a batch of points.

Layout: activations are features-major, ``h[neuron, point]``, rows ``pitch`` apart (see
``layout``): every pass runs over data points innermost, in explicit vectors. A network runs
through its layers in the compiled ``run_network`` (``layerloop``), which calls passes specific
to the network's width (``passes``); both are LLVM IR, compiled once per machine and cached on
disk (``build``). This module holds the public entry point, the outputs and the work buffers'
layout; what a run computes and permits is declared in ``contract``. Networks are independent
and run in threads, each network in one thread, so results do not depend on the thread count.

Zero-bias schemes without batch normalization run *compacted*: a dead point's output is exactly
zero at every later layer, so dead columns are dropped once they are a quarter of those kept,
and a network with no living point is done. Their activations are rescaled by a power of two
per network and layer: exact, invisible to alive/dead status (positive homogeneity), and enough
to keep float32 away from overflow and underflow at any depth. Biased schemes and batch
normalization keep every point and are not rescaled.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from reludeath.kernel import build
from reludeath.kernel.contract import (
    OUTPUT_NAMES,
    OUTPUTS,
    OVERFLOW,
    RUN_ARGUMENTS,
    SHIFTED,
    KernelSettings,
)


class Outputs(Mapping):
    """The kernel's output arrays by name (contract.OUTPUTS), each (networks, depth)."""

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        if sorted(arrays) != sorted(OUTPUT_NAMES):
            raise ValueError(
                f"outputs must be exactly {', '.join(OUTPUT_NAMES)}; got {', '.join(arrays)}"
            )
        for output in OUTPUTS:
            array = arrays[output.name]
            if array.dtype != np.dtype(output.dtype) or not array.flags.c_contiguous:
                raise TypeError(f"output {output.name} must be a C-contiguous {output.dtype} array")
            if array.ndim != 2:
                raise ValueError(
                    f"output {output.name} must be (networks, depth), got {array.shape}"
                )
        self._arrays = {name: arrays[name] for name in OUTPUT_NAMES}

    @classmethod
    def allocate(cls, networks: int, depth: int) -> Outputs:
        """Empty (networks, depth) arrays for every output."""
        return cls({o.name: np.empty((networks, depth), o.dtype) for o in OUTPUTS})

    def rows(self, start: int, stop: int) -> Outputs:
        """Networks start..stop-1 of every output, as views."""
        return Outputs({name: array[start:stop] for name, array in self._arrays.items()})

    def __getitem__(self, name: str) -> np.ndarray:
        return self._arrays[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._arrays)

    def __len__(self) -> int:
        return len(self._arrays)


def allocate_outputs(networks: int, depth: int) -> Outputs:
    """Empty (networks, depth) arrays for every kernel output (contract.OUTPUTS)."""
    return Outputs.allocate(networks, depth)


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
    settings: KernelSettings,
    outputs: Mapping[str, np.ndarray],
    *,
    threads: int | None = None,
) -> None:
    """Forward one network through every layer and record per-layer statistics.

    x: (n, M) data; weights: (depth, n, n); biases: (depth, n), or shape (0, n)
    for zero-bias schemes; outputs: one (depth,) array per contract.OUTPUTS entry, by name.
    Per layer j it writes: living points A(j); sum_i Var F_i and
    ||E F||^2 over the M points with dead points as zero, in units of
    4**log2_scale; whether the output is constant over the data (collapsed);
    whether it is nonzero anywhere; whether signflip negated the layer; whether the
    layer splits the points alive before it (some neuron > 0 at one, <= 0 at another).
    """
    rows = {name: out[None] for name, out in outputs.items()}
    run_networks(x[None], weights[None], biases[None], settings, rows, threads=threads)


def run_networks(
    x: np.ndarray,
    weights: np.ndarray,
    biases: np.ndarray,
    settings: KernelSettings,
    outputs: Mapping[str, np.ndarray],
    *,
    threads: int | None = None,
) -> None:
    """run_network over the leading (network) axis of every array, networks in parallel
    (`threads` threads, default ``default_threads()``), computing in ``settings.dtype``.

    biases has shape (T, depth, n) where settings.biased, else (T, 0, n); outputs maps every
    contract.OUTPUTS name to a (T, depth) array (``allocate_outputs``). The compiled code is
    specific to the width n and the settings' mode, compaction and dtype.
    """
    if not isinstance(settings, KernelSettings):
        raise TypeError(f"settings must be a KernelSettings, got {type(settings).__name__}")
    outputs = outputs if isinstance(outputs, Outputs) else Outputs(outputs)
    networks, n, total = x.shape
    depth = weights.shape[1]
    bias_depth = depth if settings.biased else 0
    shapes = {
        "weights": (weights.shape, (networks, depth, n, n)),
        "biases": (biases.shape, (networks, bias_depth, n)),
    }
    for name, out in outputs.items():
        shapes[name] = (out.shape, (networks, depth))
    for name, (shape, allowed) in shapes.items():
        if tuple(shape) != allowed:
            biased = f" (settings.biased={settings.biased})" if name == "biases" else ""
            raise ValueError(
                f"{name} has shape {tuple(shape)}; for x of shape {x.shape}: {allowed}{biased}"
            )
    dtype = np.dtype(settings.dtype)
    x = np.ascontiguousarray(x, dtype)
    weights = np.ascontiguousarray(weights, dtype)
    biases = np.ascontiguousarray(biases, dtype)
    run = build.runner(n, settings.mode, settings.compact, settings.dtype)
    pitch, second, z_at, size = layout(n, total, x.itemsize)
    fixed = {
        "total": total, "depth": depth, "biased": int(settings.biased),
        "compact": int(settings.compact), "rescale": int(settings.rescale),
        "eps": float(settings.eps), "collapse_rtol": float(settings.collapse_rtol),
        "pitch": pitch, "second": second, "z_at": z_at,
    }  # fmt: skip
    per_network = {"x": x, "weights": weights, "biases": biases, **outputs}

    def run_range(start: int, stop: int) -> None:
        """Networks start..stop-1, one after the other, with one set of work buffers."""
        work = {
            "work": np.empty(size, dtype), "w": np.zeros(n * n, dtype), "b": np.zeros(n, dtype),
            "slope": np.zeros(n, dtype), "offset": np.zeros(n, dtype),
            "hit": np.zeros(total, dtype), "shifted": np.zeros(n * len(SHIFTED), dtype),
            "positive": np.zeros(n + 1, np.int64), "amask": np.ones(total, dtype),
        }  # fmt: skip
        given = {**fixed, **{name: array.ctypes.data for name, array in work.items()}}
        arguments = [given.get(a.name) for a in RUN_ARGUMENTS]
        unset = {a.name for a in RUN_ARGUMENTS} - set(given) - set(per_network)
        assert not unset, f"run_network arguments without a value: {sorted(unset)}"
        # Each network's arrays, as addresses: base + t * stride (no ctypes object per call).
        moving = [
            (k, per_network[a.name].ctypes.data, per_network[a.name].strides[0])
            for k, a in enumerate(RUN_ARGUMENTS)
            if a.name in per_network
        ]
        if not settings.biased:  # no biases to read: any valid address
            moving = [
                (k, x.ctypes.data, 0) if RUN_ARGUMENTS[k].name == "biases" else (k, base, stride)
                for k, base, stride in moving
            ]
        for t in range(start, stop):
            for k, base, stride in moving:
                arguments[k] = base + t * stride
            if run(*arguments) == OVERFLOW:
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
