"""The figure "initializations in practice": how often networks die (1 - P(alive)) and how
often their output is constant (P(collapsed)) against depth, per width, for the practice
schemes beside iid and iid_bias, with 95% Wilson bands."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from reludeath.plotting import SCHEME_COLORS, SCHEME_LABELS, set_style
from reludeath.practice.compare import BASELINES, practice_schemes

__all__ = ["PRACTICE_COLORS", "PRACTICE_WIDTHS", "practice_figure"]

PRACTICE_WIDTHS = (2, 4, 8, 15)
_EXTRA = sns.color_palette("colorblind")[5:]
# Colours of the practice schemes, after the study's own (plug-ins take the rest in turn).
PRACTICE_COLORS = {
    "uniform": _EXTRA[0],
    "torch_default": _EXTRA[1],
    "orthogonal": _EXTRA[2],
    "const_bias": _EXTRA[3],
}
_PLUGIN_COLORS = [(0.55, 0.35, 0.65), (0.35, 0.55, 0.35), (0.6, 0.4, 0.2)]


def _colors(schemes: Sequence[str]) -> dict:
    colors = {**SCHEME_COLORS, **PRACTICE_COLORS}
    plugins = [s for s in schemes if s not in colors]
    for i, scheme in enumerate(plugins):
        colors[scheme] = _PLUGIN_COLORS[i % len(_PLUGIN_COLORS)]
    return colors


def practice_figure(grid: pd.DataFrame, widths: Sequence[int] = PRACTICE_WIDTHS) -> Figure:
    """Top row 1 - P(alive), bottom row P(collapsed) (exactly constant output, the
    near-constant criterion until a finer one exists), one column per width, x = depth k."""
    set_style()
    present = set(grid["scheme"])
    schemes = [s for s in BASELINES if s in present] + practice_schemes(present)
    shown = [n for n in widths if n in set(grid["n"])] or sorted(set(grid["n"]))[:4]
    colors = _colors(schemes)
    fig, axes = plt.subplots(
        2, len(shown), figsize=(2.6 * len(shown) + 1.6, 5.2), sharex=True, sharey=True,
        layout="constrained", squeeze=False,
    )  # fmt: skip
    rows = [
        ("p_alive", True, r"$1 - P(\mathrm{alive})$"),
        ("p_collapsed", False, r"$P(\mathrm{constant\ output})$"),
    ]
    for r, (column, complement, ylabel) in enumerate(rows):
        for c, n in enumerate(shown):
            ax = axes[r][c]
            for scheme in schemes:
                cell = grid[(grid["scheme"] == scheme) & (grid["n"] == n)].sort_values("k")
                if cell.empty:
                    continue
                value, low, high = (cell[column + s] for s in ("", "_low", "_high"))
                if complement:
                    value, low, high = 1 - value, 1 - high, 1 - low
                color = colors[scheme]
                dashed = scheme in BASELINES
                ax.fill_between(cell["k"], low, high, color=color, alpha=0.15, lw=0)
                ax.plot(cell["k"], value, color=color, lw=1.3, ls="--" if dashed else "-")
            ax.set_xscale("log", base=2)
            ax.set_ylim(-0.02, 1.02)
            if r == 0:
                ax.set_title(f"$n = {n}$")
            if r == 1:
                ax.set_xlabel(r"depth $k$")
            if c == 0:
                ax.set_ylabel(ylabel)
    handles = [
        Line2D(
            [], [], color=colors[s], lw=2, ls="--" if s in BASELINES else "-",
            label=SCHEME_LABELS.get(s, s),
        )
        for s in schemes
    ]  # fmt: skip
    axes[0][-1].legend(
        handles=handles, title="scheme", loc="upper left", bbox_to_anchor=(1.02, 1.0),
        frameon=False,
    )  # fmt: skip
    fig.suptitle("Initializations in practice")
    fig.text(0.5, -0.02, "bands: 95% Wilson intervals", ha="center", fontsize=7, color="0.35")
    return fig
