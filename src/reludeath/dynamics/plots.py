"""Figures of the dynamics experiments; each function takes tables and returns a Figure.

:mod:`reludeath.dynamics.registry` says which tables (and ``ar`` settings) each takes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from reludeath.plotting import set_style

__all__ = [
    "ar_basins_beta",
    "ar_basins_gamma",
    "ar_eigen",
    "ar_field",
    "ar_regression",
    "ar_trajectory",
    "dy_act_init",
    "dy_fig6_7",
]


def _p_colors(ps) -> dict:
    ps = sorted(set(ps), reverse=True)
    return dict(zip(ps, sns.color_palette("viridis", len(ps)), strict=True))


def dy_fig6_7(curves: pd.DataFrame, theory: pd.DataFrame) -> Figure:
    """DY Figs 6 and 7: 10 log10 E||v_k||^2 against k, one colour per Pr[d > 0]; exact
    second-moment theory dashed, first-order theory dotted."""
    set_style(context="notebook")
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
    set_style(context="notebook")
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


def ar_eigen(eigen: pd.DataFrame) -> Figure:
    """AR Fig 2 left: loci of both eigenvalues in the complex plane as beta runs over [0, 1)."""
    set_style(context="notebook")
    fig, ax = plt.subplots(figsize=(5, 4.5))
    for part in ("l1", "l2"):
        sc = ax.scatter(eigen[f"{part}_re"], eigen[f"{part}_im"], c=eigen.beta, s=4,
                        cmap="viridis", vmin=0, vmax=1)  # fmt: skip
    theta = np.linspace(0, 2 * np.pi, 200)
    ax.plot(np.cos(theta), np.sin(theta), color="0.6", lw=0.8)
    first = eigen.iloc[0]
    ax.plot([first.l1_re, first.l2_re], [first.l1_im, first.l2_im], "kx", ms=9, label="beta = 0")
    star = eigen[eigen.is_complex].iloc[0]
    ax.plot(star.l1_re, 0, "r*", ms=11, label=f"complex from beta = {star.beta:.3f}")
    fig.colorbar(sc, ax=ax, label="beta")
    ax.set_xlabel("Re lambda")
    ax.set_ylabel("Im lambda")
    ax.set_aspect("equal")
    ax.set_title(f"AR-A (Fig 2 left): eigenvalues of A, eta = {first.eta:g}", fontsize=10)
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    return fig


def ar_trajectory(trajectory: pd.DataFrame, eps: float = 0.01) -> Figure:
    """AR Fig 2 right: b/|w| along affine momentum descent; the dead-cone boundary dotted."""
    from scipy.special import ndtri

    set_style(context="notebook")
    fig, ax = plt.subplots(figsize=(5.5, 4))
    betas = sorted(set(trajectory.beta))
    for beta, color in zip(betas, sns.color_palette("colorblind", len(betas)), strict=True):
        t = trajectory[trajectory.beta == beta]
        ax.plot(t.t, t.ratio, color=color, label=f"beta = {beta:g}")
    ax.axhline(ndtri(eps), color="k", ls=":", lw=1, label=f"dead cone, Phi = {eps:g}")
    ax.set_xlabel("step t")
    ax.set_ylabel("b / |w|")
    ax.set_title("AR-B (Fig 2 right): affine model with momentum", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def ar_field(field: pd.DataFrame, eps: float = 0.01) -> Figure:
    """AR Fig 3: -grad L streamlines coloured by log10 ||grad L||, cone boundaries, optimum."""
    from scipy.special import ndtri

    set_style("white", context="notebook")
    gammas = sorted(set(field.gamma), reverse=True)
    fig, axes = plt.subplots(1, len(gammas), figsize=(3.9 * len(gammas), 3.8), squeeze=False)
    fig.subplots_adjust(wspace=0.3)
    for ax, gamma in zip(axes[0], gammas, strict=True):
        f = field[field.gamma == gamma].sort_values(["b", "w"])
        ws, bs = np.sort(f.w.unique()), np.sort(f.b.unique())
        shape = (len(bs), len(ws))
        gw, gb = -f.g_w.to_numpy().reshape(shape), -f.g_b.to_numpy().reshape(shape)
        norm = np.log10(np.maximum(f.grad_norm.to_numpy().reshape(shape), 1e-12))
        strm = ax.streamplot(ws, bs, gw, gb, color=np.clip(norm, -6, 0), cmap="viridis",
                             density=1.0, linewidth=0.8, norm=plt.Normalize(-6, 0))  # fmt: skip
        lim = ws.max()
        w_line = np.linspace(-lim, lim, 3)
        ax.plot(w_line, ndtri(eps) * np.abs(w_line), "r--", lw=1)
        ax.plot(w_line, ndtri(1 - eps) * np.abs(w_line), "b--", lw=1)
        ax.plot(gamma, 0, "o", color="white", mec="k", ms=7)
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_title(f"gamma = {gamma:g}", fontsize=10)
        ax.set_xlabel("w")
    axes[0][0].set_ylabel("b")
    fig.colorbar(strm.lines, ax=axes[0].tolist(), label="log10 ||grad L||", shrink=0.8)
    fig.suptitle("AR-C (Fig 3): gradient field; red: dead cone, blue: linear cone", fontsize=10)
    return fig


def _basin_panels(basins: pd.DataFrame, summary: pd.DataFrame, runs, title: str) -> Figure:
    set_style("white", context="notebook")
    ncol = min(4, len(runs))
    nrow = -(-len(runs) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(2.9 * ncol, 3.0 * nrow + 0.4), squeeze=False)
    colors = {"optimum": "#f2d02b", "dead": "#2b5fa8", "other": "#bbbbbb"}
    for ax in axes.ravel()[len(runs) :]:
        ax.set_visible(False)
    for ax, (gamma, beta) in zip(axes.ravel(), runs, strict=False):
        run = basins[(basins.gamma == gamma) & (basins.beta == beta)]
        for outcome, color in colors.items():
            part = run[run.outcome == outcome]
            ax.scatter(part.w0, part.b0, c=color, s=6, marker="s", lw=0)
        ax.scatter(run.w_end, run.b_end, c="k", s=2)
        ax.plot(gamma, 0, "o", color="white", mec="k", ms=6)
        frac = summary[(summary.gamma == gamma) & (summary.beta == beta)].frac_optimum.iloc[0]
        ax.set_title(f"gamma={gamma:g}, beta={beta:g}\noptimum {frac:.3f}", fontsize=8)
        ax.set_xlim(run.w0.min() * 1.05, run.w0.max() * 1.05)
        ax.set_ylim(run.b0.min() * 1.05, run.b0.max() * 1.05)
        ax.set_xlabel("w0")
    for row in axes:
        row[0].set_ylabel("b0")
    handles = [Line2D([], [], marker="s", ls="", color=c, label=o) for o, c in colors.items()]
    handles.append(Line2D([], [], marker=".", ls="", color="k", label="end point"))
    fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def ar_basins_gamma(basins: pd.DataFrame, basin_summary: pd.DataFrame) -> Figure:
    """AR Fig 4: basins of attraction without momentum, one panel per gamma."""
    runs = [tuple(r) for r in basin_summary[basin_summary.beta == 0][["gamma", "beta"]].values]
    runs = sorted(runs, reverse=True)
    return _basin_panels(basins, basin_summary, runs, "AR-D (Fig 4): basins, no momentum")


def ar_basins_beta(basins: pd.DataFrame, basin_summary: pd.DataFrame, gamma: float) -> Figure:
    """AR Fig 5: basins with momentum at one gamma, one panel per beta."""
    runs = sorted(
        tuple(r) for r in basin_summary[basin_summary.gamma == gamma][["gamma", "beta"]].values
    )
    return _basin_panels(
        basins, basin_summary, runs, f"AR-E (Fig 5): basins with momentum, gamma = {gamma:g}"
    )


def ar_regression(regression: pd.DataFrame) -> Figure:
    """AR Fig 1 surrogate: error over gamma^2 and dead fraction at the last step, against gamma
    (per optimizer) and against delta; dead fraction over training steps."""
    set_style(context="notebook")
    last = regression[regression.step == regression.step.max()]
    fig, axes = plt.subplots(2, 2, figsize=(9, 6.5))
    opts = sorted(set(regression.optimizer))
    colors = dict(zip(opts, sns.color_palette("colorblind", len(opts)), strict=True))
    at0 = last[last.delta == last.delta.min()]
    for opt in opts:
        t = at0[at0.optimizer == opt].groupby("gamma")[["mse_z", "dead_frac"]].mean()
        axes[0][0].plot(t.index, t.mse_z, "o-", color=colors[opt], label=opt)
        axes[1][0].plot(t.index, t.dead_frac, "o-", color=colors[opt], label=opt)
        d = last[last.optimizer == opt].groupby("delta")["mse_z"].mean()
        axes[0][1].plot(d.index, d.values, "o-", color=colors[opt], label=opt)
        for gamma in sorted(set(regression.gamma)):
            r = regression[(regression.optimizer == opt) & (regression.gamma == gamma)]
            r = r.groupby("step").dead_frac.mean()
            ls = "-" if gamma == min(regression.gamma) else ":"
            axes[1][1].plot(
                r.index, r.values, ls, color=colors[opt], label=f"{opt}, gamma={gamma:g}"
            )
    axes[0][0].set(xscale="log", yscale="log", xlabel="gamma", ylabel="MSE / gamma^2")
    axes[0][1].set(yscale="log", xlabel="delta", ylabel="MSE / gamma^2")
    axes[1][0].set(xscale="log", xlabel="gamma", ylabel="dead fraction (last step)")
    axes[1][1].set(xlabel="step", ylabel="dead fraction")
    axes[0][0].legend(fontsize=8)
    axes[1][1].legend(fontsize=7)
    fig.suptitle("AR-G: synthetic surrogate of Fig 1 (not the paper's UCI data)", fontsize=10)
    fig.tight_layout()
    return fig
