"""Convolutional ReLU networks (the paper's long §8.1, eqs (21)-(22)): N channels of
size d (1-D) or d x d (2-D), kernel m, stride 1, zero bias, M images.

A layer maps N channels to N channels,
``z[o, p] = sum_i sum_t W[o, i, t] h[i, p + offset(t)]``, with circular padding
(translation-equivariant, the primary setting) or zero "same" padding. An image
is alive after layer j if it was alive after j - 1 and some output (channel,
position) is > 0; dead images stay dead and are skipped. The network is alive
if some image is. A channel *splits* when its pre-activation is > 0 at some
(living image, position) and <= 0 at another (the split identity with
"neuron" -> "output channel").

Zero bias makes every statistic invariant to positive scaling, so the weights
are drawn standard normal (He scale omitted) in float32 and each layer's output
is rescaled by a power of two: exact, and safe from overflow at any depth.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numba import njit

from reludeath.bounds import complement_power, lower_bound
from reludeath.variants.common import (
    alive_columns,
    frame,
    generators,
    positive_int,
)
from reludeath.variants.settings import PADDINGS, ConvSetting

__all__ = [
    "CONV_COLUMNS",
    "PADDINGS",
    "ConvSetting",
    "conv_bounds",
    "conv_table",
    "draw_conv",
    "neighbours",
    "run_conv",
    "simulate_conv",
]

CONV_COLUMNS = {
    "dims": "spatial dimensions D (1: signals of length d, 2: d x d images)",
    "channels": "channels N (input and output of every layer)",
    "kernel": "kernel size m (m taps in 1-D, m x m in 2-D)",
    "size": "signal or image size d",
    "images": "images M per network, iid N(0, 1) in every channel and position",
    "k": "depth (layers)",
    "networks": "networks T simulated",
    "alive_networks": "networks with some image alive after layer k",
    "p_alive": "alive_networks / networks",
    "p_alive_low": "lower end of the 95% Wilson interval of p_alive",
    "p_alive_high": "upper end of the 95% Wilson interval of p_alive",
    "living_fraction": "mean fraction of a network's images alive after layer k",
    "sigma": "split rate: networks alive after k-1 in which some channel of layer k splits "
    "the living (image, position) pairs, over networks alive after k-1",
    "lower_bound": "l_N(k) = (1 - 2^-N)^k",
    "upper_bound_printed": "the paper's printed bound (1 - 2^(-N (m^D + 1)))^(k-1) "
    "(long eq (22), short eq (23); unproven for N >= 2)",
    "upper_bound_derived": "the bound the paper's argument gives with zero bias, "
    "(1 - 2^(-N^2 m^D))^(k-1): some layer >= 2 with every weight <= 0 kills every image",
}

_FAST = {"contract", "reassoc"}


def neighbours(setting: ConvSetting) -> np.ndarray:
    """(positions, taps) index of the input position each tap reads for each output
    position; `positions` (one past the last) marks a zero-padded tap."""
    d, m = setting.size, setting.kernel
    offsets = np.arange(m) - (m - 1) // 2
    coords = np.arange(d)
    if setting.dims == 1:
        src = coords[:, None] + offsets[None, :]
        if setting.padding == "circular":
            return (src % d).astype(np.int64)
        return np.where((src >= 0) & (src < d), src, d).astype(np.int64)
    rows = coords[:, None, None, None] + offsets[None, None, :, None]
    cols = coords[None, :, None, None] + offsets[None, None, None, :]
    rows, cols = np.broadcast_arrays(rows, cols)
    if setting.padding == "circular":
        index = (rows % d) * d + cols % d
    else:
        inside = (rows >= 0) & (rows < d) & (cols >= 0) & (cols < d)
        index = np.where(inside, rows * d + cols, d * d)
    return index.reshape(d * d, m * m).astype(np.int64)


def draw_conv(setting: ConvSetting, depth: int, seed: int, network: int):
    """(images (M, N, d^D), weights (depth, N, N, m^D)) of one network, float32.

    Images point-major (growing M keeps the first), weights layer-major."""
    data, params = generators(seed, setting.key(), network, 2)
    n = setting.channels
    x = data.standard_normal((setting.images, n, setting.positions), dtype=np.float32)
    w = params.standard_normal((depth, n, n, setting.taps), dtype=np.float32)
    return x, w


@njit(fastmath=_FAST, nogil=True, cache=True)
def run_conv(x, weights, nbr, alive_out, split_out):
    """Forward one conv network; per layer j write the living images and whether some
    channel splits the (image, position) pairs of the images alive before layer j.

    x: (M, N, P) images; weights: (depth, N, N, taps); nbr: (P, taps), P = zero tap.
    """
    images, n, positions = x.shape
    depth = weights.shape[0]
    taps = nbr.shape[1]
    h = np.zeros((images, n, positions + 1), dtype=x.dtype)  # last column: zero padding
    h[:, :, :positions] = x
    z = np.empty((n, positions), dtype=x.dtype)
    alive = np.ones(images, dtype=np.bool_)
    n_alive = images
    zero = x.dtype.type(0)
    positive = np.zeros(n, dtype=np.int64)
    for layer in range(depth):
        if n_alive == 0:
            alive_out[layer:] = 0
            split_out[layer:] = False
            return
        w = weights[layer]
        positive[:] = 0
        largest = zero
        survivors = 0
        for img in range(images):
            if not alive[img]:
                continue
            z[:, :] = zero
            for o in range(n):
                for i in range(n):
                    hi = h[img, i]
                    for t in range(taps):
                        wt = w[o, i, t]
                        for p in range(positions):
                            z[o, p] += wt * hi[nbr[p, t]]
            any_positive = False
            for o in range(n):
                count = 0
                for p in range(positions):
                    v = z[o, p]
                    if v > zero:
                        count += 1
                        h[img, o, p] = v
                        if v > largest:
                            largest = v
                    else:
                        h[img, o, p] = zero
                positive[o] += count
                any_positive = any_positive or count > 0
            if any_positive:
                survivors += 1
            else:
                alive[img] = False
        pairs = n_alive * positions
        split = False
        for o in range(n):
            split = split or 0 < positive[o] < pairs
        split_out[layer] = split
        n_alive = survivors
        alive_out[layer] = n_alive
        if largest > zero:  # exact power-of-two rescaling (positive homogeneity)
            factor = x.dtype.type(math.ldexp(1.0, -math.frexp(largest)[1]))
            for img in range(images):
                if alive[img]:
                    h[img, :, :positions] *= factor


def simulate_conv(
    setting: ConvSetting, depth: int, networks: int, seed: int, first_network: int = 0
) -> dict[str, np.ndarray]:
    """alive images (T, depth) and split flags (T, depth) of networks first_network.."""
    positive_int("depth", depth)
    positive_int("networks", networks)
    nbr = neighbours(setting)
    alive = np.empty((networks, depth), np.int32)
    split = np.empty((networks, depth), np.bool_)
    for t in range(networks):
        x, w = draw_conv(setting, depth, seed, first_network + t)
        run_conv(x, w, nbr, alive[t], split[t])
    return {"alive": alive, "split": split}


def conv_bounds(setting: ConvSetting, k: np.ndarray) -> dict[str, np.ndarray]:
    """lower l_N(k), printed upper (1-2^-N(m^D+1))^(k-1), derived (1-2^-N^2 m^D)^(k-1)."""
    n, taps = setting.channels, setting.taps
    k = np.asarray(k)
    return {
        "lower_bound": lower_bound(n, k),
        "upper_bound_printed": complement_power(-n * (taps + 1.0), k - 1),
        "upper_bound_derived": complement_power(-float(n * n * taps), k - 1),
    }


def split_rates(alive: np.ndarray, split: np.ndarray) -> np.ndarray:
    """sigma_j: networks alive before layer j with a split at j, over those alive before j."""
    living = alive > 0
    before = np.concatenate([np.ones((alive.shape[0], 1), bool), living[:, :-1]], axis=1)
    at_risk = before.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(at_risk > 0, (split & before).sum(axis=0) / at_risk, np.nan)


def conv_table(setting: ConvSetting, result: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per depth k = 1..depth with CONV_COLUMNS."""
    alive, split = result["alive"], result["split"]
    networks, depth = alive.shape
    k = np.arange(1, depth + 1)
    columns: dict[str, object] = {
        "dims": setting.dims,
        "channels": setting.channels,
        "kernel": setting.kernel,
        "size": setting.size,
        "images": setting.images,
        "k": k,
        "networks": networks,
        **alive_columns((alive > 0).sum(axis=0), networks),
        "living_fraction": alive.mean(axis=0) / setting.images,
        "sigma": split_rates(alive, split),
        **conv_bounds(setting, k),
    }
    return frame(columns, CONV_COLUMNS)
