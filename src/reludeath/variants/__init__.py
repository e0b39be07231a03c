"""Architecture variants of the paper's section 8, simulated against their bounds.

One module per variant, each with its numba kernel, its draws and its table:
``conv`` (convolutional, 1-D and 2-D), ``residual`` (R1 and R2 blocks), ``skip``
(U-Net-style, concatenating or additive), ``leaky`` (leaky ReLU, "weak" points).
``common`` holds the shared generators and statistics, ``grid`` expands the
``variants:`` config section, ``tables`` runs a variant's grid, ``claims`` and
``summary`` judge the section 8 claims, ``plots`` draws one figure per variant.
See docs/variants.md.
"""
