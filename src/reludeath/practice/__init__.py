"""Initializations in practice: library defaults and folk remedies against He (iid).

The schemes themselves live with the others in ``reludeath.schemes`` (``uniform``,
``torch_default``, ``orthogonal``, ``const_bias`` and plug-ins) and run through the same
shards and grid table. This family reads the grid table only: ``compare`` holds the
two-sample statistics, ``claims`` judges the practice claims, ``summary`` writes the
"Initializations in practice" section and ``plots`` the figure ``practice``. See
docs/science.md (section 2) and docs/plugins.md.
"""

from reludeath.practice.claims import PRACTICE_CLAIMS, practice_claims
from reludeath.practice.compare import compare_schemes, depth_below, practice_schemes
from reludeath.practice.plots import practice_figure
from reludeath.practice.summary import practice_markdown

__all__ = [
    "PRACTICE_CLAIMS",
    "compare_schemes",
    "depth_below",
    "practice_claims",
    "practice_figure",
    "practice_markdown",
    "practice_schemes",
]
