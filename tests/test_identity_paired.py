"""O5 paired (reludeath.grid.identity): on networks that obey the split identity the direct
P/l and the identity agree within the paired SE; networks that die twice as often at
non-split layers are rejected."""

from __future__ import annotations

import numpy as np
import pytest

from reludeath.grid.identity import (
    MIN_ALIVE,
    identity_summary,
    network_arrays_from_shard,
    paired_identity_row,
)


def networks(n, depth, T, death_factor=1.0, seed=0):
    """(alive, at_risk, split) of T synthetic networks: a living network splits at layer j
    with probability 0.8 / j, never dies at a split layer, and otherwise dies with
    probability death_factor * 2^-n (1.0: the identity holds exactly)."""
    rng = np.random.default_rng(seed)
    alive = np.ones(T, bool)
    out = {"alive": [], "at_risk": [], "split": []}
    for j in range(1, depth + 1):
        at_risk = alive.copy()
        split = at_risk & (rng.random(T) < 0.8 / j)
        dies = at_risk & ~split & (rng.random(T) < death_factor * 2.0**-n)
        alive = at_risk & ~dies
        for key, value in (("alive", alive), ("at_risk", at_risk), ("split", split)):
            out[key].append(value.copy())
    return tuple(np.stack(out[key], axis=1) for key in ("alive", "at_risk", "split"))


def test_arrays_from_a_shards_columns():
    alive_points = np.array([[3, 2, 0, 0], [4, 4, 1, 1]])
    split = np.array([[True, True, False, True], [False, True, True, False]])
    alive, at_risk, cut = network_arrays_from_shard(alive_points, split, 4, keep=3)
    assert alive.tolist() == [[True, True, False], [True, True, True]]
    assert at_risk.tolist() == [[True, True, True], [True, True, True]]
    assert cut.tolist() == [[True, True, False], [False, True, True]]


def test_the_identity_holds_within_the_paired_se():
    rows = [
        paired_identity_row("iid", n, networks(n, 64, 2000, seed=n), seed=1, replicates=400)
        for n in (2, 3, 4)
    ]
    table, summary = identity_summary(rows)
    assert (table["z"].abs() < 5).all(), table
    assert summary["iid"]["rejected"] == []
    assert (table["se_paired"] > 0).all() and (table["se_direct"] > 0).all()
    assert (table["detectable"] > 0).all() and (table["k"] <= 64).all()


def test_a_violation_is_rejected():
    rows = [
        paired_identity_row(
            "bad", n, networks(n, 64, 2000, death_factor=2.0, seed=n), seed=1, replicates=400
        )
        for n in (3, 4)
    ]
    table, summary = identity_summary(rows)
    assert (table["z"] < -5).all(), table
    assert summary["bad"]["rejected"] == [3, 4]


def test_no_layer_with_enough_alive_networks():
    alive, at_risk, split = networks(1, 64, MIN_ALIVE - 1, seed=3)
    assert paired_identity_row("iid", 1, (alive, at_risk, split), seed=0) is None


@pytest.mark.parametrize("seed", [0, 1])
def test_deterministic_given_the_seed(seed):
    arrays = networks(3, 16, 300, seed=5)
    first = paired_identity_row("iid", 3, arrays, seed=seed, replicates=50)
    assert first == paired_identity_row("iid", 3, arrays, seed=seed, replicates=50)
