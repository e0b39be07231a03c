"""Check a workflow configuration, with messages a user can act on.

Three steps, one error: the JSON schema (types, ranges, names), then the defaults (fixed ones
from the schema, derived ones from other keys: `DERIVED`), then the rules that span keys or
sections (`RULES`, and the rules a caller adds). Every problem names the key (dotted, with list
indices), its value and what the key allows; all problems are reported at once. Snakemake-free,
so it is tested alone.
"""

from __future__ import annotations

import copy
import difflib
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import jsonschema
import yaml

from reludeath.bounds import path_width

_NOUNS = {
    "integer": ("an integer", "integers"),
    "number": ("a number", "numbers"),
    "string": ("a string", "strings"),
    "boolean": ("true or false", "true or false values"),
    "object": ("a mapping", "mappings"),
}
_TYPE_NAMES = {
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "a boolean",
    "list": "a list",
    "dict": "a mapping",
    "NoneType": "empty",
}


class ConfigError(ValueError):
    """The configuration breaks the schema; the message lists every problem."""


@dataclass(frozen=True)
class Problem:
    """One broken cross-key rule: the key, its value and what it allows (or, for a library's
    refusal, its own words, which say what is wrong)."""

    key: str
    value: Any
    allowed: str = ""
    reason: str = ""

    def __str__(self) -> str:
        text = f"'{self.key}' is {_show(self.value)}"
        text += f": {self.reason}" if self.reason else ""
        return text + (f"; allowed: {self.allowed}" if self.allowed else "")


# A rule that spans keys: the problems of a checked configuration with its defaults filled in.
Rule = Callable[[dict], Iterable[Problem]]


def check_config(config: Any, schema: dict, rules: Sequence[Rule] = ()) -> dict:
    """Return `config` with every default filled in, or raise ConfigError listing every problem.

    The schema first; then its defaults and the derived ones (`DERIVED`, for keys the user left
    out); then the cross-key `RULES` and `rules`. Integral floats given for integer keys
    (``depth: 256.0``) become ints, and strings that are float literals given where the schema
    wants a number (``1e-3``, which YAML 1.1 reads as a string) become floats
    (`numbers_from_strings`).
    """
    if not isinstance(config, dict):
        raise ConfigError(f"the configuration must be a mapping of keys, got {_show(config)}")
    config = numbers_from_strings(config, schema)
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: [str(p) for p in e.path])
    if errors:
        raise ConfigError(_listing([_explain(error) for error in errors]))
    filled = with_derived_defaults(_with_defaults(copy.deepcopy(config), schema), config)
    problems = [str(problem) for rule in (*RULES, *rules) for problem in rule(filled)]
    if problems:
        raise ConfigError(_listing(problems))
    return filled


def _listing(problems: list[str]) -> str:
    count = f"{len(problems)} problem" + ("s" if len(problems) > 1 else "")
    return f"invalid configuration ({count}):\n" + "\n".join(f"  - {p}" for p in problems)


def problems_from(error: ValueError, key: str, config: dict) -> list[Problem]:
    """A library's ValueError about `key` as a Problem. A message that starts with a key below
    it ('schemes[2].plugin.path: no file ...') names that key and its value."""
    message = str(error)
    head, sep, rest = message.partition(": ")
    if sep and head.startswith(key) and re.fullmatch(r"[A-Za-z_][\w.\[\]]*", head):
        return [Problem(head, value_at(config, head), reason=rest)]
    return [Problem(key, value_at(config, key), reason=message)]


def value_at(config: dict, key: str) -> Any:
    """The value of a dotted key with list indices ('schemes[2].plugin.path'), or None."""
    value: Any = config
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", key):
        try:
            value = value[int(index)] if index else value[name]
        except (KeyError, IndexError, TypeError):
            return None
    return value


# ---- derived defaults: keys whose default follows other keys ----------------------------------

# Widths the deep family adds beyond the paper's grid (its Figure 2 reaches n = 34).
DEEP_REACH = range(16, 35)
# The kernel's widest network.
MAX_WIDTH = 64


def grid_iid_widths(config: dict) -> list[int]:
    """The widths whose iid networks the grid simulates (none when iid is not a grid scheme)."""
    return sorted(config["widths"]) if "iid" in config["schemes"] else []


