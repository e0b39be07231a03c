"""Figures of the main grid, drawn from the aggregate tables with seaborn and matplotlib.

Every function takes pandas DataFrames (or nothing) and returns a matplotlib Figure;
:func:`reludeath.plotting.save_figure` writes one atomically. The style is set by
:func:`reludeath.plotting.set_style`, never at import.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from reludeath.bounds import (
    lower_bound,
    upper_bound_zero_bias,
    width_for_probability,
)
from reludeath.plotting import (
    BOUND_DASH,
    K_LABEL,
    N_LABEL,
    PALETTE,
    PROB_CMAP,
    SCHEME_COLORS,
    SCHEME_LABELS,
    UPPER_DASH,
    WIDTH_CMAP,
    set_style,
)

__all__ = [
    "convergence_path",
    "figure1_bottom",
    "figure1_top",
    "figure2_path",
    "long_figure2",
    "rai_vs_iid",
    "violations_heatmap",
]

# --- helpers ---------------------------------------------------------------------------


def _width_norm(widths: Iterable[int]) -> Normalize:
    """Colour normalization over the widths present (at least a unit range)."""
    values = np.asarray(list(widths), dtype=float)
    if values.size == 0:
        return Normalize(vmin=1, vmax=2)
    low, high = float(values.min()), float(values.max())
    return Normalize(vmin=low, vmax=max(high, low + 1))


def _colorbar(
    fig: Figure, axes: Axes | Sequence[Axes], cmap: Colormap, norm: Normalize, label: str
):
    """A colour bar beside `axes`, with integer ticks when the range is small."""
    mappable = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    bar = fig.colorbar(mappable, ax=axes, pad=0.02, aspect=30)
    bar.set_label(label)
    span = norm.vmax - norm.vmin
    if span <= 16:
        step = 1 if span <= 8 else 2
        bar.set_ticks(np.arange(norm.vmin, norm.vmax + 0.5, step))
    return bar


def _log2_depth_axis(ax: Axes, k: Iterable[float], every: int = 1) -> None:
    """Log-2 x axis for depth with ticks at every `every`-th power of two."""
    k = np.asarray(list(k), dtype=float)
    k = k[np.isfinite(k) & (k > 0)]
    if k.size == 0:
        k = np.array([1.0, 2.0])
    ax.set_xscale("log", base=2)
    top = max(2.0, float(k.max()))
    ax.set_xlim(max(1.0, float(k.min())), top)
    ticks = 2.0 ** np.arange(0, np.ceil(np.log2(top)) + 1, every)
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{int(t)}" for t in ticks])
    ax.set_xlabel(K_LABEL)


def _dense_k(k: Iterable[float]) -> np.ndarray:
    """Every integer depth from the smallest to the largest k given."""
    k = np.asarray(list(k), dtype=float)
    if k.size == 0:
        return np.array([], dtype=float)
    return np.arange(max(1, int(k.min())), int(k.max()) + 1, dtype=float)


def _style_legend(handles: list, title: str | None = None) -> dict:
    """Keyword arguments for a legend placed outside the axes, to the right."""
    return dict(
        handles=handles, title=title, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False
    )


def _scheme_order(schemes: Iterable[str]) -> list[str]:
    """Schemes in the fixed order of SCHEME_COLORS, then any unknown ones."""
    present = list(dict.fromkeys(schemes))
    known = [s for s in SCHEME_COLORS if s in present]
    return known + sorted(s for s in present if s not in SCHEME_COLORS)


def _scheme_color(scheme: str):
    """The fixed colour of a scheme (grey for an unknown one)."""
    return SCHEME_COLORS.get(scheme, (0.4, 0.4, 0.4))


# --- figures ---------------------------------------------------------------------------


def figure1_top(grid: pd.DataFrame) -> Figure:
    """P(n,k) against depth for every width n (IID), solid, with l(n,k) dashed and u0 dotted."""
    set_style()
    data = grid[grid["scheme"] == "iid"].sort_values(["n", "k"])
    fig, ax = plt.subplots(figsize=(6.4, 4.0), layout="constrained")
    widths = sorted(data["n"].unique())
    cmap = plt.get_cmap(WIDTH_CMAP)
    norm = _width_norm(widths)
    dense = _dense_k(data["k"])
    for n in widths:
        color = cmap(norm(n))
        cell = data[data["n"] == n]
        ax.plot(cell["k"], cell["p_alive"], color=color, lw=1.4)
        ax.plot(dense, lower_bound(n, dense), color=color, lw=1.0, ls=BOUND_DASH)
        ax.plot(dense, upper_bound_zero_bias(n, dense), color=color, lw=1.0, ls=UPPER_DASH)
    _log2_depth_axis(ax, data["k"])
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel(r"$P(n,k)$")
    ax.set_title(r"Living networks, IID: $\ell(n,k) \leq P(n,k) \leq u_0(n,k)$")
    handles = [
        Line2D([], [], color="0.2", lw=1.4, label=r"$P(n,k)$"),
        Line2D([], [], color="0.2", lw=1.0, ls=BOUND_DASH, label=r"$\ell(n,k)$"),
        Line2D([], [], color="0.2", lw=1.0, ls=UPPER_DASH, label=r"$u_0(n,k)$"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
    _colorbar(fig, ax, cmap, norm, N_LABEL)
    return fig


def figure1_bottom(grid: pd.DataFrame) -> Figure:
    """Living fraction P(alpha) against depth, one panel per scheme, with l(n,k) dashed."""
    set_style()
    schemes = [s for s in ("iid", "batchnorm", "signflip") if s in set(grid["scheme"])]
    schemes = schemes or _scheme_order(grid["scheme"])
    fig, axes = plt.subplots(
        1, len(schemes), figsize=(3.0 * len(schemes) + 1.0, 3.4), sharey=True, layout="constrained"
    )
    axes = np.atleast_1d(axes)
    widths = sorted(grid["n"].unique())
    cmap = plt.get_cmap(WIDTH_CMAP)
    norm = _width_norm(widths)
    for ax, scheme in zip(axes, schemes, strict=True):
        data = grid[grid["scheme"] == scheme].sort_values(["n", "k"])
        dense = _dense_k(data["k"])
        for n in sorted(data["n"].unique()):
            color = cmap(norm(n))
            cell = data[data["n"] == n]
            ax.plot(cell["k"], cell["living_fraction"], color=color, lw=1.3)
            ax.plot(dense, lower_bound(n, dense), color=color, lw=0.9, ls=BOUND_DASH)
        _log2_depth_axis(ax, data["k"], every=2)
        ax.set_title(SCHEME_LABELS.get(scheme, scheme), color=_scheme_color(scheme))
        for side in ax.spines.values():
            side.set_edgecolor(_scheme_color(scheme))
        ax.set_ylim(-0.02, 1.02)
    axes[0].set_ylabel(r"living fraction $P(\alpha)$")
    handles = [
        Line2D([], [], color="0.2", lw=1.3, label=r"$P(\alpha)$"),
        Line2D([], [], color="0.2", lw=0.9, ls=BOUND_DASH, label=r"$\ell(n,k)$"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
    _colorbar(fig, list(axes), cmap, norm, N_LABEL)
    return fig


def figure2_path(path: pd.DataFrame, variance: pd.DataFrame) -> Figure:
    """Path experiment: P(n(k),k) with l dashed, V(n,k) on a log scale, and n(k) for each p."""
    set_style()
    fig, axes = plt.subplots(3, 1, figsize=(6.4, 8.2), sharex=True, layout="constrained")
    ax_p, ax_v, ax_n = axes
    probs = sorted(path["p"].unique())
    p_cmap = plt.get_cmap(PROB_CMAP)
    p_colors = {p: p_cmap(0.1 + 0.75 * i / max(1, len(probs) - 1)) for i, p in enumerate(probs)}
    for p in probs:
        color = p_colors[p]
        cell = path[path["p"] == p].sort_values("k")
        ax_p.fill_between(
            cell["k"], cell["p_alive_low"], cell["p_alive_high"], color=color, alpha=0.2, lw=0
        )
        ax_p.plot(cell["k"], cell["p_alive"], color=color, lw=1.4, marker="o", ms=2.5)
        ax_p.plot(cell["k"], cell["lower_bound"], color=color, lw=1.0, ls=BOUND_DASH)
        ax_p.axhline(p, color=color, lw=0.6, alpha=0.5)
        ax_n.step(cell["k"], cell["n"], where="post", color=color, lw=1.4)
        dense = _dense_k(cell["k"])
        ax_n.plot(dense, width_for_probability(dense, p), color=color, lw=0.8, ls=BOUND_DASH)
    ax_p.set_ylabel(r"$P(n(k),k)$")
    ax_p.set_ylim(-0.02, 1.02)
    handles = [Line2D([], [], color=p_colors[p], lw=1.4, label=f"$p = {p:g}$") for p in probs]
    handles += [
        Line2D([], [], color="0.2", lw=1.4, marker="o", ms=2.5, label=r"$P(n(k),k)$"),
        Line2D([], [], color="0.2", lw=1.0, ls=BOUND_DASH, label=r"$\ell(n(k),k)$"),
    ]
    ax_p.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.01),
        ncols=int(np.ceil(len(handles) / 2)),
        frameon=False,
    )

    widths = sorted(variance["n"].unique())
    n_cmap = plt.get_cmap(WIDTH_CMAP)
    norm = _width_norm(widths)
    for n in widths:
        cell = variance[(variance["n"] == n) & (variance["V"] > 0)].sort_values("k")
        if cell.empty:
            continue
        color = n_cmap(norm(n))
        se = cell["V_se"].fillna(0).to_numpy()
        low = np.maximum(cell["V"] - se, cell["V"] * 0.05)
        ax_v.fill_between(cell["k"], low, cell["V"] + se, color=color, alpha=0.12, lw=0)
        ax_v.plot(cell["k"], cell["V"], color=color, lw=1.2)
    ax_v.set_yscale("log")
    ax_v.set_ylabel(r"$V(n,k)$")
    _colorbar(fig, ax_v, n_cmap, norm, N_LABEL)

    ax_n.set_ylabel(r"width $n(k)$")
    n_handles = [
        Line2D([], [], color="0.2", lw=1.4, label=r"$\lceil n(k,p) \rceil$"),
        Line2D([], [], color="0.2", lw=0.8, ls=BOUND_DASH, label=r"$n(k,p)$"),
    ]
    ax_n.legend(handles=n_handles, loc="upper left", frameon=True, framealpha=0.9)
    ax_n.yaxis.get_major_locator().set_params(integer=True)
    k_all = pd.concat([path["k"], variance["k"]])
    _log2_depth_axis(ax_n, k_all)
    for ax in (ax_p, ax_v):
        ax.set_xlabel("")
    return fig


def long_figure2(
    max_width: int = 16,
    max_depth: int = 1024,
    probabilities: Sequence[float] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
) -> Figure:
    """Long paper's Figure 2: l(n,k) for n = 1..16 (left) and width n(k,p) against depth (right)."""
    set_style()
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.0, 3.6), layout="constrained")
    k = np.unique(np.round(np.geomspace(1, max_depth, 400)))
    widths = np.arange(1, max_width + 1)
    n_cmap = plt.get_cmap(WIDTH_CMAP)
    norm = _width_norm(widths)
    for n in widths:
        left.plot(k, lower_bound(n, k), color=n_cmap(norm(n)), lw=1.2)
    _log2_depth_axis(left, k)
    left.set_ylim(-0.02, 1.02)
    left.set_ylabel(r"$\ell(n,k)$")
    left.set_title(r"$\ell(n,k) = (1-2^{-n})^k$")
    _colorbar(fig, left, n_cmap, norm, N_LABEL)

    p_cmap = plt.get_cmap(PROB_CMAP)
    for i, p in enumerate(probabilities):
        color = p_cmap(0.1 + 0.75 * i / max(1, len(probabilities) - 1))
        right.plot(k, width_for_probability(k, p), color=color, lw=1.2, label=f"{p:g}")
    _log2_depth_axis(right, k)
    right.set_ylabel(r"width $n(k,p)$")
    right.set_title(r"$n(k,p) = -\log_2(1 - p^{1/k})$")
    handles, labels = right.get_legend_handles_labels()
    right.legend(handles[::-1], labels[::-1], title=r"$p$", loc="upper left",
                 bbox_to_anchor=(1.02, 1.0), frameon=False)  # fmt: skip
    return fig


