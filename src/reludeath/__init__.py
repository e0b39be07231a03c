"""reludeath: how often ReLU networks are dead at random initialization.

Reproduces and extends the numerical study of Rister & Rubin: exact bounds,
four initialization schemes and a fast simulation kernel.
"""

from importlib.metadata import PackageNotFoundError, version

from reludeath.bounds import (
    lower_bound,
    path_width,
    upper_bound,
    upper_bound_zero_bias,
    width_for_probability,
)
from reludeath.schemes import SCHEMES, get_scheme
from reludeath.simulate import SHARD_COLUMNS, ShardSpec, simulate_shard

try:
    __version__ = version("reludeath")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

__all__ = [
    "SCHEMES",
    "SHARD_COLUMNS",
    "ShardSpec",
    "__version__",
    "get_scheme",
    "lower_bound",
    "path_width",
    "simulate_shard",
    "upper_bound",
    "upper_bound_zero_bias",
    "width_for_probability",
]
