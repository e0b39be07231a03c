"""A plug-in scheme for reludeath: Keras-like truncated normal weights (docs/plugins.md).

Keras' GlorotNormal, HeNormal and LecunNormal draw each weight from a normal law truncated
to two standard deviations (redrawing values outside); by positive homogeneity the scale does
not matter, so only the shape does. Biases are zero (Keras' Dense default), optionally
replaced by a constant `bias`.

Use it from the config (path relative to the working directory):

    schemes:
      - iid
      - plugin:
          path: docs/examples/truncated_normal.py
          function: draw
          sign_symmetric: true
          bias: false
          options: {limit: 2.0}
"""

import numpy as np


def draw(rng: np.random.Generator, n: int, depth: int, limit: float = 2.0, bias: float = 0.0):
    """Weights (depth, n, n) i.i.d. N(0, 1) conditioned on |w| <= limit, by redrawing;
    biases (depth, n) all equal to `bias`."""
    weights = rng.standard_normal((depth, n, n))
    outside = np.abs(weights) > limit
    while outside.any():
        weights[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(weights) > limit
    return weights, np.full((depth, n), float(bias))
