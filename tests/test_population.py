"""The population probability P_inf (reludeath.deep.population): the closed forms, the n = 2
arc construction against an exact rational reference and a brute force over 2^16 points, and
the nested-M estimates (prefix data, never falling in M, below P_inf network by network)."""

from fractions import Fraction
from functools import cmp_to_key
from itertools import pairwise

import numpy as np
import pytest

from reludeath.deep.population import (
    alive_table,
    arc_run,
    draw_data,
    draw_weights,
    exact_alive,
    nested_alive,
)
from reludeath.simulate import ShardSpec, draw_networks, simulate_shard
from reludeath.stats import wilson_interval

SEED = 20190813
Z = 4.5  # tolerance in binomial standard errors


def test_exact_closed_forms():
    assert exact_alive(3, 1) == 1.0
    assert exact_alive(1, 5) == 2.0**-4
    assert exact_alive(2, 2) == 1 - 2.0**-4
    assert exact_alive(5, 2) == pytest.approx(1 - 2.0**-25, rel=0, abs=1e-16)
    assert exact_alive(2, 3) is None


def test_weights_are_the_simulators():
    """Network t here is network t of a shard with the same seed and width."""
    spec = ShardSpec("iid", 3, 5, 4, 7, SEED, first_network=10)
    _, weights, _ = draw_networks(spec, spec.scheme_object, np.arange(10, 14), np.float32)
    assert np.array_equal(draw_weights(3, 5, 4, SEED, first_network=10), weights)


def test_points_are_a_prefix():
    """The first M of 2M points are the M-point data, network by network."""
    for n in (2, 3):
        small, large = draw_data(n, 64, 5, SEED), draw_data(n, 128, 5, SEED)
        assert np.array_equal(large[:, :, :64], small)
        assert not np.array_equal(large[:, :, 64:], large[:, :, :64])


# An exact reference for n = 2: the living image as a list of closed cones (p, q), p -> q
# counterclockwise (p = q: a ray), in rational arithmetic, cut at the axes, each piece sent
# to its quadrant's image. It allows any number of cones, so it also checks there is one arc.
_AXES = [(1, 0), (0, 1), (-1, 0), (0, -1)]


def _cross(p, q):
    return p[0] * q[1] - p[1] * q[0]


def _apply(w, p):
    return (w[0][0] * p[0] + w[0][1] * p[1], w[1][0] * p[0] + w[1][1] * p[1])


def _relu_piece(p, q):
    """The images under ReLU of the closed cone [p, q] lying in one closed quadrant."""
    m = (p[0] + q[0], p[1] + q[1])
    if m[0] > 0 and m[1] > 0:
        return [(p, q)] if p != q else [(p, p)]
    if m[0] > 0 and m[1] <= 0:
        return [((1, 0), (1, 0))]
    if m[0] <= 0 and m[1] > 0:
        return [((0, 1), (0, 1))]
    return []


def _direction(p):
    scale = max(abs(p[0]), abs(p[1]))
    return (p[0] / scale, p[1] / scale)


def _reference(weights):
    """(alive (K,), split (K,)) of one width-2 network, exactly."""
    K = len(weights)
    alive, split = [True], [True]
    pieces = [((Fraction(1), Fraction(0)), (Fraction(0), Fraction(1)))]
    for j in range(1, K):
        w = [[Fraction(float(v)) for v in row] for row in weights[j]]
        cut = False
        if pieces:
            for row in w:
                values = [row[0] * e[0] + row[1] * e[1] for piece in pieces for e in piece]
                cut |= any(v > 0 for v in values) and any(v <= 0 for v in values)
        split.append(cut and bool(pieces))
        out = set()
        for p, q in pieces:
            a, b = _apply(w, p), _apply(w, q)
            if p != q and _cross(a, b) < 0:
                a, b = b, a
            if p == q:
                out.update(_relu_piece(a, a))
                continue
            inside = [e for e in _AXES if _cross(a, e) > 0 and _cross(e, b) > 0]
            inside.sort(key=cmp_to_key(lambda e, f: -1 if _cross(e, f) > 0 else 1))  # a to b
            cuts = [a, *[(Fraction(e[0]), Fraction(e[1])) for e in inside], b]
            for s, t in pairwise(cuts):
                out.update(_relu_piece(s, t))
        pieces = sorted({(_direction(p), _direction(q)) for p, q in out})
        assert sum(p != q for p, q in pieces) <= 1, "more than one arc"
        alive.append(bool(pieces))
    return np.array(alive), np.array(split)


