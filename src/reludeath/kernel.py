"""The hot loop: forward passes of many small ReLU networks over a batch of points.

Layout: activations are features-major, ``h[neuron, point]``: every pass runs over data
points innermost and vectorizes. The layer product, ReLU, survival sums, moments and
``split`` counts are computed by code specific to the network's width (``kernelgen``: written
out for n = 5..16, loops over n otherwise), compiled on first use and cached on disk; this
module holds the public entry points, the outputs' layout, the width-independent helpers and
the driver, which takes the width's pass as a first-class function and so is compiled once.
Networks are independent and run in threads, each network in one thread, so results do not
depend on the thread count.

Zero-bias schemes without batch normalization run *compacted*: a dead point's
output is exactly zero at every later layer, so dead columns are dropped once
they are a quarter of those kept, and a network with no living point is done.
Their activations are rescaled by a power of two per network and layer:
exact, invisible to alive/dead status (positive homogeneity), and enough to
keep float32 away from overflow and underflow at any depth.
Biased schemes and batch normalization keep every point and are not rescaled.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
from numba import njit

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


# Batch-normalized rows whose standard deviation is below this fraction of
# their mean's magnitude are rounding noise around a constant and become 0.
_CONSTANT_RTOL = 1e-6

# Sums over points may be reordered so that they vectorize; for a given
# compiled kernel the order, and so every bit of the result, is still fixed.
_FAST = {"contract", "reassoc"}


@njit(nogil=True, cache=True)
def _standardize(shifted, cols, eps, center, scale):
    """Batch normalization of each row of z over its points, as (z - center) * scale:
    center = mean, scale = 1 / (std + eps), and 0, 0 for constant rows (which become 0).
    From the product pass's sums shifted by each row's first value (well conditioned):
    shifted[i] = (c, sum_m (z_im - c), sum_m (z_im - c)**2). The ReLU pass applies it.
    """
    for i in range(center.shape[0]):
        c = float(shifted[i, 0])
        mean_d = float(shifted[i, 1]) / cols
        std = math.sqrt(max(float(shifted[i, 2]) / cols - mean_d * mean_d, 0.0))
        mean = c + mean_d
        if std == 0.0 or std <= _CONSTANT_RTOL * abs(mean):
            center[i] = 0.0
            scale[i] = 0.0
        else:
            center[i] = mean
            scale[i] = 1.0 / (std + eps)


@njit(nogil=True, cache=True)
def _moments(shifted, cols, total):
    """(sum_j Var F_j, ||E F||^2) over `total` points from shifted sums over `cols`
    of them; the other total - cols points are zero."""
    sum_var = 0.0
    mean_sq = 0.0
    missing = total - cols
    for i in range(shifted.shape[0]):
        c = float(shifted[i, 0])
        s1 = float(shifted[i, 1]) - missing * c
        s2 = float(shifted[i, 2]) + missing * c * c
        mean_d = s1 / total
        var = s2 / total - mean_d * mean_d
        sum_var += max(var, 0.0)
        mean = c + mean_d
        mean_sq += mean * mean
    return sum_var, mean_sq


@njit(nogil=True, cache=True)
def _compact(h, cols, amask):
    """Pack the living columns (amask > 0) among h[:, :cols] to the front of each row, in
    place."""
    kept = np.flatnonzero(amask[:cols] > 0)
    new = kept.size
    for i in range(h.shape[0]):  # destinations never overtake unread sources
        hi = h[i]
        for q in range(new):
            hi[q] = hi[kept[q]]
    amask[:new] = 1.0
    return new


@njit(cache=True)
def layout(n: int, total: int, itemsize: int) -> tuple[int, int, int, int]:
    """(pitch, offset of the second activation buffer, offset of z, size) in elements of the
    driver's one allocation: rows `pitch` apart, pitch * itemsize = 64 (mod 4096), and the
    buffers 2048 and 1024 bytes apart (mod 4096). Rows a power of two apart (M = 1024) would
    make every load of the pass alias, in the low 12 address bits, with its stores, and the
    processor would serialize them (4K aliasing): 2-3x slower."""
    page, line = 4096 // itemsize, 64 // itemsize
    pitch = total + (line - total) % page
    second = n * pitch + (page // 2 - n * pitch) % page
    z = second + n * pitch + (page // 4 - (second + n * pitch)) % page
    return pitch, second, z, z + n * pitch


# Layer structure: 0 one fused pass (zero bias, compacted, plain), 1 one biased pass (plain,
# every point kept), 2 a product pass (standardize or signflip) then an activate pass. Where
# dead points are kept (not compacted), layers after the first death use the pass that also
# sums the outputs with dead points as zero (masked, activate_masked).
VARIANT_CODES = {"fused": 0, "biased": 1, "standardize": 2, "signflip": 2}


@njit(fastmath=_FAST, nogil=True, cache=True)
def _network(
    first_pass, activate, masked_pass, variant, x, weights, biases, mode, compact, rescale,
    eps, collapse_rtol, alive_out, sum_var_out, mean_sq_out, collapsed_out, nonzero_out,
    flipped_out, log2_scale_out, split_out,
):  # fmt: skip
    """One network through every layer. The passes are the width's compiled code (C callbacks
    with kernelgen's signature), so this driver is compiled once for every width."""
    n, total = x.shape
    depth = weights.shape[0]
    dtype = x.dtype
    pitch, second, z_at, size = layout(n, total, x.itemsize)
    flat = np.empty(size, dtype=dtype)
    buf0 = flat[: n * pitch].reshape((n, pitch))
    buf1 = flat[second : second + n * pitch].reshape((n, pitch))
    z = flat[z_at : z_at + n * pitch].reshape((n, pitch))
    buf0[:, :total] = x
    cur = 0
    w = np.empty((n, n), dtype=dtype)
    b = np.zeros(n, dtype=dtype)
    slope = np.empty(n, dtype=dtype)  # the activate pass's affine map, per row
    offset = np.zeros(n, dtype=dtype)
    colsum = np.empty(total, dtype=dtype)
    shifted = np.zeros((n, 6), dtype=dtype)
    positive = np.zeros(n + 1, dtype=np.intp)
    center = np.zeros(n)  # batch normalization, in float64
    scale = np.ones(n)
    amask = np.ones(total, dtype=dtype)  # 1 for living points, 0 for dead ones
    cols = total
    n_alive = total
    shift = 0
    log2_scale = 0
    has_bias = biases.shape[0] > 0
    for layer in range(depth):
        if n_alive == 0 and compact:
            alive_out[layer:] = 0
            sum_var_out[layer:] = 0.0
            mean_sq_out[layer:] = 0.0
            collapsed_out[layer:] = True
            nonzero_out[layer:] = False
            flipped_out[layer:] = False
            log2_scale_out[layer:] = log2_scale
            split_out[layer:] = False
            return
        factor = math.ldexp(1.0, -shift)
        for i in range(n):
            for j in range(n):
                w[i, j] = weights[layer, i, j] * factor
        if has_bias:
            for i in range(n):
                b[i] = biases[layer, i]
        log2_scale += shift
        h = buf0 if cur == 0 else buf1
        hn = buf1 if cur == 0 else buf0
        flipped = False
        masked = not compact and n_alive < total
        if variant == 2:
            first_pass(
                w.ctypes, b.ctypes, h.ctypes, z.ctypes, amask.ctypes, colsum.ctypes,
                shifted.ctypes, positive.ctypes, cols, pitch,
            )  # fmt: skip
            if mode == MODE_BATCHNORM:
                _standardize(shifted, cols, eps, center, scale)
                for i in range(n):
                    slope[i] = scale[i]
                    offset[i] = -center[i] * scale[i]
            else:  # sign flip: negate a layer that would kill more than half the living points
                flipped = 2 * (n_alive - positive[n]) > n_alive
                slope[:] = -1.0 if flipped else 1.0
            second = masked_pass if masked else activate
            second(
                slope.ctypes, offset.ctypes, z.ctypes, hn.ctypes, amask.ctypes, colsum.ctypes,
                shifted.ctypes, positive.ctypes, cols, pitch,
            )  # fmt: skip
        else:
            layer_pass = masked_pass if masked else first_pass
            layer_pass(
                w.ctypes, b.ctypes, h.ctypes, hn.ctypes, amask.ctypes, colsum.ctypes,
                shifted.ctypes, positive.ctypes, cols, pitch,
            )  # fmt: skip
        flipped_out[layer] = flipped
        split = False
        for i in range(n):
            split = split or 0 < positive[i] < n_alive
        split_out[layer] = split
        cur = 1 - cur
        n_alive = positive[n]
        alive_out[layer] = n_alive
        sum_var, mean_sq = _moments(shifted, cols, total)
        if not math.isfinite(sum_var + mean_sq):
            raise FloatingPointError("activations overflowed: use float64 or a smaller depth")
        collapsed_out[layer] = sum_var <= collapse_rtol**2 * (sum_var + mean_sq)
        nonzero_out[layer] = sum_var + mean_sq > 0.0
        if masked:  # dead points' outputs as zero
            sum_var, mean_sq = _moments(shifted[:, 3:], cols, total)
        sum_var_out[layer] = sum_var
        mean_sq_out[layer] = mean_sq
        log2_scale_out[layer] = log2_scale
        if rescale and sum_var + mean_sq > 0.0:
            shift = math.frexp(math.sqrt((sum_var + mean_sq) / n))[1]
        else:
            shift = 0
        if compact and 0 < n_alive < cols and 4 * (cols - n_alive) >= cols:
            cols = _compact(buf0 if cur == 0 else buf1, cols, amask)


