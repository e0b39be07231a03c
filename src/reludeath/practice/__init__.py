"""Initializations in practice: library defaults and folk remedies against He (iid).

The schemes themselves live with the others in ``reludeath.schemes`` (``uniform``,
``torch_default``, ``orthogonal``, ``const_bias`` and plug-ins) and run through the same
shards and grid table. This family reads the grid table only: ``compare`` holds the
two-sample statistics, ``claims`` judges the practice claims, ``summary`` writes the
"Initializations in practice" section and ``plots`` the figure ``practice``. See
docs/science.md (section 2) and docs/plugins.md.
"""
