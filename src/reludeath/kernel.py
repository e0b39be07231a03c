"""The hot loop: forward passes of many small ReLU networks over a batch of points.

Layout: activations are features-major, ``h[neuron, point]``: every pass runs over data
points innermost and vectorizes. The layer product, ReLU, survival sums, moments and
``split`` counts are computed by code specific to the network's width (``kernelgen``: written
out for n = 5..16, loops over n otherwise), compiled on first use and cached on disk; this
module holds the public entry points, the outputs' layout and the width-independent helpers.
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


@njit(fastmath=_FAST, nogil=True, cache=True)
def _standardize(z, eps):
    """Batch-normalize each row of z over its points, in place; constant rows become 0.

    One pass of sums shifted by the row's first value (well conditioned), one to apply.
    """
    n, cols = z.shape
    for i in range(n):
        zi = z[i]
        c = float(zi[0])
        s1 = 0.0
        s2 = 0.0
        for m in range(cols):
            d = zi[m] - c
            s1 += d
            s2 += d * d
        mean_d = s1 / cols
        std = math.sqrt(max(s2 / cols - mean_d * mean_d, 0.0))
        mean = c + mean_d
        if std == 0.0 or std <= _CONSTANT_RTOL * abs(mean):
            zi[:] = 0.0
        else:
            inv = 1.0 / (std + eps)
            for m in range(cols):
                zi[m] = (zi[m] - mean) * inv


@njit(fastmath=_FAST, nogil=True, cache=True)
def _relu_with_sums(z, h, sign, colsum, shifted, alive, n_alive):
    """h = relu(sign * z); colsum[m] = sum_j h[j, m] (> 0 iff point m survives);
    shifted[j] = (c_j, sum_m (h - c_j), sum_m (h - c_j)**2) with c_j = h[j, 0].

    Returns whether the layer *splits* the living points: some neuron j has
    sign * z[j, m] > 0 for some and <= 0 for other columns m with alive[m]
    (the n_alive points alive before this layer).
    Shifting by a sample keeps the variance well conditioned in float32.
    """
    n, cols = z.shape
    zero = z.dtype.type(0)
    colsum[:cols] = zero
    split = False
    for i in range(n):
        zi = z[i]
        hi = h[i]
        c = max(sign * zi[0], zero)
        s1 = zero
        s2 = zero
        positive = 0
        for m in range(cols):
            r = max(sign * zi[m], zero)
            hi[m] = r
            colsum[m] += r
            positive += (r > zero) & alive[m]
            d = r - c
            s1 += d
            s2 += d * d
        shifted[i, 0] = c
        shifted[i, 1] = s1
        shifted[i, 2] = s2
        split = split or 0 < positive < n_alive
    return split


@njit(fastmath=_FAST, nogil=True, cache=True)
def _count_positive_columns(z, sign, colsum):
    """Number of columns m with any(sign * z[:, m] > 0)."""
    n, cols = z.shape
    zero = z.dtype.type(0)
    colsum[:cols] = zero
    for i in range(n):
        zi = z[i]
        for m in range(cols):
            colsum[m] += max(sign * zi[m], zero)
    count = 0
    for m in range(cols):
        count += colsum[m] > 0
    return count


@njit(fastmath=_FAST, nogil=True, cache=True)
def _first_point(w, b, h, first):
    """first[i] = relu(b_i + sum_j w_ij h_j0): each row's output at the first point, the shift
    of its moment sums."""
    n = w.shape[0]
    for i in range(n):
        acc = b[i]
        for j in range(n):
            acc += w[i, j] * h[j, 0]
        first[i] = max(acc, b.dtype.type(0))


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


@njit(fastmath=_FAST, nogil=True, cache=True)
def _masked_moments(h, alive):
    """(sum_j Var F_j, ||E F||^2) of h with the dead points' outputs set to zero."""
    n, cols = h.shape
    sum_var = 0.0
    mean_sq = 0.0
    for i in range(n):
        hi = h[i]
        s1 = 0.0
        for m in range(cols):
            s1 += hi[m] if alive[m] else 0.0
        mean = s1 / cols
        s2 = 0.0
        for m in range(cols):
            d = (hi[m] if alive[m] else 0.0) - mean
            s2 += d * d
        sum_var += s2 / cols
        mean_sq += mean * mean
    return sum_var, mean_sq


@njit(nogil=True, cache=True)
def _compact(h_flat, n, cols, alive):
    """Pack the living columns of the (n, cols) matrix in h_flat to the front, in place."""
    kept = np.flatnonzero(alive[:cols])
    new = kept.size
    for i in range(n):  # destinations never overtake unread sources
        src = i * cols
        dst = i * new
        for q in range(new):
            h_flat[dst + q] = h_flat[src + kept[q]]
    alive[:new] = True
    return new


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

    has_bias = biases.shape[1] > 0
    run_batch = kernelgen.module(x.shape[1], kernelgen.variant(mode, compact, has_bias)).run_batch
    args = (int(mode), bool(compact), bool(rescale), float(eps), float(collapse_rtol))
    networks = x.shape[0]
    threads = min(numba.get_num_threads(), networks)
    if threads <= 1:
        run_batch(x, weights, biases, *args, *outputs)
        return
    # Networks are independent: contiguous chunks run in threads (the compiled code
    # releases the GIL), several per thread to balance networks that die early.
    bounds = np.linspace(0, networks, min(networks, 4 * threads) + 1).astype(int)

    def chunk(i: int) -> None:
        part = slice(bounds[i], bounds[i + 1])
        run_batch(x[part], weights[part], biases[part], *args, *(o[part] for o in outputs))

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(chunk, range(len(bounds) - 1)))
