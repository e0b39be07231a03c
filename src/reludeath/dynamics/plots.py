"""Figures of the dynamics experiments; each function takes tables and returns a Figure."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

__all__ = ["draw", "dy_act_init", "dy_fig6_7"]


def _p_colors(ps) -> dict:
    ps = sorted(set(ps), reverse=True)
    return dict(zip(ps, sns.color_palette("viridis", len(ps)), strict=True))


def dy_fig6_7(curves: pd.DataFrame, theory: pd.DataFrame) -> Figure:
    """DY Figs 6 and 7: 10 log10 E||v_k||^2 against k, one colour per Pr[d > 0]; exact
    second-moment theory dashed, first-order theory dotted."""
    sns.set_theme(style="whitegrid")
    models = [m for m in ("analysis", "original") if m in set(curves.model)]
    fig, axes = plt.subplots(1, len(models), figsize=(5.2 * len(models), 4.2), squeeze=False)
    colors = _p_colors(curves.p_d)
    titles = {
        "analysis": "DY-A (Fig 6): analysis model, u(d)",
        "original": "DY-B (Fig 7): original ReLU update, u(y)",
    }
    for ax, model in zip(axes[0], models, strict=True):
        for p, color in colors.items():
            sim = curves[(curves.model == model) & (curves.p_d == p)]
            th = theory[theory.p_d == p]
            ax.plot(sim.k, sim.msd_db, color=color, lw=1.4, label=f"{p:g}")
            ax.plot(th.k, 10 * np.log10(th.msd_exact), color=color, ls="--", lw=1.0)
            ax.plot(th.k, 10 * np.log10(th.msd_first_order), color=color, ls=":", lw=0.9)
        ax.set_xlabel("iteration k")
        ax.set_ylabel(r"$10\log_{10} E\|\bar w_k - \bar w^*\|^2$ (dB)")
        ax.set_title(titles[model], fontsize=10)
    first = axes[0][0].legend(title="Pr[d > 0]", fontsize=8, title_fontsize=8, loc="lower left")
    styles = [
        Line2D([], [], color="k", lw=1.4, label="simulation"),
        Line2D([], [], color="k", ls="--", lw=1, label="exact theory"),
        Line2D([], [], color="k", ls=":", lw=1, label="first order"),
    ]
    axes[0][-1].legend(handles=styles, fontsize=8, loc="upper right")
    if len(models) == 1:
        axes[0][0].add_artist(first)
    fig.tight_layout()
    return fig


def dy_act_init(act_init: pd.DataFrame) -> Figure:
    """DY-0: fraction of (unit, point) pairs active per layer at initialization, against
    E[alpha_(k-1)] / 2 (dashed)."""
    sns.set_theme(style="whitegrid")
    fig, ax = plt.subplots(figsize=(5.5, 4))
    widths = sorted(set(act_init.n))
    for n, color in zip(widths, sns.color_palette("colorblind", len(widths)), strict=True):
        t = act_init[act_init.n == n]
        ax.errorbar(t.k, t.act_mean, yerr=2 * t.act_se, color=color, lw=1.2, label=f"n = {n}")
        ax.plot(t.k, t.alpha_prev_mean / 2, color=color, ls="--", lw=1)
    ax.plot([], [], "k--", lw=1, label=r"$\frac{1}{2}E[\alpha_{k-1}]$")
    ax.set_xlabel("layer k")
    ax.set_ylabel("activation probability")
    ax.set_title("DY-0: activation at initialization (zero-bias iid)", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def draw(name: str, tables: dict[str, pd.DataFrame], ar: dict | None = None) -> Figure:
    """Figure `name` from its tables (`ar`: the ar config section, for thresholds)."""
    if name == "dy_fig6_7":
        return dy_fig6_7(tables["curves"], tables["theory"])
    if name == "dy_act_init":
        return dy_act_init(tables["act_init"])
    raise ValueError(f"unknown dynamics figure {name!r}")
