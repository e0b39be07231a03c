"""Shared figure style and saving: the main grid, the variants and the dynamics plots
all draw with these colours, line styles and labels, and write with `save_figure`.

Importing this module selects matplotlib's non-interactive Agg backend; the style is
set by `set_style`, never at import.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.figure import Figure

from reludeath.io import atomic_path

__all__ = [
    "BOUND_DASH",
    "K_LABEL",
    "N_LABEL",
    "PALETTE",
    "PROB_CMAP",
    "SCHEME_COLORS",
    "SCHEME_LABELS",
    "UPPER_DASH",
    "WIDTH_CMAP",
    "save_figure",
    "set_style",
]

PALETTE = sns.color_palette("colorblind")
# One fixed colour per initialization scheme, used in every figure.
SCHEME_COLORS: dict[str, tuple[float, float, float]] = {
    "iid": PALETTE[0],
    "batchnorm": PALETTE[1],
    "signflip": PALETTE[2],
    "rai": PALETTE[3],
    "iid_bias": PALETTE[4],
}
SCHEME_LABELS: dict[str, str] = {
    "iid": "IID",
    "batchnorm": "batch norm",
    "signflip": "sign flip",
    "rai": "RAI",
    "iid_bias": "He + bias",
}

WIDTH_CMAP = "viridis"  # sequential colour map for the width n
PROB_CMAP = "plasma"  # sequential colour map for the target probability p
BOUND_DASH = (0, (5, 2))  # l(n,k): dashed
UPPER_DASH = (0, (1, 1.5))  # u(n,k), u0(n,k): dotted, so the two bounds stay apart

K_LABEL = r"depth $k$"
N_LABEL = r"width $n$"


def set_style(style: str = "whitegrid", context: str = "paper") -> None:
    """Apply the common seaborn theme (by default whitegrid, paper context)."""
    sns.set_theme(style=style, context=context)


def save_figure(fig: Figure, path: str | os.PathLike[str], dpi: int = 200) -> Path:
    """Write fig atomically (temp file in the same folder, then rename) and close it."""
    target = Path(path)
    fmt = target.suffix.lstrip(".").lower() or "png"
    try:
        with atomic_path(target) as tmp:
            fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight")
    finally:
        plt.close(fig)
    return target