def path_needs(p: Sequence[float], depths: Iterable[int]) -> list[int]:
    """Every width ceil(n(k, p)) for p in `p` and k in `depths`, sorted."""
    return sorted({int(n) for k in depths for n in path_width(int(k), list(p))})


def default_deep_widths(config: dict) -> list[int]:
    """deep.widths left unset: every width the path needs at deep.depths (path.p) and every
    width of 16..34 that the grid lacks, up to 64."""
    needed = path_needs(config["path"]["p"], config["deep"]["depths"])
    wanted = set(needed) | set(DEEP_REACH)
    return sorted(n for n in wanted - set(grid_iid_widths(config)) if n <= MAX_WIDTH)


def default_path_depth(config: dict) -> int:
    """path.depth left unset: the grid's depth."""
    return int(config["depth"])


# {key path: its default as a function of the (otherwise filled) configuration}, in order.
DERIVED: dict[tuple[str, ...], Callable[[dict], Any]] = {
    ("path", "depth"): default_path_depth,
    ("deep", "widths"): default_deep_widths,
}


def with_derived_defaults(filled: dict, given: dict) -> dict:
    """`filled` with each DERIVED key that `given` (the user's configuration) leaves out set
    from the other keys."""
    for path, derive in DERIVED.items():
        *parents, name = path
        source = given
        for part in parents:
            source = source.get(part, {}) if isinstance(source, dict) else {}
        target = filled
        for part in parents:
            target = target[part]
        if name not in source:
            target[name] = derive(filled)
    return filled


def derived_keys(given: dict) -> list[str]:
    """The dotted DERIVED keys that `given` leaves out (whose values were derived)."""
    out = []
    for path in DERIVED:
        source = given
        for part in path:
            source = source.get(part) if isinstance(source, dict) else None
        if source is None:
            out.append(".".join(path))
    return out


# ---- rules that span keys ---------------------------------------------------------------------


def path_width_rule(config: dict) -> list[Problem]:
    """The path experiment's widths, ceil(n(k, p)) for k <= path.depth, are at most 64."""
    depth = config["path"]["depth"]
    wide = [p for p in config["path"]["p"] if int(path_width(depth, p)) > MAX_WIDTH]
    return (
        [
            Problem(
                "path.p",
                config["path"]["p"],
                f"probabilities whose path width at path.depth = {depth} is at most {MAX_WIDTH} "
                f"(p = {', '.join(map(str, wide))} needs n = "
                f"{', '.join(str(int(path_width(depth, p))) for p in wide)})",
            )
        ]
        if wide
        else []
    )


def deep_width_rule(config: dict) -> list[Problem]:
    """With the deep family on: the path's widths at deep.depths are at most 64, and deep.widths
    holds every one of them the grid lacks and no width the grid has."""
    deep = config["deep"]
    if not deep["enabled"]:
        return []
    problems = []
    needed = path_needs(config["path"]["p"], deep["depths"])
    too_wide = [n for n in needed if n > MAX_WIDTH]
    if too_wide:
        problems.append(
            Problem(
                "path.p",
                config["path"]["p"],
                f"probabilities whose path width at every depth of deep.depths "
                f"({_show(deep['depths'])}) is at most {MAX_WIDTH}; they need n = "
                f"{_show(too_wide)} (lower path.p or the largest deep.depths, or set "
                "deep.enabled: false)",
            )
        )
    grid = set(grid_iid_widths(config))
    overlap = sorted(set(deep["widths"]) & grid)
    missing = sorted(set(needed) - grid - set(deep["widths"]) - set(too_wide))
    if overlap or missing:
        why = []
        if overlap:
            why.append(f"{_show(overlap)} are grid widths, simulated by the grid's iid shards")
        if missing:
            why.append(f"{_show(missing)} are path widths (path.p, deep.depths) it lacks")
        problems.append(
            Problem(
                "deep.widths",
                deep["widths"],
                "widths the grid's iid networks lack, holding every path width the grid "
                f"lacks; {' and '.join(why)} (leave deep.widths out to derive it)",
            )
        )
    return problems


# The cross-key rules about the configuration's own numbers; callers add the rest.
RULES: tuple[Rule, ...] = (path_width_rule, deep_width_rule)


