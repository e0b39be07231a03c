"""Shared pieces of the architecture variants: generators, proportions, bounds, hazards.

Every network of a variant has its own generators, derived by
:func:`reludeath.sampling.seeds.generator` from (seed, the variant's setting, network index,
stream): results depend only on what the network *is*. Parameter draws are
layer-major (one call per kind of parameter, shaped (depth, ...)), so the first
k layers of a deeper network are exactly those of a shallower one; data are
drawn point-major, so growing M keeps the first points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from reludeath.sampling.seeds import generator, key_code
from reludeath.simulate import positive_int
from reludeath.stats import wilson_interval

__all__ = [
    "DATA",
    "alive_columns",
    "generators",
    "late_hazard",
    "positive_int",
    "setting_key",
]

DATA = 0  # stream 0 draws the data; parameter streams are 1, 2, ...


def setting_key(variant: str, *fields: object) -> int:
    """A stable 32-bit integer naming one setting of a variant (SeedSequence keys are ints)."""
    return key_code("/".join([variant, *(repr(f) for f in fields)]))


def generators(seed: int, key: int, network: int, count: int) -> list[np.random.Generator]:
    """Generators of one network: stream 0 (data) and parameter streams 1..count-1."""
    return [generator(seed, key, network, stream) for stream in range(count)]


def alive_columns(alive: np.ndarray, trials: int) -> dict[str, np.ndarray]:
    """alive_networks, p_alive and its 95% Wilson interval from counts of living networks."""
    alive = np.asarray(alive, dtype=np.int64)
    low, high = wilson_interval(alive, np.full(alive.shape, trials))
    return {
        "alive_networks": alive,
        "p_alive": alive / trials,
        "p_alive_low": low,
        "p_alive_high": high,
    }


def late_hazard(alive_networks: Sequence[int], hazard: float, first_layer: int) -> dict[str, float]:
    """Pooled death rate at layers >= first_layer (1-based) against `hazard`, with a z-score.

    alive_networks[j-1] is the number of networks alive after layer j; deaths at
    layer j are alive(j-1) - alive(j) out of alive(j-1) at risk. z < 0: fewer deaths
    than `hazard` predicts.
    """
    alive = np.asarray(alive_networks, dtype=float)
    if first_layer < 2 or first_layer > len(alive):
        raise ValueError(f"first_layer must lie in 2..{len(alive)}, got {first_layer}")
    at_risk = alive[first_layer - 2 : -1].sum()
    deaths = (alive[first_layer - 2 : -1] - alive[first_layer - 1 :]).sum()
    if at_risk == 0:
        return {"deaths": 0.0, "at_risk": 0.0, "rate": math.nan, "hazard": hazard, "z": math.nan}
    se = math.sqrt(at_risk * hazard * (1 - hazard))
    z = (deaths - at_risk * hazard) / se if se > 0 else math.nan
    return {
        "deaths": float(deaths),
        "at_risk": float(at_risk),
        "rate": float(deaths / at_risk),
        "hazard": float(hazard),
        "z": float(z),
    }


def fc_alive(n: int, depth: int, networks: int, data_points: int, seed: int) -> np.ndarray:
    """alive networks of plain iid fully connected ReLU networks at layers 1..depth
    (the project's kernel), for comparisons."""
    from reludeath.simulate import ShardSpec, simulate_shard

    table = simulate_shard(ShardSpec("iid", n, depth, networks, data_points, seed=seed))
    alive = table.column("alive_points").to_numpy().reshape(networks, depth)
    return (alive > 0).sum(axis=0)


def frame(columns: dict[str, object], order: Sequence[str]) -> pd.DataFrame:
    """A DataFrame with exactly the columns `order`, in that order."""
    table = pd.DataFrame(columns)
    return table[list(order)]
