"""Follow a width's late splitters until their points are on one ray, so its tail is decided.

The tail bound (`reludeath.deep.tail`) counts only splits in the last half of a run, of the
networks not known to be on one ray. The grid's shards carry no one-ray flags, and a deep run
may end before a network's points reach one ray, so a single network that splits late makes a
width's bound infinite. Here every *late* network (one with
a split in the bound's two blocks) is redrawn from its spec (`reludeath.simulate.draw_network`:
same data, same first K layers), run in float64 through those K layers and then through fresh
iid layers, split and alive recorded per layer, until its living points are on one ray (zero
bias: no later layer splits them), it dies, or `cap` layers in all. Layers after K are iid and
independent of the first K, so fresh ones have the law of the network's own continuation.

The other networks beyond K: with no split in the last half they add no split (the tail
model's assumption, docs/science.md section 9); a network on one ray dies at each layer with
probability exactly 2^-n, so their deaths beyond K are drawn as K + Geometric(2^-n) (only the
at-risk counts need them).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from reludeath.deep.identity import Identity
from reludeath.deep.networks import late_mask, on_one_ray
from reludeath.sampling.seeds import generator
from reludeath.simulate import ShardSpec, draw_network

__all__ = [
    "CAP_FACTOR",
    "Followed",
    "draw_grid_network",
    "extend",
    "follow",
    "late_networks",
    "settle_width",
    "settled_identity",
]

# A late network is followed to at most CAP_FACTOR times the run's depth.
CAP_FACTOR = 16
_EVERY = 16  # layers between one-ray checks (and rescaling)


@dataclass(frozen=True)
class Followed:
    """One network followed after layer K: split[i] and alive[i] of layer K + 1 + i, and
    whether its living points were on one ray (or none left) after the last of them."""

    split: np.ndarray
    alive: np.ndarray
    one_ray: bool

    @property
    def layers(self) -> int:
        return len(self.split)


def late_networks(split: np.ndarray) -> np.ndarray:
    """Indices of the networks with a split in the tail bound's two blocks (the last 2 L
    layers, L = K // 4) of split (T, K)."""
    return np.flatnonzero(late_mask(split))


def follow(
    x: np.ndarray,
    weights: np.ndarray,
    start: int,
    rng: np.random.Generator,
    cap: int,
) -> Followed:
    """A zero-bias network with data x (n, M) in float64: the layers weights[:start] silently,
    then weights[start:] and after them fresh N(0, 2/n) layers from `rng`, recording each
    layer's split (some row positive on some living points and not on all) and alive (some
    point's image nonzero), until the living points are on one ray (checked at `start` and
    every 16 layers), none is left, or layer `cap`."""
    n = x.shape[0]
    h = np.asarray(x, np.float64)
    for j in range(start):
        h = np.maximum(weights[j].astype(np.float64) @ h, 0.0)
        h = h[:, h.max(axis=0) > 0]
        if h.shape[1] == 0:
            return Followed(np.zeros(0, bool), np.zeros(0, bool), True)
        if (j + 1) % _EVERY == 0:
            h /= h.max()
    h /= h.max()
    if on_one_ray(h):
        return Followed(np.zeros(0, bool), np.zeros(0, bool), True)
    split, alive = [], []
    scale = math.sqrt(2.0 / n)
    for j in range(start, cap):
        w = weights[j].astype(np.float64) if j < len(weights) else rng.standard_normal((n, n))
        z = (w * (scale if j >= len(weights) else 1.0)) @ h
        positive = (z > 0).sum(axis=1)
        split.append(bool(np.any((positive > 0) & (positive < h.shape[1]))))
        h = np.maximum(z, 0.0)
        h = h[:, h.max(axis=0) > 0]
        alive.append(h.shape[1] > 0)
        if h.shape[1] == 0:
            return Followed(np.array(split), np.array(alive), True)
        if (j + 1 - start) % _EVERY == 0:
            h /= h.max()
            if on_one_ray(h):
                return Followed(np.array(split), np.array(alive), True)
    return Followed(np.array(split, bool), np.array(alive, bool), on_one_ray(h))


