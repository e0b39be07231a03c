"""Plug-in schemes: a plain function in a user's file draws a network (docs/plugins.md).

The config entry ``{plugin: {path: inits/my_scheme.py, function: draw, ...}}`` names a
function ``draw(rng, n, depth, **options) -> (weights, biases)`` with weights of shape
(depth, n, n) and biases of shape (depth, n), any float dtype. This module checks an entry
before any job runs (file, function, signature, a tiny draw's shapes and finiteness),
labels it, hashes the file (a plug-in's shards follow its content) and loads the function
in the jobs. It knows nothing of ``Scheme``: ``schemes.Plugin`` wraps what it loads.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import inspect
import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "PLUGIN_KEYS",
    "PREFIX",
    "checked_draw",
    "file_hash",
    "load_function",
    "plugin_entry",
    "plugin_label",
]

PREFIX = "plugin"

# The keys of a `plugin:` entry, with their defaults (None: required). The config schema
# declares the same keys (a test compares them).
PLUGIN_KEYS: dict[str, Any] = {
    "path": None,
    "function": None,
    "sign_symmetric": False,
    "bias": True,
    "options": {},
}

# The tiny draw every entry must pass before any job runs: (n, depth).
_PROBE = (3, 2)


def plugin_label(path: str, function: str) -> str:
    """'plugin-<file stem>-<function>', the stem's characters outside [A-Za-z0-9_] as '_'."""
    stem = re.sub(r"[^A-Za-z0-9_]", "_", Path(path).stem)
    return f"{PREFIX}-{stem}-{function}"


def file_hash(path: str | Path) -> str:
    """SHA-256 of the file's bytes, hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@functools.lru_cache(maxsize=32)
def load_function(path: str, function: str, sha256: str = "") -> Callable:
    """`function` of the Python file `path` (relative to the working directory), loaded once
    per process and content. When `sha256` is given the file must still have that content
    (it is part of the cache key, so an edited file is loaded afresh)."""
    file = Path(path)
    if not file.is_file():
        raise ValueError(f"plugin.path: no file {path!r} (relative to {Path.cwd()})")
    if sha256 and file_hash(file) != sha256:
        raise ValueError(f"plugin.path: {path!r} changed since the configuration was checked")
    module_name = f"reludeath_plugin_{hashlib.sha256(str(file.resolve()).encode()).hexdigest()}"
    spec = importlib.util.spec_from_file_location(module_name, file)
    if spec is None or spec.loader is None:
        raise ValueError(f"plugin.path: {path!r} cannot be imported as a Python file")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        raise ValueError(f"plugin.path: importing {path!r} failed: {error!r}") from error
    found = getattr(module, function, None)
    if not callable(found):
        names = sorted(
            name
            for name, value in vars(module).items()
            if inspect.isfunction(value) and not name.startswith("_")
        )
        raise ValueError(
            f"plugin.function: {path!r} has no function {function!r}; its functions: {names}"
        )
    return found


def checked_draw(
    function: Callable,
    rng: np.random.Generator,
    n: int,
    depth: int,
    options: Mapping[str, object],
    bias: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """(weights, biases) as float64 arrays from one call of the user's function, or a
    ValueError saying what is wrong: not a pair, wrong shape, not float, NaN or infinity,
    nonzero biases under `bias: false`."""
    out = function(rng, n, depth, **options)
    if not (isinstance(out, tuple | list) and len(out) == 2):
        raise ValueError(
            f"plugin.function: must return (weights, biases), got {type(out).__name__}"
        )
    arrays = []
    for what, value, shape in (
        ("weights", out[0], (depth, n, n)),
        ("biases", out[1], (depth, n)),
    ):
        array = np.asarray(value)
        if array.shape != shape:
            raise ValueError(
                f"plugin.function: {what} must have shape (depth, n{', n' * (what == 'weights')})"
                f" = {shape} for n = {n}, depth = {depth}; got {array.shape}"
            )
        if not np.issubdtype(array.dtype, np.floating):
            raise ValueError(f"plugin.function: {what} must be floats, got dtype {array.dtype}")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"plugin.function: {what} contain NaN or infinity")
        arrays.append(array.astype(np.float64, copy=False))
    if not bias and np.any(arrays[1] != 0):
        raise ValueError("plugin.bias: false declares zero biases, but the draw returned others")
    return arrays[0], arrays[1]


def plugin_entry(entry: object, key: str = "plugin") -> tuple[str, dict]:
    """(label, options of schemes.Plugin) for one `plugin:` entry, checked by loading the
    function and making a tiny draw; every refusal names `key` and the problem."""
    if not isinstance(entry, dict):
        raise ValueError(f"{key}: must be a mapping with keys {list(PLUGIN_KEYS)}, got {entry!r}")
    unknown = sorted(set(entry) - set(PLUGIN_KEYS))
    if unknown:
        raise ValueError(f"{key}.{unknown[0]}: unknown key; allowed keys: {', '.join(PLUGIN_KEYS)}")
    missing = [
        name for name, default in PLUGIN_KEYS.items() if default is None and name not in entry
    ]
    if missing:
        raise ValueError(f"{key}.{missing[0]}: required")
    values = {name: entry.get(name, default) for name, default in PLUGIN_KEYS.items()}
    for name in ("path", "function"):
        if not isinstance(values[name], str) or not values[name]:
            raise ValueError(f"{key}.{name}: must be a non-empty string, got {values[name]!r}")
    for name in ("sign_symmetric", "bias"):
        if not isinstance(values[name], bool):
            raise ValueError(f"{key}.{name}: must be true or false, got {values[name]!r}")
    options = values["options"] or {}
    if not isinstance(options, dict):
        raise ValueError(f"{key}.options: must be a mapping, got {options!r}")
    for name, value in options.items():
        good = isinstance(value, str | bool | int) or (
            isinstance(value, float) and math.isfinite(value)
        )
        if not good:
            raise ValueError(
                f"{key}.options.{name}: must be a finite number, a string or a boolean, "
                f"got {value!r}"
            )
    path, function = values["path"], values["function"]
    if not Path(path).is_file():
        raise ValueError(f"{key}.path: no file {path!r} (relative to {Path.cwd()})")
    sha256 = file_hash(path)
    try:
        found = load_function(path, function, sha256)
    except ValueError as error:
        raise ValueError(f"{key}.{str(error).removeprefix('plugin.')}") from None
    try:
        inspect.signature(found).bind(np.random.default_rng(0), 1, 1, **options)
    except TypeError as error:
        raise ValueError(
            f"{key}.function: {function}{inspect.signature(found)} cannot be called as "
            f"{function}(rng, n, depth, **options) with options {sorted(options)}: {error}"
        ) from None
    n, depth = _PROBE
    try:
        checked_draw(found, np.random.default_rng(0), n, depth, options, values["bias"])
    except ValueError as error:
        raise ValueError(f"{key}.{str(error).removeprefix('plugin.')}") from None
    except Exception as error:
        raise ValueError(
            f"{key}.function: a draw with n = {n}, depth = {depth} raised {error!r}"
        ) from None
    label = plugin_label(path, function)
    return label, {
        "path": path,
        "function": function,
        "sign_symmetric": values["sign_symmetric"],
        "bias": values["bias"],
        "options": tuple(sorted(options.items())),
        "sha256": sha256,
    }
