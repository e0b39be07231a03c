"""Training dynamics of single ReLU units, beyond initialization.

* :mod:`.lms`: Douglas & Yu, a single ReLU unit trained by LMS (their Figs 6 and 7).
* :mod:`.momentum`: Arnekvist et al., target scale and momentum (their Figs 2 to 5).
* :mod:`.regression`: a synthetic surrogate of Arnekvist et al.'s Fig 1 (Adam, SGD, heavy ball).
* :mod:`.experiments`: config sections -> tables, one function per experiment.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["experiment_seed"]


def experiment_seed(seed: int, *names: str | int | float) -> np.random.SeedSequence:
    """A SeedSequence for an experiment, from the master seed and what the experiment is."""
    key = tuple(zlib.crc32(str(name).encode()) for name in names)
    return np.random.SeedSequence(seed, spawn_key=key)
