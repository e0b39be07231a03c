"""The family's figures: P/l along the path to k = 10^9 (deep_path), S(n) and c(n) - 1 with
the power-law and exponential fits of S (deep_split)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from reludeath.deep.claims import growth_of
from reludeath.plotting import set_style

__all__ = ["path_figure", "split_figure"]

_FLOOR = 1e-9  # the path figure's lowest P/l - 1 (10^9 layers at n = 34 reach about 8e-9)


def path_figure(path: pd.DataFrame, measured: pd.DataFrame) -> Figure:
    """P/l - 1 against k (log-log): the grid's measured path (k <= its depth, 95% Wilson band
    of P / l) as lines, the split identity at the family's depths as points with intervals."""
    set_style()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    colors = sns.color_palette("viridis", path["p"].nunique())
    for color, (p, rows) in zip(colors, path.groupby("p"), strict=True):
        seen = measured[np.isclose(measured["p"], p)].sort_values("k")
        if not seen.empty:  # P/l - 1 <= 0 (noise of the direct count) has no place on log axes
            excess = (seen["ratio"] - 1).where(seen["ratio"] > 1)
            ax.plot(seen["k"], excess, color=color, lw=1)
            low = np.clip(seen["ratio_low"] - 1, _FLOOR, None)
            high = np.clip(seen["ratio_high"] - 1, _FLOOR, None)
            ax.fill_between(seen["k"], low, high, color=color, alpha=0.15)
        y = rows["p_over_l"] - 1
        err = [y - (rows["p_over_l_low"] - 1), rows["p_over_l_high"] - 1 - y]
        ax.errorbar(rows["k"], y, yerr=err, fmt="o", color=color, ms=4, label=f"p = {p:g}")
    ax.set(xscale="log", yscale="log", xlabel="depth k", ylabel="P / l - 1")
    ax.set_ylim(bottom=_FLOOR)
    ax.set_title("P/l along n = ceil(n(k, p)): measured (lines), split identity (points)")
    ax.legend(fontsize=8)
    return fig


def split_figure(split: pd.DataFrame) -> Figure:
    """S(n) with its power-law and exponential fits, and c(n) - 1 beside S(n) / (2^n - 1)."""
    set_style()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    n = split["n"].to_numpy(float)
    S = split["S"].to_numpy()
    left.errorbar(n, S, yerr=[S - split["S_low"], split["S_high"] - S], fmt="o", ms=3, label="S(n)")
    growth = growth_of(split)
    if growth.get("available"):
        grid = np.linspace(n.min(), n.max(), 200)
        power, expo = growth["power_law"], growth["exponential"]
        left.plot(grid, power["A"] * grid ** power["b"], label=f"A n^b, b = {power['b']:.2f}")
        left.plot(
            grid,
            np.exp(expo["intercept"] + expo["rate"] * grid),
            ls="--",
            label=f"B e^(rate n), rate = {expo['rate']:.3f}",
        )
    left.set(yscale="log", xlabel="width n", ylabel="S(n) = sum_j sigma_j", title="S(n)")
    left.legend(fontsize=8)
    c1 = split["c"].to_numpy() - 1
    err = [c1 - (split["c_low"] - 1), split["c_high"] - 1 - c1]
    right.errorbar(n, c1, yerr=err, fmt="o", ms=3, label="c(n) - 1")
    right.plot(n, S / (2.0**n - 1), lw=1, label="S(n) / (2^n - 1)")
    right.set(yscale="log", xlabel="width n", ylabel="c(n) - 1", title="plateau of P / l")
    right.legend(fontsize=8)
    return fig