@njit(fastmath=_FAST, nogil=True, cache=True)
def _run_batch(
    first_pass, activate, masked_pass, variant, x, weights, biases, mode, compact, rescale,
    eps, collapse_rtol, alive_out, sum_var_out, mean_sq_out, collapsed_out, nonzero_out,
    flipped_out, log2_scale_out, split_out,
):  # fmt: skip
    """_network over the leading (network) axis of every array, in order."""
    for t in range(x.shape[0]):
        _network(
            first_pass, activate, masked_pass, variant, x[t], weights[t], biases[t], mode,
            compact, rescale, eps,
            collapse_rtol, alive_out[t], sum_var_out[t], mean_sq_out[t], collapsed_out[t],
            nonzero_out[t], flipped_out[t], log2_scale_out[t], split_out[t],
        )  # fmt: skip


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
) -> None:
    """run_network over the leading (network) axis of every array, networks in parallel
    (numba threads).

    biases has shape (T, depth, n), or (T, 0, n) for zero-bias schemes; outputs are
    (T, depth) arrays, one per OUTPUTS entry, in order. The compiled code is specific to
    the width n (see ``kernelgen``).
    """
    if len(outputs) != len(OUTPUTS):
        raise TypeError(f"run_networks needs {len(OUTPUTS)} output arrays ({', '.join(OUTPUTS)})")
    from reludeath import kernelgen

    names = kernelgen.passes(mode, compact, biases.shape[1] > 0)
    compiled = [kernelgen.module(x.shape[1], name, x.dtype.name) for name in names]
    # (first pass, activate pass, pass after the first death); unused slots repeat one.
    first_pass = compiled[0]
    activate = compiled[1] if names[0] in ("standardize", "signflip") else first_pass
    masked_pass = compiled[-1]
    variant = VARIANT_CODES[names[0]]
    args = (int(mode), bool(compact), bool(rescale), float(eps), float(collapse_rtol))

    def run_batch(*arrays: np.ndarray) -> None:
        _run_batch(
            first_pass, activate, masked_pass, variant, *arrays[:3], *args, *arrays[3:]
        )  # fmt: skip

    networks = x.shape[0]
    threads = min(numba.get_num_threads(), networks)
    if threads <= 1:
        run_batch(x, weights, biases, *outputs)
        return
    # Networks are independent: contiguous chunks run in threads (the compiled code
    # releases the GIL), several per thread to balance networks that die early.
    bounds = np.linspace(0, networks, min(networks, 4 * threads) + 1).astype(int)

    def chunk(i: int) -> None:
        part = slice(bounds[i], bounds[i + 1])
        run_batch(x[part], weights[part], biases[part], *(o[part] for o in outputs))

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(chunk, range(len(bounds) - 1)))