def extend(
    at_risk: np.ndarray,
    split: np.ndarray,
    alive_last: np.ndarray,
    followed: dict[int, Followed],
    n: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(at_risk, split, settled) over K + J layers, J the longest follow: the followed
    networks' recorded layers, the others' (and a followed network's after it settled, alive)
    deaths drawn as Geometric(2^-n), no split. settled[t]: t was followed and ended on one
    ray (or dead); the tail bound counts only the other networks' splits."""
    T, K = at_risk.shape
    J = max((f.layers for f in followed.values()), default=0)
    risk = np.zeros((T, K + J), bool)
    cut = np.zeros((T, K + J), bool)
    risk[:, :K], cut[:, :K] = at_risk, split
    settled = np.zeros(T, bool)
    deaths = rng.geometric(2.0**-n, size=T)
    for t in range(T):
        start, living = K, bool(alive_last[t])
        if t in followed:
            f = followed[t]
            before = np.concatenate([[living], f.alive[:-1]]).astype(bool)[: f.layers]
            risk[t, K : K + f.layers] = before
            cut[t, K : K + f.layers] = f.split & before
            start = K + f.layers
            living = bool(f.alive[-1]) if f.layers else living
            settled[t] = f.one_ray
            if not f.one_ray:
                continue
        if living:
            risk[t, start : min(start + int(deaths[t]), K + J)] = True
    return risk, cut, settled


def draw_grid_network(spec: dict, network: int) -> tuple[np.ndarray, np.ndarray]:
    """(data (n, M), weights (depth, n, n)) of network `network` (its index within the shard)
    of an iid shard described by `spec` (its metadata)."""
    shard = ShardSpec(**{**spec, "options": tuple(sorted(spec.get("options", {}).items()))})
    scheme = shard.scheme_object
    if scheme.has_bias:
        raise ValueError(f"only zero-bias shards can be followed, got {shard.scheme!r}")
    dtype = np.dtype(shard.dtype) if shard.dtype else scheme.dtype
    x, weights, _ = draw_network(shard, scheme, shard.first_network + network, dtype)
    return x, weights


def settle_width(
    at_risk: np.ndarray,
    split: np.ndarray,
    alive_last: np.ndarray,
    draw: Callable[[int], tuple[np.ndarray, np.ndarray]],
    n: int,
    seed: int,
    known: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[int, Followed]]:
    """Follow every late network of one width (draw(t) gives network t's data and weights)
    to at most CAP_FACTOR * K layers; (at_risk, split, settled) as `extend`, and the follows.
    `known` (T,) marks networks already known to be on one ray after layer K: not followed,
    and settled."""
    K = at_risk.shape[1]
    known = np.zeros(len(at_risk), bool) if known is None else np.asarray(known, bool)
    followed = {}
    for t in late_networks(split):
        if known[t]:
            continue
        x, weights = draw(int(t))
        rng = generator(seed, "deep-settle", n, int(t))
        followed[int(t)] = follow(x, weights[:K], K, rng, CAP_FACTOR * K)
    risk, cut, settled = extend(
        at_risk, split, alive_last, followed, n, generator(seed, "deep-settle-deaths", n)
    )
    return risk, cut, settled | known, followed


def settled_identity(
    at_risk: np.ndarray,
    split: np.ndarray,
    alive_last: np.ndarray,
    draw: Callable[[int], tuple[np.ndarray, np.ndarray]],
    n: int,
    replicates: int,
    seed: int,
    known: np.ndarray | None = None,
) -> tuple[Identity, dict[int, Followed]]:
    """The width's Identity and the networks followed: when its tail bound is infinite, its
    late splitters not `known` to be on one ray are followed first (settle_width)."""
    ident = Identity(at_risk, split, n, replicates, seed, known)
    if math.isfinite(ident.tail_bound):
        return ident, {}
    risk, cut, flags, follows = settle_width(at_risk, split, alive_last, draw, n, seed, known)
    return Identity(risk, cut, n, replicates, seed, flags), follows
