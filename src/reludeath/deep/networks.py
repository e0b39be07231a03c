"""Simulate iid (zero-bias) networks until their splits stop.

sigma_j, the chance that layer j splits the living points, needs only the kernel's `split`
and `alive_points` outputs. The networks and their data are the grid's (same seed, scheme and
network index give the same network: `reludeath.simulate`), fresh data per network.
Per network we also record the last layer that split and whether the living points ended on
one ray {lambda v : lambda > 0}: with zero biases W(lambda v) = lambda W v, so such points are
never split again and the network adds nothing to S(n) after that layer (docs/science.md).
The float64 one-ray pass matters only for the *late* networks (a split in the last half of the
run, `late_mask`): the tail model counts only their splits. `checks="late"` runs it for them
alone (the others get one_ray False: not checked), 3-7 times cheaper per network at n = 16..34
(bench/deep_checks.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reludeath import kernel
from reludeath.schemes import get_scheme
from reludeath.simulate import ShardSpec, draw_network, positive_int

__all__ = ["SplitRecord", "late_mask", "on_one_ray", "simulate_splits", "split_record"]

# Points count as parallel when 1 - cos(angle) <= RAY_TOLERANCE (float64 images).
RAY_TOLERANCE = 1e-9


@dataclass(frozen=True)
class SplitRecord:
    """Per-network split history of T networks over K layers.

    at_risk[t, j-1]: network t is alive after layer j-1; split[t, j-1]: it is, and layer j
    splits its living points; alive[t, j-1]: it is alive after layer j; last_split[t]: the
    last such j (0 if none); one_ray[t]: its living points are on one ray after layer K (or
    it is dead); with checks="late", False for a network with no split in the last half (not
    checked)."""

    n: int
    data_points: int
    at_risk: np.ndarray
    split: np.ndarray
    alive: np.ndarray
    last_split: np.ndarray
    one_ray: np.ndarray

    @property
    def networks(self) -> int:
        return int(self.at_risk.shape[0])

    @property
    def depth(self) -> int:
        return int(self.at_risk.shape[1])


def on_one_ray(images: np.ndarray, tolerance: float = RAY_TOLERANCE) -> bool:
    """Whether the nonzero columns of `images` (n, M) are positive multiples of one vector:
    1 - cos(angle to their mean direction) <= tolerance for each. No nonzero column: True."""
    norms = np.linalg.norm(images, axis=0)
    live = images[:, norms > 0] / norms[norms > 0]
    if live.shape[1] <= 1:
        return True
    direction = live.sum(axis=1)
    direction /= np.linalg.norm(direction)
    return bool(np.all(1.0 - direction @ live <= tolerance))


def _ends_on_one_ray(x: np.ndarray, weights: np.ndarray, every: int = 16) -> bool:
    """Whether the living points' images after the last layer lie on one ray. Float64; every
    `every` layers the dead columns are dropped, the images rescaled by their largest entry,
    and the pass stops if they are on one ray (with zero bias they stay there)."""
    h = x.astype(np.float64)
    work = np.empty_like(h)
    depth = weights.shape[0]
    for j in range(depth):
        np.matmul(weights[j].astype(np.float64), h, out=work)
        np.maximum(work, 0.0, out=work)
        h, work = work, h
        if (j + 1) % every == 0 or j + 1 == depth:
            top = h.max()
            if top == 0:
                return True
            h = h[:, h.max(axis=0) > 0] / top
            work = np.empty_like(h)
            if on_one_ray(h):
                return True
    return on_one_ray(h)


def late_mask(split: np.ndarray) -> np.ndarray:
    """(T,) True for the networks with a split in the last 2 L layers of split (T, K),
    L = K // 4: the tail bound's two blocks (reludeath.deep.tail)."""
    K = split.shape[1]
    if K // 4 == 0:
        return np.zeros(len(split), bool)
    return np.asarray(split[:, K - 2 * (K // 4) :].any(axis=1))


def split_record(
    x: np.ndarray, weights: np.ndarray, threads: int = 1, checks: str = "all"
) -> SplitRecord:
    """The split history of zero-bias networks with data x (T, n, M), weights (T, K, n, n);
    the one-ray pass on every network (checks="all") or on the late ones only ("late")."""
    if checks not in ("all", "late"):
        raise ValueError(f"checks must be 'all' or 'late', got {checks!r}")
    networks, n, data_points = x.shape
    depth = weights.shape[1]
    settings = get_scheme("iid").kernel_settings(x.dtype)
    out = kernel.allocate_outputs(networks, depth)
    biases = np.empty((networks, 0, n), x.dtype)
    kernel.run_networks(x, weights, biases, settings, out, threads=threads)
    points = np.asarray(out["alive_points"])
    before = np.hstack([np.full((networks, 1), data_points, points.dtype), points[:, :-1]])
    at_risk = before > 0
    split = np.asarray(out["split"]).astype(bool) & at_risk
    layers = np.arange(1, depth + 1)
    last_split = np.where(split, layers, 0).max(axis=1)
    check = late_mask(split) if checks == "late" else np.ones(networks, bool)
    one_ray = np.array(
        [bool(check[t]) and _ends_on_one_ray(x[t], weights[t]) for t in range(networks)], bool
    )
    return SplitRecord(n, data_points, at_risk, split, points > 0, last_split, one_ray)


def simulate_splits(
    n: int,
    data_points: int,
    depth: int,
    networks: int,
    seed: int,
    first_network: int = 0,
    threads: int = 1,
    checks: str = "all",
) -> SplitRecord:
    """Run `networks` iid networks of width n over `data_points` points for `depth` layers:
    network i is the grid's iid network i of that seed and width (fresh data per network)."""
    spec = ShardSpec("iid", n, depth, networks, data_points, seed, first_network)
    scheme = spec.scheme_object
    positive_int("threads", threads)
    dtype = scheme.dtype
    x = np.empty((networks, n, data_points), dtype)
    weights = np.empty((networks, depth, n, n), dtype)
    biases = np.empty((networks, 0, n), dtype)
    for t in range(networks):
        draw_network(spec, scheme, first_network + t, dtype, out=(x[t], weights[t], biases[t]))
    return split_record(x, weights, threads, checks)
