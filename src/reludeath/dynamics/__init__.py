"""Training dynamics of single ReLU units, beyond initialization.

* :mod:`.lms`: Douglas & Yu, a single ReLU unit trained by LMS (their Figs 6 and 7).
* :mod:`.momentum`: Arnekvist et al., target scale and momentum (their Figs 2 to 5).
* :mod:`.regression`: a synthetic surrogate of Arnekvist et al.'s Fig 1 (Adam, SGD, heavy ball).
* :mod:`.experiments`: config sections -> tables, one function per experiment.
"""

from __future__ import annotations

import numpy as np

from reludeath.sampling.seeds import generator, seed_sequence

__all__ = ["experiment_generator", "experiment_seed"]


def experiment_seed(seed: int, *names: str | int | float) -> np.random.SeedSequence:
    """A SeedSequence for an experiment, from the master seed and what the experiment is.

    Every part is keyed by its text (``str(name)``): 3 and "3" name the same thing here.
    """
    return seed_sequence(seed, *(str(name) for name in names))


def experiment_generator(seed: int, *names: str | int | float) -> np.random.Generator:
    """The generator of an experiment: PCG64 on experiment_seed(seed, *names)."""
    return generator(seed, *(str(name) for name in names))
