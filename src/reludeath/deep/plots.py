"""The family's figures: P/l along the path to k = 10^9 (deep_path), S(n) and c(n) - 1 with
the published S(n) law and its band, or the data alone when no law passes (deep_split)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from reludeath.deep.s_law import law_band
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


def split_figure(split: pd.DataFrame, law: dict | None = None) -> Figure:
    """S(n) per width (marked by source: grid or deep runs) with the published law of
    s_law.json and its 95% band over its n range, or the data alone if none passes; and
    c(n) - 1 beside S(n) / (2^n - 1)."""
    set_style()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    sources = split["source"] if "source" in split else pd.Series("", index=split.index)
    for (source, rows), marker in zip(split.groupby(sources), ("o", "s"), strict=False):
        S = rows["S"].to_numpy()
        high = np.where(np.isfinite(rows["S_high"]), rows["S_high"], S)
        left.errorbar(
            rows["n"], S, yerr=[np.maximum(S - rows["S_low"], 0), np.maximum(high - S, 0)],
            fmt=marker, ms=3,
            label=f"S(n), {source} runs" if source else "S(n)",
        )  # fmt: skip
    if law and law.get("model"):
        lo, hi = law["n_range"]
        grid = np.linspace(lo, hi, 200)
        f, band_low, band_high = law_band(law, grid)
        left.plot(grid, f, color="k", lw=1, label=f"{law['formula']}, p = {law['p_value']:.2g}")
        left.fill_between(grid, band_low, band_high, color="k", alpha=0.15)
        title = "S(n) and the published law (95% band)"
    else:
        title = "S(n): no candidate law passes its test"
    left.set(yscale="log", xlabel="width n", ylabel="S(n) = sum_j sigma_j", title=title)
    left.legend(fontsize=8)
    n = split["n"].to_numpy(float)
    S = split["S"].to_numpy()
    c1 = split["c"].to_numpy() - 1
    err = [c1 - (split["c_low"] - 1), split["c_high"] - 1 - c1]
    right.errorbar(n, c1, yerr=err, fmt="o", ms=3, label="c(n) - 1")
    right.plot(n, S / (2.0**n - 1), lw=1, label="S(n) / (2^n - 1)")
    right.set(yscale="log", xlabel="width n", ylabel="c(n) - 1", title="plateau of P / l")
    right.legend(fontsize=8)
    return fig