def typed_leaves(value: Any) -> Any:
    """Re-read the strings inside `value` as YAML scalars: '[1, 2]' from Snakemake's --config
    arrives as ['1', '2'] (its YAML base loader), which the schema would rightly refuse."""
    if isinstance(value, dict):
        return {key: typed_leaves(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed_leaves(item) for item in value]
    if isinstance(value, str):
        try:
            return yaml.safe_load(value)
        except yaml.YAMLError:
            return value
    return value


_FLOAT_LITERAL = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def numbers_from_strings(value: Any, schema: dict) -> Any:
    """`value` with every string that is a finite float literal (``1e-3``, ``-2.5E+4``) made a
    float where `schema` wants a number and does not allow a string, at any depth (object
    properties, additionalProperties, array items, the one oneOf/anyOf branch that fits the
    value). YAML 1.1, which Snakemake and PyYAML read, takes ``1e-3`` for a string (its floats
    need a dot: ``1.0e-3``). Anything else is returned as it is, for the schema to judge."""
    branches = schema.get("oneOf", schema.get("anyOf"))
    if branches is not None:
        branch = _branch_for(value, branches)
        return value if branch is None else numbers_from_strings(value, branch)
    if isinstance(value, str):
        kinds = _types(schema)
        if "number" in kinds and "string" not in kinds and _FLOAT_LITERAL.fullmatch(value):
            number = float(value)
            return number if math.isfinite(number) else value
        return value
    if isinstance(value, dict):
        known = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        extra = extra if isinstance(extra, dict) else {}
        return {
            key: numbers_from_strings(item, known.get(key, extra)) for key, item in value.items()
        }
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [numbers_from_strings(item, schema["items"]) for item in value]
    return value


def _types(schema: dict) -> list[str]:
    kinds = schema.get("type", [])
    return [kinds] if isinstance(kinds, str) else list(kinds)


def _branch_for(value: Any, branches: list[dict]) -> dict | None:
    """The one branch of a oneOf/anyOf whose type fits `value` (for a string: a string branch,
    else a number branch, which may take it as a float literal), or None."""
    wanted = ["string", "number"] if isinstance(value, str) else []
    wanted = wanted or [k for k, kind in _JSON_TYPES.items() if isinstance(value, kind)]
    for kind in wanted:
        fitting = [branch for branch in branches if kind in _types(branch)]
        if fitting:
            return fitting[0] if len(fitting) == 1 else None
    return None


def describe(schema: dict, plural: bool = False) -> str:
    """What a schema allows, in words: 'a non-empty list of distinct integers from 1 to 64'."""
    if "oneOf" in schema:
        if all(list(option) == ["required"] for option in schema["oneOf"]):  # one key of some
            keys = ", ".join(key for option in schema["oneOf"] for key in option["required"])
            return f"{_NOUNS['object'][plural]} with exactly one of the keys {keys}"
        return " or ".join(describe(option, plural) for option in schema["oneOf"])
    if "enum" in schema:
        values = ", ".join(_show(v) for v in schema["enum"])
        return f"values from {values}" if plural else f"one of {values}"
    kind = schema.get("type", "")
    if kind == "array":
        size = "non-empty list" if schema.get("minItems", 0) >= 1 else "list"
        words = ["lists" if plural else f"a {size}", "of"]
        if schema.get("uniqueItems"):
            words.append("distinct")
        return " ".join([*words, describe(schema.get("items", {}), plural=True)])
    if kind == "object":
        keys = ", ".join(schema.get("properties", {}))
        return f"{_NOUNS['object'][plural]} with keys {keys}"
    if isinstance(kind, list):
        return " or ".join(_NOUNS.get(k, ("a value", "values"))[plural] for k in kind)
    noun = _NOUNS.get(kind, ("a value", "values"))[plural]
    return f"{noun}{_range(schema)}"


def _range(schema: dict) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    xlow, xhigh = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if xlow is not None and xhigh is not None:
        return f" in the open interval ({xlow}, {xhigh})"
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if low is not None and xhigh is not None:
        return f" in the half-open interval [{low}, {xhigh})"
    if low is not None:
        return f" >= {low}"
    if xlow is not None:
        return f" > {xlow}"
    return ""


def _explain(error: jsonschema.ValidationError) -> str:
    """One line: the key, what is wrong with it, and what it allows."""
    key = _key(error.absolute_path)
    where = f"'{key}'" if key else "the top level"
    if error.validator == "additionalProperties":
        known = list(error.schema.get("properties", {}))
        unknown = [k for k in error.instance if k not in known]
        lines = []
        for name in unknown:
            full = _key([*error.absolute_path, name])
            close = difflib.get_close_matches(str(name), known, n=1)
            hint = f" (did you mean '{_key([*error.absolute_path, close[0]])}'?)" if close else ""
            lines.append(f"unknown key '{full}'{hint}; allowed keys at {where}: {', '.join(known)}")
        return "\n  - ".join(lines)
    if error.validator == "required":
        name = error.message.split("'")[1]
        sub = error.schema["properties"][name]
        full = _key([*error.absolute_path, name])
        return f"missing key '{full}': required, {describe(sub)} ({sub.get('description', '')})"
    inner = _branch_error(error)
    if inner is not None:
        return _explain(inner)
    allowed = describe(error.schema)
    if error.validator == "uniqueItems":
        seen, repeated = set(), []
        for item in error.instance:
            if item in seen:
                repeated.append(item)
            seen.add(item)
        return f"{where} repeats {_show(repeated[0])}; allowed: {allowed}"
    if error.validator == "minItems":
        return f"{where} is empty; allowed: {allowed}"
    if error.validator == "type":
        kind = _TYPE_NAMES.get(type(error.instance).__name__, type(error.instance).__name__)
        return f"{where} is {_show(error.instance)}, {kind}; allowed: {allowed}"
    return f"{where} is {_show(error.instance)}; allowed: {allowed}"


_JSON_TYPES = {"object": dict, "string": str, "array": list, "boolean": bool}


def _branch_error(error: jsonschema.ValidationError) -> jsonschema.ValidationError | None:
    """For a oneOf whose value has the type of exactly one branch (a mapping among names and
    mappings), that branch's deepest error below the value itself, which names the inner
    key (e.g. 'schemes[2].plugin.colour'); else None."""
    if error.validator != "oneOf" or not error.context:
        return None
    branches = [
        index
        for index, option in enumerate(error.validator_value)
        if isinstance(error.instance, _JSON_TYPES.get(option.get("type"), ()))
    ]
    if len(branches) != 1:
        return None
    inner = [
        e
        for e in error.context
        if e.relative_schema_path[0] == branches[0] and len(e.absolute_path) > len(error.path)
    ]
    return max(inner, key=lambda e: len(e.absolute_path)) if inner else None


def _key(path) -> str:
    """['path', 'p', 0] -> 'path.p[0]'."""
    key = ""
    for part in path:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key


def _show(value: Any) -> str:
    """A value as it reads in YAML: 'text', true, null, 12, [1, 2]."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def _with_defaults(config: dict, schema: dict) -> dict:
    """Fill missing keys from the schema's defaults, recursively (object properties, array
    items, and the one oneOf/anyOf branch whose type fits a value: a scheme's options, a
    plug-in's keys); integral floats -> int where the schema wants an integer."""
    for name, sub in schema.get("properties", {}).items():
        if name not in config and "default" in sub:
            config[name] = copy.deepcopy(sub["default"])
        if name in config:
            config[name] = _filled(config[name], sub)
    return config


def _filled(value: Any, schema: dict) -> Any:
    """`value` with the defaults of `schema` (and of the branch that fits it) filled in."""
    branches = schema.get("oneOf", schema.get("anyOf"))
    if branches is not None and (branch := _branch_for(value, branches)) is not None:
        value = _filled(value, branch)
    kinds = _types(schema)
    if isinstance(value, dict) and ("object" in kinds or "properties" in schema):
        return _with_defaults(value, schema)
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_filled(item, schema["items"]) for item in value]
    if kinds == ["integer"] and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def resolved_text(config: dict, derived: Sequence[str]) -> str:
    """The checked configuration as YAML, headed by the keys whose values were derived and what
    they resolved to: what "default" meant for this run."""
    lines = ["# The configuration this run used: every default filled in."]
    for key in derived:
        value = config
        for part in key.split("."):
            value = value[part]
        lines.append(f"# derived: {key} = {_show(value)}")
    return "\n".join(lines) + "\n" + yaml.safe_dump(config, sort_keys=False)
