"""Simulate a variant's whole grid and return its table (results/variants/<variant>.parquet).

Settings are independent (each has its own generators), so a table depends only on
the config section that defines it.
"""

from __future__ import annotations

import pandas as pd

from reludeath.variants import grid
from reludeath.variants.common import fc_alive
from reludeath.variants.conv import CONV_COLUMNS, conv_table, simulate_conv
from reludeath.variants.leaky import LEAKY_COLUMNS, leaky_table, simulate_leaky
from reludeath.variants.residual import (
    RESIDUAL_COLUMNS,
    r1_table,
    r2_table,
    simulate_r1,
    simulate_r2,
)
from reludeath.variants.skip import SKIP_COLUMNS, simulate_unet, skip_row

__all__ = ["COLUMNS", "variant_table"]

COLUMNS = {
    "conv": CONV_COLUMNS,
    "residual": RESIDUAL_COLUMNS,
    "skip": SKIP_COLUMNS,
    "leaky": LEAKY_COLUMNS,
}


def conv_grid(section: dict, seed: int) -> pd.DataFrame:
    depth, networks = section["depth"], section["networks"]
    return pd.concat(
        [
            conv_table(s, simulate_conv(s, depth, networks, seed))
            for s in grid.conv_settings(section)
        ],
        ignore_index=True,
    )


def residual_grid(section: dict, seed: int) -> pd.DataFrame:
    depth, networks = section["depth"], section["networks"]
    parts = []
    fc: dict[tuple[int, int], object] = {}
    for block, n, alpha, m in grid.residual_settings(section):
        if block == "r1":
            parts.append(r1_table(n, m, simulate_r1(n, m, depth, networks, seed)))
        else:
            if (n, m) not in fc:
                fc[(n, m)] = fc_alive(n, depth + 1, networks, m, seed)
            alive = simulate_r2(n, alpha, m, depth, networks, seed)
            parts.append(r2_table(n, alpha, m, alive, fc[(n, m)]))
    return pd.concat(parts, ignore_index=True)


def skip_grid(section: dict, seed: int) -> pd.DataFrame:
    networks = section["networks"]
    parts = []
    fc: dict[tuple[int, int, int], int] = {}
    for join, n, chunk, levels, m in grid.skip_settings(section):
        depth = 2 * chunk * levels
        if (n, depth, m) not in fc:
            fc[(n, depth, m)] = int(fc_alive(n, depth, networks, m, seed)[-1])
        living, disabled = simulate_unet(join, n, chunk, levels, m, networks, seed)
        parts.append(skip_row(join, n, chunk, levels, m, living, disabled, fc[(n, depth, m)]))
    return pd.concat(parts, ignore_index=True)


def leaky_grid(section: dict, seed: int) -> pd.DataFrame:
    depth, networks = section["depth"], section["networks"]
    return pd.concat(
        [
            leaky_table(n, a, m, simulate_leaky(n, a, m, depth, networks, seed))
            for n, a, m in grid.leaky_settings(section)
        ],
        ignore_index=True,
    )


def variant_table(variant: str, section: dict, seed: int) -> pd.DataFrame:
    """The table of `variant` (one of grid.VARIANTS) for its config section, made by its
    `<variant>_grid`."""
    if variant not in grid.VARIANTS:
        raise ValueError(f"variant must be one of {grid.VARIANTS}, got {variant!r}")
    return globals()[f"{variant}_grid"](section, seed)