def _depth_bins(k: pd.Series, bins: int) -> tuple[pd.Series, list[str]]:
    """Assign each depth to one of at most `bins` bins of consecutive distinct depths."""
    levels = np.sort(k.unique())
    if len(levels) <= bins:
        index = {v: i for i, v in enumerate(levels)}
        return k.map(index), [f"{int(v)}" for v in levels]
    groups = np.array_split(levels, bins)
    index = {v: i for i, group in enumerate(groups) for v in group}
    labels = [f"{int(g[0])}\N{EN DASH}{int(g[-1])}" for g in groups]
    return k.map(index), labels


def violations_heatmap(grid: pd.DataFrame, bins: int = 16) -> Figure:
    """Per scheme, how many (n,k) cells have a CI excluding l or u, by width and binned depth."""
    set_style()
    schemes = _scheme_order(grid["scheme"])
    data = grid.assign(violation=grid["violates_lower"] | grid["violates_upper"])
    data["k_bin"], labels = _depth_bins(data["k"], bins)
    widths = sorted(data["n"].unique())
    tables = {}
    for scheme in schemes:
        counts = (
            data[data["scheme"] == scheme]
            .groupby(["n", "k_bin"])["violation"]
            .sum()
            .unstack("k_bin")
            .reindex(index=widths, columns=range(len(labels)))
        )
        tables[scheme] = counts
    vmax = max(
        1.0, max(float(np.nanmax(t.to_numpy(dtype=float), initial=0)) for t in tables.values())
    )
    ncols = min(2, len(schemes))
    nrows = int(np.ceil(len(schemes) / ncols))
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(5.6 * ncols, 0.17 * len(widths) * nrows + 1.4 * nrows),
        squeeze=False,
        layout="constrained",
    )
    flat = axes.ravel()
    # seaborn draws the whole figure once per heatmap (to rotate overlapping tick labels, which
    # the tick_params below set anyway); without the layout engine those draws are cheap, and
    # constrained layout runs once, when the figure is saved.
    fig.set_layout_engine("none")
    # Zero violations: near white; no data: hatched grey.
    cmap = sns.color_palette("rocket_r", as_cmap=True).with_extremes(under="0.96")
    for ax, scheme in zip(flat, schemes, strict=False):
        table = tables[scheme]
        values = table.to_numpy(dtype=float)
        annot = np.where(np.isnan(values) | (values == 0), "", np.nan_to_num(values).astype(int))
        sns.heatmap(
            table,
            ax=ax,
            cmap=cmap,
            vmin=0.5,
            vmax=vmax,
            mask=np.isnan(values),
            annot=annot,
            fmt="",
            annot_kws={"fontsize": 6},
            cbar=False,
            linewidths=0.3,
            linecolor="white",
            xticklabels=labels,
            yticklabels=widths,
        )
        ax.invert_yaxis()
        total = int(np.nansum(values))
        cells = int((data["scheme"] == scheme).sum())
        ax.set_title(
            f"{SCHEME_LABELS.get(scheme, scheme)}: {total} of {cells} cells violate",
            color=_scheme_color(scheme),
        )
        ax.set_xlabel(K_LABEL + " (binned)")
        ax.set_ylabel(N_LABEL)
        ax.tick_params(axis="x", labelrotation=60, labelsize=6)
        ax.tick_params(axis="y", labelrotation=0, labelsize=7)
        ax.set_facecolor("0.8")  # no data in a masked cell
        ax.patch.set_hatch("//")
        for side in ax.spines.values():
            side.set_visible(True)
            side.set_edgecolor("0.6")
    for ax in flat[len(schemes) :]:
        ax.set_visible(False)
    fig.set_layout_engine("constrained")
    mappable = plt.cm.ScalarMappable(norm=Normalize(0.5, vmax), cmap=cmap)
    bar = fig.colorbar(mappable, ax=list(flat[: len(schemes)]), pad=0.01, aspect=40)
    bar.set_label(r"cells per bin with CI outside $[\ell, u]$")
    return fig


