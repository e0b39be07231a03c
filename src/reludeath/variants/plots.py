"""One figure per architecture variant (seaborn), from its table."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from reludeath.plotting import BOUND_DASH, K_LABEL, UPPER_DASH, set_style
from reludeath.variants.grid import VARIANTS

__all__ = ["conv_figure", "leaky_figure", "residual_figure", "skip_figure", "variant_figure"]

_FLOOR = 1e-4  # probabilities below this are drawn at the floor of the log axis


def _band(ax, k, low, high, color) -> None:
    ax.fill_between(k, np.maximum(low, _FLOOR), np.maximum(high, _FLOOR), color=color, alpha=0.25)


def conv_figure(conv: pd.DataFrame) -> Figure:
    """P(alive) against k per setting, with l_N(k), the printed and the derived upper bounds."""
    set_style()
    keys = ["dims", "channels", "kernel", "size", "images"]
    groups = list(conv.groupby(keys, sort=False))
    cols = min(4, len(groups))
    rows = -(-len(groups) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.7 * rows), squeeze=False)
    color = sns.color_palette()[0]
    for ax, (key, part) in zip(axes.flat, groups, strict=False):
        k = part.k.to_numpy()
        ax.plot(k, np.maximum(part.p_alive, _FLOOR), color=color, label="P(alive)")
        _band(ax, k, part.p_alive_low, part.p_alive_high, color)
        ax.plot(k, part.lower_bound, "k", ls=BOUND_DASH, lw=1, label=r"$l_N(k)$")
        ax.plot(k, part.upper_bound_printed, color="C3", ls=UPPER_DASH, lw=1, label="printed upper")
        ax.plot(k, part.upper_bound_derived, color="C2", ls=UPPER_DASH, lw=1, label="derived upper")
        ax.set_yscale("log")
        ax.set_ylim(_FLOOR, 1.5)
        d, n, m, size, images = key
        ax.set_title(f"{d}-D N={n} m={m} d={size} M={images}", fontsize=8)
        ax.set_xlabel(K_LABEL)
    for ax in axes.flat[len(groups) :]:
        ax.axis("off")
    axes[0, 0].set_ylabel("P(alive)")
    axes[0, 0].legend(fontsize=6, loc="lower left")
    fig.suptitle("Convolutional networks against their bounds")
    fig.tight_layout()
    return fig


def residual_figure(residual: pd.DataFrame) -> Figure:
    """Left: R2 P(alive) per alpha against FC and the R2 lower bound. Right: R1 layers
    blocked for every point, and the blocked fraction against 2^-n."""
    set_style()
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4))
    r2 = residual[residual.block == "r2"]
    for i, ((n, m), part) in enumerate(r2.groupby(["n", "data_points"])):
        for j, (alpha, sub) in enumerate(part.groupby("alpha")):
            color = sns.color_palette()[(2 * i + j) % 10]
            left.plot(sub.k, sub.p_alive, color=color, label=f"R2 n={n} M={m} alpha={alpha:g}")
            _band(left, sub.k, sub.p_alive_low, sub.p_alive_high, color)
        left.plot(
            sub.k,
            np.maximum(sub.p_alive_fc, _FLOOR),
            color="0.4",
            lw=1,
            label=f"FC k+1 layers, n={n} M={m}",
        )
        left.plot(sub.k, sub.lower_bound, "k", ls=BOUND_DASH, lw=1)
    left.set_yscale("log")
    left.set_ylim(_FLOOR, 1.5)
    left.set_xlabel("blocks k")
    left.set_ylabel("P(alive)")
    left.set_title("R2: relu(h + alpha B relu(A h)); dashed: lower bound", fontsize=8)
    left.legend(fontsize=6)
    r1 = residual[residual.block == "r1"]
    for i, ((n, m), sub) in enumerate(r1.groupby(["n", "data_points"])):
        color = sns.color_palette()[i % 10]
        right.plot(sub.k, sub.p_layer_blocked, color=color, label=f"layer blocked for all, M={m}")
        right.plot(
            sub.k, sub.blocked_fraction, color=color, ls="--", label=f"blocked fraction, M={m}"
        )
        right.axhline(2.0**-n, color="k", ls=BOUND_DASH, lw=1)
    right.set_xlabel(K_LABEL)
    right.set_ylabel("fraction")
    right.set_title("R1: h + relu(A h); dashed black: 2^-n", fontsize=8)
    right.legend(fontsize=6)
    fig.tight_layout()
    return fig


def skip_figure(skip: pd.DataFrame) -> Figure:
    """P(alive) against levels D for each join, against plain FC of depth 2LD and l(n, 2L)."""
    set_style()
    groups = list(skip.groupby(["n", "chunk", "data_points"]))
    fig, axes = plt.subplots(1, len(groups), figsize=(3.6 * len(groups), 3.2), squeeze=False)
    for ax, ((n, chunk, m), part) in zip(axes.flat, groups, strict=True):
        for i, (join, sub) in enumerate(part.groupby("join")):
            color = sns.color_palette()[i]
            ax.errorbar(
                sub.levels + 0.05 * i,
                sub.p_alive,
                yerr=[sub.p_alive - sub.p_alive_low, sub.p_alive_high - sub.p_alive],
                color=color,
                marker="o",
                label=f"U-Net, {join}",
            )
        fc = part.drop_duplicates("levels")
        ax.plot(fc.levels, fc.p_alive_fc, color="0.4", marker="s", label="FC, depth 2LD")
        ax.axhline(fc.shortest_path_bound.iloc[0], color="k", ls=BOUND_DASH, lw=1, label="l(n, 2L)")
        ax.set_xlabel("levels D")
        ax.set_ylabel("P(alive)")
        ax.set_ylim(0, 1.05)
        ax.set_xticks(sorted(set(part.levels)))
        ax.set_title(f"n={n} L={chunk} M={m}", fontsize=8)
    axes[0, 0].legend(fontsize=6, loc="lower left")
    fig.tight_layout()
    return fig


def leaky_figure(leaky: pd.DataFrame) -> Figure:
    """P(some point never weak) against k per slope, one panel per (n, M), with l(n, k)."""
    set_style()
    groups = list(leaky.groupby(["n", "data_points"]))
    fig, axes = plt.subplots(1, len(groups), figsize=(3.8 * len(groups), 3.2), squeeze=False)
    palette = sns.color_palette("viridis", leaky.slope.nunique())
    slopes = sorted(leaky.slope.unique())
    for ax, ((n, m), part) in zip(axes.flat, groups, strict=True):
        for slope, sub in part.groupby("slope"):
            color = palette[slopes.index(slope)]
            ax.plot(sub.k, np.maximum(sub.p_alive, _FLOOR), color=color, label=f"a={slope:g}")
            _band(ax, sub.k, sub.p_alive_low, sub.p_alive_high, color)
        ax.plot(sub.k, sub.lower_bound, "k", ls=BOUND_DASH, lw=1, label="l(n, k)")
        ax.set_yscale("log")
        ax.set_ylim(_FLOOR, 1.5)
        ax.set_xlabel(K_LABEL)
        ax.set_ylabel("P(some point never weak)")
        ax.set_title(f"leaky ReLU, n={n}, M={m}", fontsize=8)
    axes[0, 0].legend(fontsize=6, loc="lower left")
    fig.tight_layout()
    return fig


def variant_figure(variant: str, table: pd.DataFrame) -> Figure:
    """The figure of `variant` (one of grid.VARIANTS), drawn by its `<variant>_figure`."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    return globals()[f"{variant}_figure"](table)
