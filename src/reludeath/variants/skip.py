"""U-Net-style skip connections (the paper's long §8.2), width n, zero bias, He weights.

D levels of chunks of L chained ReLU layers, no resolution changes: encoder chunks
E_1..E_D (E_1 reads x, E_i reads e_{i-1}), decoder D_D reads e_D and D_i (i < D)
reads ``concat(d_{i+1}, e_i)`` (first layer n x 2n, fan-in 2n) or ``d_{i+1} + e_i``
(add). The output is d_1; total depth 2LD, shortest path E_1 -> D_1 of 2L layers.
A point is alive iff d_1(x) != 0. The innermost chunk E_D *disabled* the network
when e_D = 0 at every point. Oracles: one point survives with probability exactly
l(n, 2L), and the expected living fraction is l(n, 2L), for every D.
Points do not interact; float64, unscaled (depths here are small).
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
from reludeath.variants.settings import JOINS, check_join

__all__ = ["JOINS", "SKIP_COLUMNS", "check_join", "run_unet", "simulate_unet", "skip_row"]

SKIP_COLUMNS = {
    "join": "concat (decoder reads concat(d_{i+1}, e_i)) or add (d_{i+1} + e_i)",
    "n": "width n (= input dimension)",
    "chunk": "chunk length L (layers per encoder or decoder chunk)",
    "levels": "levels D; total depth 2LD",
    "data_points": "data points M per network, iid N(0, I_n)",
    "networks": "networks T simulated",
    "alive_networks": "networks whose output d_1 is nonzero at some point",
    "p_alive": "alive_networks / networks",
    "p_alive_low": "lower end of the 95% Wilson interval of p_alive",
    "p_alive_high": "upper end of the 95% Wilson interval of p_alive",
    "living_fraction": "mean fraction of points with d_1(x) != 0 (expected l(n, 2L))",
    "disabled_networks": "networks whose innermost encoder chunk E_D output zero at every point",
    "shortest_path_bound": "l(n, 2L): the shortest path's survival, a lower bound on p_alive",
    "p_alive_fc": "P(alive) of plain iid fully connected ReLU networks of depth 2LD, same n "
    "and M (the project's kernel)",
}

_FAST = {"contract", "reassoc"}


def draw_unet(join, n, chunk, levels, data_points, seed, network):
    """(x (n, M), encoder (D*L, n, n), decoder (D*L, n, n), skip (D, n, n)) at He scale;
    the skip matrices are the e_i half of concat's first decoder layers (unused by add)."""
    key = setting_key("skip", join, n, chunk, levels, data_points)
    data, enc, dec, skip = generators(seed, key, network, 4)
    x = np.ascontiguousarray(data.standard_normal((data_points, n)).T)
    fan = 2 * n if join == "concat" else n
    he, first = math.sqrt(2.0 / n), math.sqrt(2.0 / fan)
    e = enc.standard_normal((levels * chunk, n, n)) * he
    d = dec.standard_normal((levels * chunk, n, n)) * he
    for i in range(levels - 1):  # first layer of D_i (i < D) has fan-in 2n for concat
        d[i * chunk] *= first / he
    s = skip.standard_normal((levels, n, n)) * first
    return x, e, d, s


@njit(fastmath=_FAST, nogil=True)
def _layer(w, h, out):
    n = w.shape[0]
    nonzero = False
    for i in range(n):
        s = 0.0
        for j in range(h.shape[0]):
            s += w[i, j] * h[j]
        out[i] = max(s, 0.0)
        nonzero = nonzero or s > 0.0
    return nonzero


@njit(fastmath=_FAST, nogil=True, cache=True)
def run_unet(x, enc, dec, skip, chunk, concat):
    """(living points at the output, whether e_D is zero at every point).

    Decoder chunk of level i (1-based) uses dec[(i-1)L : iL]; its first layer, for
    i < D, reads d_{i+1} through dec[(i-1)L] and e_i through skip[i-1] (concat) or
    d_{i+1} + e_i through dec[(i-1)L] (add)."""
    n, total = x.shape
    levels = enc.shape[0] // chunk
    e = np.zeros((levels, n))
    h = np.empty(n)
    g = np.empty(n)
    t = np.empty(n)
    living = 0
    innermost_alive = False
    for m in range(total):
        h[:] = x[:, m]
        for layer in range(levels * chunk):
            _layer(enc[layer], h, g)
            h[:] = g
            if (layer + 1) % chunk == 0:
                e[(layer + 1) // chunk - 1] = h
        for i in range(n):
            innermost_alive = innermost_alive or e[levels - 1, i] > 0.0
        h[:] = e[levels - 1]
        for level in range(levels, 0, -1):
            for step in range(chunk):
                w = dec[(level - 1) * chunk + step]
                if step == 0 and level < levels:
                    if concat:
                        for i in range(n):
                            s = 0.0
                            for j in range(n):
                                s += w[i, j] * h[j] + skip[level - 1, i, j] * e[level - 1, j]
                            t[i] = max(s, 0.0)
                    else:
                        for j in range(n):
                            g[j] = h[j] + e[level - 1, j]
                        _layer(w, g, t)
                    h[:] = t
                else:
                    _layer(w, h, g)
                    h[:] = g
        nonzero = False
        for i in range(n):
            nonzero = nonzero or h[i] > 0.0
        living += nonzero
    return living, not innermost_alive


def simulate_unet(join, n, chunk, levels, data_points, networks, seed):
    """(living points at the output, disabled flag), each (networks,)."""
    check_join(join)
    positive_int("n", n, maximum=64)
    for name, value in (("chunk", chunk), ("levels", levels), ("data_points", data_points)):
        positive_int(name, value)
    positive_int("networks", networks)
    living = np.empty(networks, np.int64)
    disabled = np.empty(networks, np.bool_)
    for t in range(networks):
        x, e, d, s = draw_unet(join, n, chunk, levels, data_points, seed, t)
        living[t], disabled[t] = run_unet(x, e, d, s, chunk, join == "concat")
    return living, disabled


def skip_row(join, n, chunk, levels, data_points, living, disabled, fc_alive) -> pd.DataFrame:
    """One row of SKIP_COLUMNS; fc_alive: living FC networks of depth 2LD (as many)."""
    networks = len(living)
    counts = alive_columns(np.array([(living > 0).sum()]), networks)
    columns = {
        "join": [join],
        "n": n,
        "chunk": chunk,
        "levels": levels,
        "data_points": data_points,
        "networks": networks,
        **counts,
        "living_fraction": living.mean() / data_points,
        "disabled_networks": int(disabled.sum()),
        "shortest_path_bound": float(lower_bound(n, 2 * chunk)),
        "p_alive_fc": fc_alive / networks,
    }
    return frame(columns, SKIP_COLUMNS)
