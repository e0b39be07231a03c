"""Plug-in schemes: a plain function in a user's file or module draws a network
(docs/plugins.md).

The config entry ``{plugin: {path: inits/my_scheme.py, function: draw, ...}}`` (or
``{plugin: {module: reludeath.examples.truncated_normal, ...}}``: exactly one of `path` and
`module`) names a function ``draw(rng, n, depth, **options) -> (weights, biases)`` with
weights of shape (depth, n, n) and biases of shape (depth, n), any float dtype. This module
checks an entry before any job runs (file or module, function, signature, a tiny draw's
shapes and finiteness), labels it, hashes the source file (a plug-in's shards follow its
content) and loads the function in the jobs. It knows nothing of ``Scheme``:
``schemes.Plugin`` wraps what it loads.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
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
    "SOURCE_KEYS",
    "checked_draw",
    "file_hash",
    "load_function",
    "plugin_entry",
    "plugin_label",
    "source_file",
]

PREFIX = "plugin"

# The keys of a `plugin:` entry, with their defaults (None: no default; `function` is
# required and so is exactly one of SOURCE_KEYS). The config schema declares the same keys
# (a test compares them).
PLUGIN_KEYS: dict[str, Any] = {
    "path": None,
    "module": None,
    "function": None,
    "sign_symmetric": False,
    "bias": True,
    "options": {},
}

# Where the function lives: a Python file (relative to the working directory) or an
# importable module; an entry names exactly one.
SOURCE_KEYS = ("path", "module")

# The tiny draw every entry must pass before any job runs: (n, depth).
_PROBE = (3, 2)


def plugin_label(path: str, function: str, module: str = "") -> str:
    """'plugin-<stem>-<function>', the stem being the file's (`path`) or the module's last
    dotted part (`module`, when given), its characters outside [A-Za-z0-9_] as '_'."""
    stem = module.rpartition(".")[2] if module else Path(path).stem
    return f"{PREFIX}-{re.sub(r'[^A-Za-z0-9_]', '_', stem)}-{function}"


def source_file(path: str = "", module: str = "") -> Path:
    """The file holding a plug-in's code: `path` (relative to the working directory) or the
    source file of the importable `module`; a ValueError naming the key when there is none."""
    if not module:
        file = Path(path)
        if not file.is_file():
            raise ValueError(f"plugin.path: no file {path!r} (relative to {Path.cwd()})")
        return file
    try:
        spec = importlib.util.find_spec(module)
    except Exception as error:  # a missing parent package, or one whose import fails
        raise ValueError(f"plugin.module: no module {module!r}: {error!r}") from None
    if spec is None or not spec.origin or not Path(spec.origin).is_file():
        raise ValueError(f"plugin.module: no module {module!r} with a source file importable here")
    return Path(spec.origin)


def file_hash(path: str | Path) -> str:
    """SHA-256 of the file's bytes, hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@functools.lru_cache(maxsize=32)
def load_function(path: str, function: str, sha256: str = "", module: str = "") -> Callable:
    """`function` of the Python file `path` (relative to the working directory) or, when
    given, of the importable `module`, loaded once per process and content. When `sha256` is
    given the source file must still have that content (it is part of the cache key, so an
    edited file is loaded afresh; a module is imported the usual way, once per process)."""
    key, source = ("module", module) if module else ("path", path)
    file = source_file(path, module)
    if sha256 and file_hash(file) != sha256:
        raise ValueError(f"plugin.{key}: {source!r} changed since the configuration was checked")
    if not module:
        name = f"reludeath_plugin_{hashlib.sha256(str(file.resolve()).encode()).hexdigest()}"
        spec = importlib.util.spec_from_file_location(name, file)
        if spec is None or spec.loader is None:
            raise ValueError(f"plugin.path: {path!r} cannot be imported as a Python file")
    try:
        if module:
            loaded = importlib.import_module(module)
        else:
            loaded = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(loaded)
    except Exception as error:
        raise ValueError(f"plugin.{key}: importing {source!r} failed: {error!r}") from error
    found = getattr(loaded, function, None)
    if not callable(found):
        names = sorted(
            name
            for name, value in vars(loaded).items()
            if inspect.isfunction(value) and not name.startswith("_")
        )
        raise ValueError(
            f"plugin.function: {source!r} has no function {function!r}; its functions: {names}"
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
    sources = [name for name in SOURCE_KEYS if name in entry]
    if len(sources) != 1:
        raise ValueError(
            f"{key}: give exactly one of {' or '.join(SOURCE_KEYS)}, got "
            f"{' and '.join(sources) if sources else 'neither'}"
        )
    if "function" not in entry:
        raise ValueError(f"{key}.function: required")
    values = {name: entry.get(name, default) for name, default in PLUGIN_KEYS.items()}
    for name in (*sources, "function"):
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
    (source,) = sources
    path, module, function = values["path"] or "", values["module"] or "", values["function"]
    try:
        sha256 = file_hash(source_file(path, module))
        found = load_function(path, function, sha256, module)
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
    label = plugin_label(path, function, module)
    return label, {
        source: values[source],
        "function": function,
        "sign_symmetric": values["sign_symmetric"],
        "bias": values["bias"],
        "options": tuple(sorted(options.items())),
        "sha256": sha256,
    }
