"""Two-sample comparisons of grid proportions, and the depth where P(alive) falls below a level.

Networks of two schemes are independent samples per (n, k) (their random numbers may be
shared, which only makes the independent-sample standard error conservative), so a
difference d = p_a - p_b has standard error sqrt(p_a (1 - p_a) / T_a + p_b (1 - p_b) / T_b),
with the pooled proportion used when both are 0 or 1; z = d / se.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from reludeath.plugin import PREFIX
from reludeath.report_layout import ReportEntry, entry
from reludeath.schemes import PRACTICE_SCHEMES

__all__ = ["REPORT", "compare_schemes", "depth_below", "practice_schemes"]

# The family's figure and its place in the report (caption workflow/report/practice.rst).
REPORT: dict[str, ReportEntry] = {
    "practice": entry(
        6,
        "Schemes",
        "practice.rst",
        paper="practitioners",
        figure="initializations in practice",
        scheme="practice schemes, plug-ins, iid, iid_bias",
    )
}

# The comparison schemes every practice figure and table shows beside the practice ones.
BASELINES = ("iid", "iid_bias")


def practice_schemes(schemes: Iterable[str]) -> list[str]:
    """The practice schemes present (PRACTICE_SCHEMES order, then plug-ins by label)."""
    present = list(dict.fromkeys(schemes))
    plugins = sorted(s for s in present if s.startswith(PREFIX + "-"))
    return [s for s in PRACTICE_SCHEMES if s in present] + plugins


def compare_schemes(
    grid: pd.DataFrame, scheme: str, reference: str, column: str = "p_alive"
) -> pd.DataFrame:
    """Per (n, k) both schemes share: p of each, d = p_scheme - p_reference, se and z.

    `column` is a proportion of the grid with a count column beside it (p_alive from
    alive_networks, p_constant from constant_networks, p_collapsed from collapsed_networks)."""
    count = {
        "p_alive": "alive_networks",
        "p_constant": "constant_networks",
        "p_collapsed": "collapsed_networks",
    }[column]
    keys = ["n", "k"]
    left = grid.loc[grid["scheme"] == scheme, [*keys, count, "networks"]]
    right = grid.loc[grid["scheme"] == reference, [*keys, count, "networks"]]
    both = left.merge(right, on=keys, suffixes=("", "_ref"))
    p = both[count] / both["networks"]
    q = both[f"{count}_ref"] / both["networks_ref"]
    se = np.sqrt(p * (1 - p) / both["networks"] + q * (1 - q) / both["networks_ref"])
    pooled = (both[count] + both[f"{count}_ref"]) / (both["networks"] + both["networks_ref"])
    se_pooled = np.sqrt(pooled * (1 - pooled) * (1 / both["networks"] + 1 / both["networks_ref"]))
    se = np.where(se > 0, se, se_pooled)
    diff = p - q
    z = np.divide(diff, se, out=np.zeros(len(both)), where=se > 0)
    return pd.DataFrame(
        {
            "n": both["n"],
            "k": both["k"],
            "p": p,
            "p_ref": q,
            "diff": diff,
            "se": se,
            "z": z,
        }
    ).sort_values(keys, ignore_index=True)


def depth_below(grid: pd.DataFrame, level: float) -> pd.DataFrame:
    """Per (scheme, n): the first depth k with P(alive) < level (NaN: not within the grid)."""
    rows = []
    for (scheme, n), cell in grid.groupby(["scheme", "n"], sort=True, observed=True):
        below = cell.loc[cell["p_alive"] < level, "k"]
        rows.append(
            {
                "scheme": scheme,
                "n": int(n),
                "depth": float(below.min()) if len(below) else np.nan,
                "max_depth": int(cell["k"].max()),
            }
        )
    return pd.DataFrame(rows, columns=["scheme", "n", "depth", "max_depth"])


def deepest(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows at each width's deepest k."""
    return frame.sort_values("k").groupby("n").tail(1).sort_values("n", ignore_index=True)
