"""The population probability P_inf(n, k): a zero-bias iid network alive over every input.

P_M(n, k) counts a network alive when one of its M points survives k layers; P_inf asks for
some input of R^n. Per network alive at M implies alive at 2M on a superset of points, and
alive at every input, so P_M <= P_2M <= P_inf (docs/science.md, "The population probability").

- Exact: P_inf(n, 1) = 1 and P_inf(n, 2) = 1 - 2^(-n^2) (W_1 is invertible, so layer 1's image
  is the closed orthant, and layer 2 kills it only when all n^2 weights are <= 0);
  P_inf(1, k) = 2^-(k-1) (the image is a ray, killed with chance 1/2 a layer).
- n = 2, per network (`arc_run`): the living image is one arc of the closed quadrant plus rays;
  a cone narrower than pi maps under W to the cone between its edges' images, and ReLU keeps
  its part in the quadrant, sends its parts in quadrants II and IV to the rays e2 and e1 and
  kills quadrant III. Exact up to float64 rounding of the edges.
- Any n (`nested_alive`): the kernel on the first M of the network's points, M doubling; the
  sampler draws points point by point, so the M-point data are a prefix of the 2M-point data.

The networks are the grid's iid networks: `draw_weights` is the simulator's own draw
(`reludeath.simulate.draw_networks`), so network t has the same weights here as in a shard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from reludeath import kernel
from reludeath.schemes import get_scheme
from reludeath.simulate import ShardSpec, draw_networks, positive_int
from reludeath.stats import wilson_interval

__all__ = [
    "POPULATION_COLUMNS",
    "ArcRecord",
    "alive_table",
    "arc_run",
    "draw_data",
    "draw_weights",
    "exact_alive",
    "nested_alive",
    "population_table",
]


def exact_alive(n: int, k: int) -> float | None:
    """P_inf(n, k) where it is known in closed form: 1 at k = 1, 1 - 2^(-n^2) at k = 2,
    2^-(k-1) at n = 1; None elsewhere."""
    positive_int("n", n)
    positive_int("k", k)
    if k == 1:
        return 1.0
    if n == 1:
        return 2.0 ** -(k - 1)
    if k == 2:
        return float(-np.expm1(-(n * n) * np.log(2.0)))
    return None


def _spec(n: int, depth: int, networks: int, data_points: int, seed: int, first: int) -> ShardSpec:
    return ShardSpec("iid", n, depth, networks, data_points, seed, first)


def draw_weights(
    n: int, depth: int, networks: int, seed: int, first_network: int = 0
) -> np.ndarray:
    """(T, depth, n, n) float32: the weights of the grid's iid networks first_network ..
    first_network + T - 1 of width n under `seed` (the simulator's draw; no scale applied,
    which zero bias makes irrelevant)."""
    spec = _spec(n, depth, networks, 1, seed, first_network)
    scheme = spec.scheme_object
    indices = np.arange(first_network, first_network + networks)
    return draw_networks(spec, scheme, indices, np.dtype(np.float32))[1]


def draw_data(
    n: int, data_points: int, networks: int, seed: int, first_network: int = 0
) -> np.ndarray:
    """(T, n, M) float32: the data of the same networks (fresh data per network), as the
    simulator draws them: point by point, so a larger M extends a smaller one's points."""
    spec = _spec(n, 1, networks, data_points, seed, first_network)
    indices = np.arange(first_network, first_network + networks)
    return draw_networks(spec, spec.scheme_object, indices, np.dtype(np.float32))[0]


@dataclass(frozen=True)
class ArcRecord:
    """Per network over every input of R^2: alive[t, j-1], some input survives layer j;
    split[t, j-1], network t was alive after layer j-1 and some neuron of layer j is > 0 on
    part of its living image and <= 0 on another part; rays[t], the rays it held at the end."""

    alive: np.ndarray
    split: np.ndarray
    rays: np.ndarray

    @property
    def at_risk(self) -> np.ndarray:
        """(T, K): alive after layer j - 1 (every network before layer 1)."""
        T = self.alive.shape[0]
        return np.hstack([np.ones((T, 1), bool), self.alive[:, :-1]])


def _in_i(p: np.ndarray) -> np.ndarray:  # the closed first quadrant
    return (p[:, 0] >= 0) & (p[:, 1] >= 0)


def _in_ii(p: np.ndarray) -> np.ndarray:  # open quadrant II
    return (p[:, 0] < 0) & (p[:, 1] > 0)


def _in_iv(p: np.ndarray) -> np.ndarray:  # open quadrant IV
    return (p[:, 0] > 0) & (p[:, 1] < 0)