def rai_vs_iid(grid: pd.DataFrame, widths: Sequence[int] = (2, 4, 8, 15)) -> Figure:
    """RAI against He initialization: P(alive) against zero-bias iid, and P(constant) (some
    layer so far was a dead layer: Lu et al.'s born dead) against He with symmetric biases
    (iid_bias, Lu et al.'s baseline; iid when absent), against depth at a few widths, with
    Wilson bands."""
    set_style()
    available = set(grid["scheme"])
    he = "iid_bias" if "iid_bias" in available else "iid"
    schemes = [s for s in ("iid", "iid_bias", "rai") if s in available]
    present = set(grid.loc[grid["scheme"].isin(schemes), "n"])
    chosen = [n for n in widths if n in present] or sorted(present)[:4]
    styles = ["-", "--", "-.", ":"]
    markers = ["o", "s", "^", "D"]
    fig, axes = plt.subplots(1, 2, figsize=(9.0, 3.6), sharey=True, layout="constrained")
    panels = [
        ("p_alive", r"$P(\mathrm{alive})$", "alive", ["iid", "rai"]),
        ("p_constant", r"$P(\mathrm{constant})$", "born dead (constant function)", [he, "rai"]),
    ]
    for ax, (column, ylabel, title, compared) in zip(axes, panels, strict=True):
        for scheme in [s for s in compared if s in available]:
            color = _scheme_color(scheme)
            for i, n in enumerate(chosen):
                cell = grid[(grid["scheme"] == scheme) & (grid["n"] == n)].sort_values("k")
                if cell.empty:
                    continue
                ax.fill_between(
                    cell["k"],
                    cell[f"{column}_low"],
                    cell[f"{column}_high"],
                    color=color,
                    alpha=0.15,
                    lw=0,
                )
                ax.plot(
                    cell["k"],
                    cell[column],
                    color=color,
                    ls=styles[i % len(styles)],
                    marker=markers[i % len(markers)],
                    markevery=0.12,
                    ms=3,
                    lw=1.2,
                )
        _log2_depth_axis(ax, grid["k"])
        ax.set_ylim(-0.02, 1.02)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
    scheme_handles = [
        Line2D([], [], color=_scheme_color(s), lw=2, label=SCHEME_LABELS.get(s, s)) for s in schemes
    ]
    width_handles = [
        Line2D(
            [],
            [],
            color="0.3",
            ls=styles[i % len(styles)],
            marker=markers[i % len(markers)],
            ms=3,
            label=f"$n = {n}$",
        )
        for i, n in enumerate(chosen)
    ]
    first = axes[1].legend(**_style_legend(scheme_handles, "scheme"))
    axes[1].add_artist(first)
    axes[1].legend(
        handles=width_handles,
        title="width",
        loc="lower left",
        bbox_to_anchor=(1.02, 0.0),
        frameon=False,
    )
    fig.text(0.5, -0.02, "bands: 95% Wilson intervals", ha="center", fontsize=7, color="0.35")
    return fig


