"""Any configuration the schema accepts either plans or is refused by the config checker,
naming a key: configurations drawn from the schema itself (hypothesis-jsonschema), the default
configuration changed one leaf at a time, and a few drawn ones dry-run through Snakemake."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis_jsonschema import from_schema

from reludeath.config import ConfigError
from reludeath.workflow_plan import checked_config, plan_workflow

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
DEFAULT = yaml.safe_load((ROOT / "config/config.yaml").read_text())
# A refusal names at least one key: 'deep.widths', 'schemes[2].plugin.path', ...
NAMED_KEY = re.compile(r"'[A-Za-z_][\w.]*(\[\d+\])*[\w.\[\]]*'")
# Sizes above these only make the plan longer (more shards), never different in kind.
SIZE_CAP = 48
LIST_CAP = 4


def bounded(schema: dict) -> dict:
    """`schema` with every integer at most SIZE_CAP above its minimum (depths and networks
    stay small enough to plan at once) and every list at most LIST_CAP long; ranges already
    tighter are kept."""
    out = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "integer" and "maximum" not in node:
                node["maximum"] = node.get("minimum", 0) + SIZE_CAP
            if node.get("type") == "array":
                node["maxItems"] = min(node.get("maxItems", LIST_CAP), LIST_CAP)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(out)
    return out


def check_and_plan(config: dict) -> str:
    """'planned' or 'refused'; any exception other than the checker's fails the test."""
    try:
        checked = checked_config(config, SCHEMA)
    except ConfigError as error:
        message = str(error)
        assert message.startswith("invalid configuration ("), message
        assert NAMED_KEY.search(message), message
        return "refused"
    plan = plan_workflow(checked)
    assert plan.widths == sorted(checked["widths"])
    assert {shard.label for shard in plan.shards} <= {*plan.labels.values(), "iid"}
    return "planned"


OUTCOMES: dict[str, int] = {}


@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(from_schema(bounded(SCHEMA)))
def test_every_config_the_schema_accepts_plans_or_is_refused_naming_a_key(config):
    outcome = check_and_plan(config)
    OUTCOMES[outcome] = OUTCOMES.get(outcome, 0) + 1


def test_the_drawn_configs_reach_both_outcomes():
    """The property above is not vacuous: some drawn configs plan and some are refused."""
    if not OUTCOMES:
        pytest.skip("run with the property test")
    assert OUTCOMES.get("planned", 0) >= 20 and OUTCOMES.get("refused", 0) >= 1, OUTCOMES


def _legal_values(schema: dict, default):
    """A few legal values of a leaf: its bounds, both booleans, every enum value, and for a list
    a short one and a long one."""
    kind = schema.get("type")
    if "enum" in schema:
        return list(schema["enum"])
    if kind == "boolean":
        return [True, False]
    if kind == "integer":
        low = schema.get("minimum", 0)
        return sorted({low, schema.get("maximum", low + 100), low + 1})
    if kind == "number":
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        values = []
        if low is not None:
            values.append(low if "minimum" in schema else low + 1e-6)
        if high is not None:
            values.append(high if "maximum" in schema else high - 1e-6)
        return values or [0.5, 10.0]
    if kind == "array" and isinstance(default, list) and default:
        items = schema.get("items", {})
        if items.get("type") == "integer":
            low = items.get("minimum", 0)
            high = items.get("maximum", low + 40)
            long = list(range(low, min(high, low + 39) + 1))
            return [[low], [high], long]
        if items.get("type") == "number":
            return [[v] for v in _legal_values(items, None)] + [
                default * 2 if not schema.get("uniqueItems") else default
            ]
        if "enum" in items:
            return [[items["enum"][0]], list(items["enum"])]
        return [default[:1], default]
    return []


def _leaf_changes():
    """(dotted key, changed config) for every leaf of the default config and legal value."""
    out = []

    def walk(config, schema, path):
        for name, sub in schema.get("properties", {}).items():
            if name not in config:
                continue
            value = config[name]
            if isinstance(value, dict) and sub.get("type") == "object" and "properties" in sub:
                walk(value, sub, (*path, name))
                continue
            for legal in _legal_values(sub, value):
                changed = copy.deepcopy(DEFAULT)
                node = changed
                for part in path:
                    node = node[part]
                node[name] = legal
                out.append((".".join((*path, name)) + f"={legal!r}"[:40], changed))

    walk(DEFAULT, SCHEMA, ())
    return out


LEAF_CHANGES = _leaf_changes()


def test_one_key_at_a_time_covers_every_leaf():
    changed = {key.split("=")[0] for key, _ in LEAF_CHANGES}
    assert len(changed) >= 100 and {"widths", "deep.depths", "path.p", "depth"} <= changed


@pytest.mark.parametrize(("key", "config"), LEAF_CHANGES, ids=[k for k, _ in LEAF_CHANGES])
def test_the_default_config_changed_one_key_at_a_time_plans_or_is_refused(key, config):
    check_and_plan(config)
