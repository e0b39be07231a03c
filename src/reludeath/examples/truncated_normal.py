"""A plug-in scheme for reludeath: Keras-like truncated normal weights (docs/plugins.md).

Keras' GlorotNormal, HeNormal and LecunNormal draw each weight from a normal law truncated
at two standard deviations; by positive homogeneity the scale does not matter, only the shape
does. Biases are zero (Keras' Dense default), or all equal to `bias` when given.

Use it from the config by module name (it ships with the package), or copy the file and name
it by `path` (relative to the working directory):

    schemes:
      - iid
      - plugin:
          module: reludeath.examples.truncated_normal
          function: draw
          sign_symmetric: true
          bias: false
          options: {limit: 2.0}
"""

import numpy as np
from scipy.special import ndtr, ndtri


def draw(rng: np.random.Generator, n: int, depth: int, limit: float = 2.0, bias: float = 0.0):
    """Weights (depth, n, n) i.i.d. N(0, 1) conditioned on |w| <= limit, by inverting the
    CDF: w = Phi^-1(Phi(-limit) + u (1 - 2 Phi(-limit))), u ~ U(0, 1), drawn layer by layer
    so a deeper network's first layers are a shallower one's; biases (depth, n) = bias."""
    low = ndtr(-limit)
    weights = ndtri(low + rng.random((depth, n, n)) * (1 - 2 * low))
    return weights, np.full((depth, n), float(bias))