def convergence_path(convergence: pd.DataFrame, split: pd.DataFrame) -> Figure:
    """Left: P/l along the path (Wilson bands) for each p, with the split hazard model's
    prediction (solid) and the legacy fit 1 + C 2^(-beta n) (dotted). Right: S(n) with its
    bootstrap interval, and c(n) - 1 on a log scale."""
    set_style()
    fig, axes = plt.subplots(1, 2, figsize=(10.0, 3.8), layout="constrained")
    ax = axes[0]
    probabilities = sorted(convergence["p"].unique())
    norm = Normalize(min(probabilities), max(probabilities) + 1e-9)
    cmap = plt.get_cmap(PROB_CMAP)
    for p in probabilities:
        rows = convergence[convergence["p"] == p].sort_values("k")
        color = cmap(norm(p) * 0.85)
        ax.fill_between(rows["k"], rows["ratio_low"], rows["ratio_high"], color=color, alpha=0.2)
        ax.plot(rows["k"], rows["ratio"], color=color, lw=0.8, alpha=0.8)
        ax.plot(rows["k"], rows["ratio_model"], color=color, lw=1.6, label=f"$p = {p:g}$")
        ax.plot(rows["k"], rows["ratio_legacy"], color=color, lw=1.0, ls=":")
    ax.axhline(1.0, color="0.4", lw=0.8, ls=BOUND_DASH)
    _log2_depth_axis(ax, convergence["k"])
    ax.set_ylabel(r"$P/l$ along $n = \lceil n(k,p) \rceil$")
    ax.set_title("path: data (thin, bands), hazard model (thick), legacy (dotted)")
    ax.legend(**_style_legend(ax.get_legend_handles_labels()[0], "target p"))
    ax = axes[1]
    rows = split.sort_values("n")
    ax.fill_between(rows["n"], rows["S_low"], rows["S_high"], color=PALETTE[0], alpha=0.25)
    ax.plot(rows["n"], rows["S"], "o-", color=PALETTE[0], ms=3, label=r"$S(n)=\sum_j \sigma_j$")
    ax.set_xlabel(N_LABEL)
    ax.set_ylabel(r"$S(n)$")
    ax.set_yscale("log")
    twin = ax.twinx()
    twin.plot(rows["n"], rows["c"] - 1, "s--", color=PALETTE[3], ms=3, label=r"$c(n) - 1$")
    twin.set_yscale("log")
    twin.set_ylabel(r"plateau $c(n) - 1$")
    twin.grid(False)
    handles = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="center left", frameon=False, fontsize=7)
    ax.set_title("sum of split rates and the plateau of P/l")
    return fig