def test_arc_matches_exact_rationals():
    """Per network and layer, alive and split equal the exact rational propagation."""
    weights = draw_weights(2, 40, 120, SEED)
    record = arc_run(weights)
    for t in range(len(weights)):
        alive, split = _reference(weights[t])
        assert np.array_equal(record.alive[t], alive), t
        assert np.array_equal(record.split[t], split), t


def test_arc_two_layers_exact():
    """P_inf(2, 2) = 1 - 2^-4 within its standard error (4096 networks)."""
    T = 4096
    record = arc_run(draw_weights(2, 2, T, SEED))
    p = exact_alive(2, 2)
    assert abs(record.alive[:, 1].mean() - p) <= Z * np.sqrt(p * (1 - p) / T)
    assert record.alive[:, 0].all()


def _brute_alive(x, weights):
    """(T, K): some of the points survives layer j, float64, every point propagated."""
    h = x.astype(np.float64)
    out = np.zeros(weights.shape[:2], bool)
    for j in range(weights.shape[1]):
        h = np.maximum(np.einsum("tij,tjm->tim", weights[:, j].astype(np.float64), h), 0)
        h /= np.maximum(h.max(axis=(1, 2), keepdims=True), 1e-300)
        out[:, j] = (h > 0).any(axis=1).any(axis=1)
    return out


def test_arc_agrees_with_brute_force():
    """At k <= 6 the arc's P_inf(2, k) and a float64 brute force over 2^16 points per network
    agree within the binomial SE, and no network alive on the points is dead in the arc."""
    T, K, M = 512, 6, 2**16
    weights = draw_weights(2, K, T, SEED)
    record = arc_run(weights)
    brute = np.concatenate(
        [_brute_alive(draw_data(2, M, 32, SEED, s), weights[s : s + 32]) for s in range(0, T, 32)]
    )
    assert not (brute & ~record.alive).any()
    p_arc, p_brute = record.alive.mean(axis=0), brute.mean(axis=0)
    se = np.sqrt(np.maximum(p_arc * (1 - p_arc), 1 / T) / T)
    assert np.all(np.abs(p_arc - p_brute) <= Z * se)


def test_nested_never_falls_and_stays_below_the_population():
    """Network by network, alive at M implies alive at 2M, and alive over every input."""
    sizes = [16, 32, 64, 128, 256]
    alive = nested_alive(2, 24, 256, SEED, sizes, threads=2)
    assert not (alive[:-1] & ~alive[1:]).any()
    assert alive[-1].sum() > alive[0].sum(), "the sizes should matter at 16 points"
    record = arc_run(draw_weights(2, 24, 256, SEED))
    assert not (alive[-1] & ~record.alive).any()


@pytest.mark.parametrize("n", [2, 3])
def test_nested_two_layers_reaches_the_population(n):
    """At k = 2 and the largest M (16384), the 4.5-sigma Wilson interval of the nested
    estimate contains 1 - 2^(-n^2); the smallest M (2) lies below it."""
    T = 2048
    alive = nested_alive(n, 2, T, SEED, [2, 16384], threads=2)
    low, high = wilson_interval(alive[-1, :, 1].sum(), T, z=Z)
    assert low <= exact_alive(n, 2) <= high
    assert alive[0, :, 1].mean() < low


def test_nested_is_the_grids_count():
    """At one M the nested flags are the shard's own: network t alive after layer j exactly
    when the simulator's shard of the same seed and width has alive_points > 0 there."""
    spec = ShardSpec("iid", 3, 10, 50, 32, SEED)
    shard = simulate_shard(spec).column("alive_points").to_numpy().reshape(50, 10)
    assert np.array_equal(nested_alive(3, 10, 50, SEED, [32])[0], shard > 0)


def test_alive_table():
    alive = np.array([[True, True, False], [True, False, False]])
    table = alive_table(alive)
    assert table["k"].tolist() == [1, 2, 3]
    assert table["p_alive"].tolist() == [1.0, 0.5, 0.0]
    assert np.all(table["p_low"] <= table["p_alive"]) and np.all(
        table["p_alive"] <= table["p_high"]
    )