def _unit(p: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(p, axis=-1, keepdims=True)
    return p / np.where(norm > 0, norm, 1.0)


def _signs(values: np.ndarray, on: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(some value > 0, some value <= 0) over the last axis where `on`, per row."""
    return (
        ((values > 0) & on[..., None, :]).any(axis=-1),
        ((values <= 0) & on[..., None, :]).any(axis=-1),
    )


def arc_run(weights: np.ndarray) -> ArcRecord:
    """The exact living image of width-2 zero-bias networks, weights (T, K, 2, 2), per layer.

    The image after layer j >= 1 is one arc cone{u, v} (kept as its unit edge vectors, v
    counterclockwise of u, never as angles) and rays. Layer 1 maps R^2 onto the closed
    quadrant cone{e1, e2}. A later layer maps the arc to the cone from W u to W v (swapped when
    det W < 0), narrower than pi; ReLU keeps its intersection with the closed quadrant, and
    its parts in the open quadrants IV and II add the rays e1 and e2 (two slots a layer). A ray
    r goes to W r: kept in the open quadrant, sent to e1 / e2 from IV / II, dead in III.
    Float64 on the float32 weights; a sign within rounding of 0 can go either way.
    """
    w = np.asarray(weights, np.float64)
    T, K = w.shape[:2]
    if w.shape[2:] != (2, 2):
        raise ValueError(f"arc_run needs width-2 weights (T, K, 2, 2), got {w.shape}")
    e1, e2 = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    alive = np.zeros((T, K), bool)
    split = np.zeros((T, K), bool)
    alive[:, 0] = split[:, 0] = True  # layer 1: both signs on R^2, image the closed quadrant
    arc = np.ones(T, bool)
    u, v = np.tile(e1, (T, 1)), np.tile(e2, (T, 1))
    rays = np.zeros((T, max(2 * (K - 1), 1), 2))
    ray_on = np.zeros(rays.shape[:2], bool)
    for j in range(1, K):
        live = arc | ray_on.any(axis=1)
        if not live.any():
            break
        W, used = w[:, j], 2 * (j - 1)  # rays fill 2 slots a layer
        wu, wv = np.einsum("tij,tj->ti", W, u), np.einsum("tij,tj->ti", W, v)
        # split: some neuron > 0 somewhere on the image and <= 0 elsewhere (the arc's values
        # lie between its edges')
        pos, nonpos = _signs(np.stack([wu, wv], axis=-1), np.stack([arc, arc], axis=-1))
        images = np.einsum("tij,trj->tri", W, rays[:, :used])
        ray_pos, ray_nonpos = _signs(images.swapaxes(1, 2), ray_on[:, :used])
        split[:, j] = live & ((pos | ray_pos) & (nonpos | ray_nonpos)).any(axis=1)
        # The arc's image: the cone from a to b, counterclockwise. x lies in it when
        # cross(a, x) >= 0 <= cross(x, b); for x = e1, e2, -e2, -e1 that reads:
        flip = (np.linalg.det(W) < 0)[:, None]
        a, b = np.where(flip, wv, wu), np.where(flip, wu, wv)
        e1_in = (a[:, 1] <= 0) & (b[:, 1] >= 0)
        e2_in = (a[:, 0] >= 0) & (b[:, 0] <= 0)
        down_in = (a[:, 0] <= 0) & (b[:, 0] >= 0)
        left_in = (a[:, 1] >= 0) & (b[:, 1] <= 0)
        touches_iv = arc & (_in_iv(a) | _in_iv(b) | (down_in & e1_in)) & ~e1_in
        touches_ii = arc & (_in_ii(a) | _in_ii(b) | (e2_in & left_in)) & ~e2_in
        arc = arc & (e1_in | _in_i(a)) & (e2_in | _in_i(b))
        u = _unit(np.where(e1_in[:, None], e1, a))
        v = _unit(np.where(e2_in[:, None], e2, b))
        # The rays, then this layer's two new ones (e1 from IV, e2 from II, unless the arc
        # already reaches that axis: then the ray is its edge).
        x, y = images[..., 0], images[..., 1]
        on = ray_on[:, :used]
        keep, to_e1, to_e2 = (
            on & (x > 0) & (y > 0),
            on & (x > 0) & (y <= 0),
            on & (x <= 0) & (y > 0),
        )
        moved = np.where(keep[..., None], _unit(images), 0.0)
        moved[to_e1], moved[to_e2] = e1, e2
        rays[:, :used], ray_on[:, :used] = moved, keep | to_e1 | to_e2
        rays[:, used], rays[:, used + 1] = e1, e2
        ray_on[:, used], ray_on[:, used + 1] = touches_iv, touches_ii
        alive[:, j] = arc | ray_on.any(axis=1)
    return ArcRecord(alive, split, ray_on.sum(axis=1))


def nested_alive(
    n: int,
    depth: int,
    networks: int,
    seed: int,
    sizes: Sequence[int],
    first_network: int = 0,
    threads: int = 1,
    chunk: int = 128,
) -> np.ndarray:
    """(len(sizes), T, depth) bool: the grid's iid network t is alive after layer j over the
    first sizes[i] of its points (the kernel, float32 with rescaling). The networks and their
    points do not depend on the size, so the flags never fall as the size grows."""
    sizes = [positive_int("data_points (M)", m) for m in sizes]
    if any(b < a for a, b in pairwise(sizes)):
        raise ValueError(f"sizes must not decrease, got {sizes}")
    settings = get_scheme("iid").kernel_settings(np.float32)
    out = np.zeros((len(sizes), networks, depth), bool)
    for start in range(0, networks, chunk):
        count = min(chunk, networks - start)
        first = first_network + start
        weights = draw_weights(n, depth, count, seed, first)
        x = draw_data(n, sizes[-1], count, seed, first)
        biases = np.empty((count, 0, n), np.float32)
        for i, m in enumerate(sizes):
            result = kernel.allocate_outputs(count, depth)
            points = np.ascontiguousarray(x[:, :, :m])
            kernel.run_networks(points, weights.copy(), biases, settings, result, threads=threads)
            out[i, start : start + count] = np.asarray(result["alive_points"]) > 0
    return out


def alive_table(alive: np.ndarray) -> dict[str, np.ndarray]:
    """{"k", "p_alive", "p_low", "p_high"} over networks from per-network flags (T, K): the
    fraction alive after layer k with its 95% Wilson interval (networks are independent)."""
    T, K = alive.shape
    count = alive.sum(axis=0)
    low, high = _wilson(count, T)
    return {"k": np.arange(1, K + 1), "p_alive": count / T, "p_low": low, "p_high": high}


def _wilson(count: np.ndarray, trials: int) -> tuple[np.ndarray, np.ndarray]:
    """The 95% Wilson interval, its ends clipped to hold the estimate (rounding at 0 and 1)."""
    low, high = wilson_interval(count, np.full(np.shape(count), trials))
    share = np.asarray(count) / trials
    return np.minimum(low, share), np.maximum(high, share)


POPULATION_COLUMNS = {
    "n": "width",
    "k": "depth",
    "p_alive": "P(n, k): the share of networks alive after layer k",
    "p_low": "95% interval, low end (Wilson over networks; the value itself where exact)",
    "p_high": "95% interval, high end",
    "method": "'exact' (closed form, every input), 'arc' (n = 2, every input, per network) or "
    "'points' (the kernel on the first data_points of each network's points)",
    "data_points": "M for 'points' rows; 0 (every input) for 'exact' and 'arc'",
    "networks": "networks counted (0 for 'exact')",
    "gap": "'points' rows at n = 2: P_inf - P_M on the same networks (NaN elsewhere)",
    "gap_low": "95% Wilson interval of the gap: the share of networks alive over every "
    "input and dead on the M points",
    "gap_high": "its high end",
}


def _rows(n: int, method: str, alive: np.ndarray, data_points: int = 0) -> pd.DataFrame:
    table = pd.DataFrame(alive_table(alive))
    return table.assign(n=n, method=method, data_points=data_points, networks=len(alive))


def population_table(
    seed: int,
    depth: int,
    networks: int,
    widths: Sequence[int],
    sizes: Sequence[int],
    exact_widths: Sequence[int],
    threads: int = 1,
) -> tuple[pd.DataFrame, ArcRecord | None]:
    """(POPULATION_COLUMNS rows, the n = 2 arc record or None): the closed forms (n = 1 at
    every k <= depth; k = 1, 2 at every width of exact_widths and widths), the arc at n = 2
    when 2 is in `widths`, and the nested estimates at every width of `widths` and M of
    `sizes`, all on the grid's iid networks 0 .. networks - 1 of `seed`."""
    exact = [(1, k) for k in range(1, depth + 1)]
    exact += [(n, k) for n in sorted(set(exact_widths) | set(widths)) if n > 1 for k in (1, 2)]
    values = [exact_alive(n, k) for n, k in exact]
    parts = [
        pd.DataFrame(
            {
                "n": [n for n, _ in exact],
                "k": [k for _, k in exact],
                "p_alive": values,
                "p_low": values,
                "p_high": values,
                "method": "exact",
                "data_points": 0,
                "networks": 0,
            }
        )
    ]
    record = None
    for n in sorted(widths):
        nested = nested_alive(n, depth, networks, seed, sizes, threads=threads)
        if n == 2:
            record = arc_run(draw_weights(2, depth, networks, seed))
            parts.append(_rows(2, "arc", record.alive))
        for m, alive in zip(sizes, nested, strict=True):
            part = _rows(n, "points", alive, m)
            if record is not None and n == 2:
                missed = (record.alive & ~alive).sum(axis=0)
                part["gap"] = missed / networks
                part["gap_low"], part["gap_high"] = _wilson(missed, networks)
            parts.append(part)
    table = pd.concat(parts, ignore_index=True).reindex(columns=list(POPULATION_COLUMNS))
    return table.astype({"n": "int64", "k": "int64", "data_points": "int64"}), record
