"""Residual networks (the paper's long §8.2), width n, zero bias, He weights N(0, 2/n).

R1, ReLU branch and no outer ReLU: ``h_0 = x``, ``h_j = h_{j-1} + relu(A_j h_{j-1})``.
A point is *blocked* at layer j when all n branch pre-activations are <= 0 (the
Jacobian with respect to A_j is zero); not cumulative, since the identity carries
h_{j-1} on. The output is never constant, so the network is always alive.

R2, basic block with outer ReLU: ``h_0 = relu(A_0 x)``,
``h_j = relu(h_{j-1} + alpha B_j relu(A_j h_{j-1}))``. A point with h_j = 0 stays
dead; the network is alive while some point is. Lower bound (k blocks):
``P >= (1 - 2^-n) (1 - 2^-n + 4^-n)^k``.

Both are positively homogeneous in h: activations are rescaled by a power of two per
layer (exact) in float64; points do not interact, so dead R2 points are dropped.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numba import njit

from reludeath.bounds import lower_bound
from reludeath.variants.common import (
    alive_columns,
    frame,
    generators,
    positive_int,
    setting_key,
)
from reludeath.variants.settings import check_alpha

__all__ = [
    "RESIDUAL_COLUMNS",
    "check_alpha",
    "r1_table",
    "r2_lower_bound",
    "r2_table",
    "run_r1",
    "run_r2",
    "simulate_r1",
    "simulate_r2",
]

RESIDUAL_COLUMNS = {
    "block": "r1 (h + relu(A h), no outer ReLU) or r2 (relu(h + alpha B relu(A h)))",
    "n": "width n (= input dimension)",
    "alpha": "r2's branch scale alpha; NaN for r1",
    "data_points": "data points M per network, iid N(0, I_n)",
    "k": "depth: layers (r1) or blocks after the first layer (r2)",
    "networks": "networks T simulated",
    "blocked_fraction": "r1: fraction of (point, layer <= k) pairs at which all n branch "
    "pre-activations are <= 0 (expected 2^-n exactly); NaN for r2",
    "p_layer_blocked": "r1: fraction of networks whose layer k is blocked for every point; "
    "NaN for r2",
    "p_no_layer_blocked": "r1: fraction of networks with no layer <= k blocked for every "
    "point (every layer trainable); NaN for r2",
    "alive_networks": "r2: networks with some point alive after block k; NaN for r1 (always alive)",
    "p_alive": "r2: alive_networks / networks; NaN for r1",
    "p_alive_low": "r2: lower end of the 95% Wilson interval of p_alive; NaN for r1",
    "p_alive_high": "r2: upper end of the 95% Wilson interval of p_alive; NaN for r1",
    "lower_bound": "r2: (1 - 2^-n)(1 - 2^-n + 4^-n)^k; r1: l(n, k), the bound on "
    "p_no_layer_blocked (equality for M = 1)",
    "p_alive_fc": "r2: P(alive) of plain iid fully connected ReLU networks with k + 1 layers, "
    "same n and M (the project's kernel); NaN for r1",
}

_FAST = {"contract", "reassoc"}


def _draw(kind: str, n: int, data_points: int, depth: int, seed: int, network: int, mats: int):
    """(data (n, M), `mats` weight stacks (depth, n, n)) of one residual network, He scale."""
    streams = generators(seed, setting_key(kind, n, data_points), network, 1 + mats)
    x = np.ascontiguousarray(streams[0].standard_normal((data_points, n)).T)
    scale = math.sqrt(2.0 / n)
    weights = [s.standard_normal((depth, n, n)) * scale for s in streams[1:]]
    return x, weights


@njit(fastmath=_FAST, nogil=True)
def _rescale(h, cols, largest):
    if largest > 0.0:
        factor = math.ldexp(1.0, -math.frexp(largest)[1])
        h[:, :cols] *= factor


@njit(fastmath=_FAST, nogil=True, cache=True)
def run_r1(x, a, blocked_out):
    """R1 forward; blocked_out[j] = points whose branch at layer j + 1 is all <= 0."""
    n, total = x.shape
    depth = a.shape[0]
    h = x.copy()
    z = np.empty(n)
    for layer in range(depth):
        w = a[layer]
        blocked = 0
        largest = 0.0
        for m in range(total):
            strong = False
            for i in range(n):
                s = 0.0
                for j in range(n):
                    s += w[i, j] * h[j, m]
                z[i] = s
                strong = strong or s > 0.0
            blocked += not strong
            for i in range(n):
                h[i, m] += max(z[i], 0.0)
                largest = max(largest, abs(h[i, m]))
        blocked_out[layer] = blocked
        _rescale(h, total, largest)


@njit(fastmath=_FAST, nogil=True, cache=True)
def run_r2(x, a0, a, b, alpha, alive_out):
    """R2 forward; alive_out[j] = points with h != 0 after block j + 1 (first layer a0)."""
    n, total = x.shape
    depth = a.shape[0]
    h = np.empty_like(x)
    r = np.empty(n)
    cols = 0
    for m in range(total):  # the first layer, relu(A_0 x), keeps nonzero points
        nonzero = False
        for i in range(n):
            s = 0.0
            for j in range(n):
                s += a0[i, j] * x[j, m]
            h[i, cols] = max(s, 0.0)
            nonzero = nonzero or s > 0.0
        cols += nonzero
    for layer in range(depth):
        if cols == 0:
            alive_out[layer:] = 0
            return
        kept = 0
        largest = 0.0
        for m in range(cols):
            for i in range(n):
                s = 0.0
                for j in range(n):
                    s += a[layer, i, j] * h[j, m]
                r[i] = max(s, 0.0)
            nonzero = False
            for i in range(n):
                s = 0.0
                for j in range(n):
                    s += b[layer, i, j] * r[j]
                v = max(h[i, m] + alpha * s, 0.0)
                h[i, m] = v  # column m is read no more after this row
                nonzero = nonzero or v > 0.0
            if nonzero:
                for i in range(n):
                    h[i, kept] = h[i, m]
                    largest = max(largest, h[i, kept])
                kept += 1
        cols = kept
        alive_out[layer] = cols
        _rescale(h, cols, largest)


def simulate_r1(n: int, data_points: int, depth: int, networks: int, seed: int) -> np.ndarray:
    """Blocked points per (network, layer)."""
    for name, value in (("n", n), ("data_points", data_points), ("depth", depth)):
        positive_int(name, value, maximum=64 if name == "n" else None)
    positive_int("networks", networks)
    blocked = np.empty((networks, depth), np.int32)
    for t in range(networks):
        x, (a,) = _draw("r1", n, data_points, depth, seed, t, 1)
        run_r1(x, a, blocked[t])
    return blocked


def simulate_r2(
    n: int, alpha: float, data_points: int, depth: int, networks: int, seed: int
) -> np.ndarray:
    """Living points per (network, block). Every alpha sees the same networks."""
    for name, value in (("n", n), ("data_points", data_points), ("depth", depth)):
        positive_int(name, value, maximum=64 if name == "n" else None)
    positive_int("networks", networks)
    alpha = check_alpha(alpha)
    alive = np.empty((networks, depth), np.int32)
    for t in range(networks):
        x, (a, b) = _draw("r2", n, data_points, depth + 1, seed, t, 2)
        run_r2(x, a[0], a[1:], b[1:], alpha, alive[t])
    return alive


def r2_lower_bound(n: int, k: np.ndarray) -> np.ndarray:
    """(1 - 2^-n)(1 - 2^-n + 4^-n)^k: each block kills a point with probability
    at most 2^-n - 4^-n."""
    q = 2.0**-n
    return (1 - q) * np.exp(np.asarray(k, float) * np.log1p(-q + q * q))


_NAN = np.nan


def r1_table(n: int, data_points: int, blocked: np.ndarray) -> pd.DataFrame:
    networks, depth = blocked.shape
    k = np.arange(1, depth + 1)
    full = blocked == data_points
    columns = {
        "block": "r1",
        "n": n,
        "alpha": _NAN,
        "data_points": data_points,
        "k": k,
        "networks": networks,
        "blocked_fraction": blocked.sum(axis=0).cumsum() / (networks * data_points * k),
        "p_layer_blocked": full.mean(axis=0),
        "p_no_layer_blocked": (~np.logical_or.accumulate(full, axis=1)).mean(axis=0),
        "alive_networks": _NAN,
        "p_alive": _NAN,
        "p_alive_low": _NAN,
        "p_alive_high": _NAN,
        "lower_bound": lower_bound(n, k),
        "p_alive_fc": _NAN,
    }
    return frame(columns, RESIDUAL_COLUMNS)


def r2_table(
    n: int, alpha: float, data_points: int, alive: np.ndarray, fc_alive: np.ndarray
) -> pd.DataFrame:
    """fc_alive: living FC networks at layers 1..depth+1 (as many networks)."""
    networks, depth = alive.shape
    k = np.arange(1, depth + 1)
    counts = alive_columns((alive > 0).sum(axis=0), networks)
    columns = {
        "block": "r2",
        "n": n,
        "alpha": float(alpha),
        "data_points": data_points,
        "k": k,
        "networks": networks,
        "blocked_fraction": _NAN,
        "p_layer_blocked": _NAN,
        "p_no_layer_blocked": _NAN,
        **{name: values.astype(float) for name, values in counts.items()},
        "lower_bound": r2_lower_bound(n, k),
        "p_alive_fc": np.asarray(fc_alive, float)[1 : depth + 1] / networks,
    }
    return frame(columns, RESIDUAL_COLUMNS)
