"""Leaky ReLU networks (the paper's long §8.3): fully connected, width n, zero bias,
``g(z) = z`` for z > 0 and ``a z`` otherwise, slope a in [0, 1).

A point is *weak* at layer j when all n pre-activations are <= 0 (only the slope a
passes its gradient); it is *weak-killed* by k if weak at some layer <= k. The
network is alive ("some point never weak") while some point is not weak-killed.
With a = 0 weak is dead: the alive sets are those of a ReLU network.
Points do not interact, so weak-killed points are dropped. Zero bias: leaky ReLU
is positively homogeneous, so weights are standard normal (scale omitted),
float32, and the activations are rescaled by a power of two per layer.
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
from reludeath.variants.settings import check_slope

__all__ = ["LEAKY_COLUMNS", "check_slope", "draw_fc", "leaky_table", "run_leaky", "simulate_leaky"]

LEAKY_COLUMNS = {
    "n": "width n (= input dimension)",
    "slope": "leaky ReLU slope a for z <= 0 (0: ReLU)",
    "data_points": "data points M per network, iid N(0, I_n)",
    "k": "depth (layers)",
    "networks": "networks T simulated",
    "alive_networks": "networks with some point never weak at layers <= k "
    "(weak: all n pre-activations <= 0)",
    "p_alive": "alive_networks / networks",
    "p_alive_low": "lower end of the 95% Wilson interval of p_alive",
    "p_alive_high": "upper end of the 95% Wilson interval of p_alive",
    "living_fraction": "mean fraction of points never weak at layers <= k",
    "lower_bound": "l(n, k) = (1 - 2^-n)^k; exact for M = 1 at every slope",
}

_FAST = {"contract", "reassoc"}


def draw_fc(n: int, data_points: int, depth: int, seed: int, network: int, dtype=np.float32):
    """(data (n, M), weights (depth, n, n)) of one leaky network: standard normal, the data
    point-major, the weights layer-major. The slope is not part of the draw, so every slope
    sees the same networks (paired comparison)."""
    data, params = generators(seed, setting_key("leaky", n, data_points), network, 2)
    x = data.standard_normal((data_points, n)).T
    w = params.standard_normal((depth, n, n))
    return np.ascontiguousarray(x, dtype=dtype), np.ascontiguousarray(w, dtype=dtype)


@njit(fastmath=_FAST, nogil=True, cache=True)
def run_leaky(x, weights, slope, alive_out):
    """Forward one leaky network; alive_out[j] = points never weak at layers <= j + 1."""
    n, total = x.shape
    depth = weights.shape[0]
    h = x.copy()
    z = np.empty_like(h)
    cols = total
    zero = x.dtype.type(0)
    a = x.dtype.type(slope)
    for layer in range(depth):
        if cols == 0:
            alive_out[layer:] = 0
            return
        w = weights[layer]
        largest = zero
        kept = 0
        for m in range(cols):
            strong = False
            for i in range(n):
                s = zero
                for j in range(n):
                    s += w[i, j] * h[j, m]
                z[i, m] = s
                strong = strong or s > zero
            if strong:  # keep the point: write its activation into column `kept`
                for i in range(n):
                    v = z[i, m]
                    v = v if v > zero else a * v
                    z[i, kept] = v
                    if abs(v) > largest:
                        largest = abs(v)
                kept += 1
        cols = kept
        alive_out[layer] = cols
        factor = (
            x.dtype.type(math.ldexp(1.0, -math.frexp(largest)[1]))
            if largest > zero
            else x.dtype.type(1)
        )
        for i in range(n):
            for m in range(cols):
                h[i, m] = z[i, m] * factor


def simulate_leaky(
    n: int, slope: float, data_points: int, depth: int, networks: int, seed: int
) -> np.ndarray:
    """Points never weak, (networks, depth)."""
    positive_int("n", n, maximum=64)
    slope = check_slope(slope)
    positive_int("data_points", data_points)
    positive_int("depth", depth)
    positive_int("networks", networks)
    alive = np.empty((networks, depth), np.int32)
    for t in range(networks):
        x, w = draw_fc(n, data_points, depth, seed, t)
        run_leaky(x, w, slope, alive[t])
    return alive


def leaky_table(n: int, slope: float, data_points: int, alive: np.ndarray) -> pd.DataFrame:
    """One row per depth k with LEAKY_COLUMNS."""
    networks, depth = alive.shape
    k = np.arange(1, depth + 1)
    columns = {
        "n": n,
        "slope": float(slope),
        "data_points": data_points,
        "k": k,
        "networks": networks,
        **alive_columns((alive > 0).sum(axis=0), networks),
        "living_fraction": alive.mean(axis=0) / data_points,
        "lower_bound": lower_bound(n, k),
    }
    return frame(columns, LEAKY_COLUMNS)
