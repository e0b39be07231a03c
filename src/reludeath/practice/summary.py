"""The summary section "Initializations in practice": at what depth each scheme's networks
start dying, per width, and the verdicts of the practice claims."""

from __future__ import annotations

import math

import pandas as pd

from reludeath.practice.compare import BASELINES, depth_below, practice_schemes

__all__ = ["LEVELS", "depth_table", "practice_markdown"]

LEVELS = (0.9, 0.5)  # P(alive) levels of the table: "first depth below 0.9 / below 0.5"


def _cell(value: float, max_depth: int) -> str:
    return f">{max_depth}" if math.isnan(value) else str(int(value))


def depth_table(grid: pd.DataFrame) -> pd.DataFrame:
    """Rows: the baselines and practice schemes present; columns: widths; cells 'a / b',
    a (b) the first depth where P(alive) < 0.9 (< 0.5), '>K' when never within the grid."""
    present = set(grid["scheme"])
    schemes = [s for s in BASELINES if s in present] + practice_schemes(present)
    frame = grid[grid["scheme"].isin(schemes)]
    high, low = (depth_below(frame, level) for level in LEVELS)
    both = high.merge(low, on=["scheme", "n", "max_depth"], suffixes=("_high", "_low"))
    both["cell"] = [
        f"{_cell(a, m)} / {_cell(b, m)}"
        for a, b, m in zip(both["depth_high"], both["depth_low"], both["max_depth"], strict=True)
    ]
    table = both.pivot(index="scheme", columns="n", values="cell")
    table = table.reindex([s for s in schemes if s in table.index])
    table.columns = [f"n={n}" for n in table.columns]
    return table


def practice_markdown(grid: pd.DataFrame, claims: pd.DataFrame) -> str:
    """The section as Markdown (a '## ' heading, the depth table, the claims)."""
    table = depth_table(grid)
    header = ["scheme", *table.columns]
    lines = [
        "## Initializations in practice",
        "",
        "Does the initialization I use kill my deep, narrow ReLU network? Per scheme and "
        f"width: the first depth k at which P(alive) falls below {LEVELS[0]:g} / below "
        f"{LEVELS[1]:g} ('>K': not within the grid's depth K). iid is He (any zero-bias "
        "Gaussian: PyTorch's Xavier and Kaiming normal, Flax's LeCun normal); uniform is "
        "Keras' Dense default; torch_default PyTorch's nn.Linear default; orthogonal "
        "torch.nn.init.orthogonal_; const_bias He weights with every bias 0.01 "
        "(docs/science.md, section 2). Figure: results/figures/practice.png.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for scheme, row in table.iterrows():
        lines.append("| " + " | ".join([f"`{scheme}`", *row.fillna("").astype(str)]) + " |")
    lines.append("")
    for row in claims.itertuples(index=False):
        lines.append(f"- `{row.claim_id}`: **{row.verdict}**. {row.measured}")
    return "\n".join(lines) + "\n"
