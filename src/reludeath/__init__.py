"""reludeath: how often ReLU networks are dead at random initialization.

Reproduces and extends the numerical study of Rister & Rubin: exact bounds,
initialization schemes and a fast simulation kernel.

Layers, each importing only those below it (import-linter contracts in pyproject.toml):

- the compile service ``compiler`` (LLVM IR to machine code, the disk cache) and the sampler
  ``sampling`` (``pcg`` streams, ``seeds``, ``normals``, ``uniforms``);
- the ``kernel`` package (forward passes, per-layer statistics);
- the core: ``bounds``, ``schemes``, ``simulate`` (a shard), ``plan`` (the shard jobs),
  ``config`` (the checker), ``cost``, ``io``, ``stats``, ``threads``, the claims ledger
  ``claims``, the report's ``report_layout``, ``pages`` and the figure style ``plotting``;
- the study families, each a package: ``grid`` (the main grid: aggregate, split, hazard, fit,
  claims, summary, plots and the figure registry), ``deep`` (the path to k = 10^9, S(n), c(n),
  P_inf), ``practice`` (practitioners' initializations), ``errata`` (the papers' errata),
  ``variants`` (architecture variants) and ``dynamics`` (training dynamics);
- the entry points: ``workflow_plan`` (the config checker and the plan the rules read), ``api``
  and ``cli``.

Names are imported lazily (on first use), so that a job importing one module, or
``reludeath.threads`` before numpy and numba, loads nothing else.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("reludeath")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

# Public name -> the module that defines it.
_LAZY = {
    "bounds_at": "api",
    "estimate": "api",
    "read_claims": "api",
    "width_for": "api",
    "lower_bound": "bounds",
    "path_width": "bounds",
    "upper_bound": "bounds",
    "upper_bound_zero_bias": "bounds",
    "width_for_probability": "bounds",
    "SCHEMES": "schemes",
    "get_scheme": "schemes",
    "SHARD_COLUMNS": "simulate",
    "ShardSpec": "simulate",
    "simulate_shard": "simulate",
}

__all__ = ["__version__", *sorted(_LAZY)]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(f"reludeath.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'reludeath' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
