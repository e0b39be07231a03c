"""Any configuration the schema accepts either plans or is refused by the config checker,
naming a key: configurations drawn from the schema itself (hypothesis-jsonschema), the default
configuration changed one leaf at a time, and a few drawn ones dry-run through Snakemake."""

from __future__ import annotations

import copy
import re

import pytest
from config_helpers import DEFAULT, SCHEMA, bounded
from hypothesis import HealthCheck, given, settings
from hypothesis_jsonschema import from_schema

from reludeath.config import ConfigError
from reludeath.workflow_plan import checked_config, plan_workflow

# A refusal names at least one key: 'deep.widths', 'schemes[2].plugin.path', ...
NAMED_KEY = re.compile(r"'[A-Za-z_][\w.]*(\[\d+\])*[\w.\[\]]*'")


def check_and_plan(config: dict, changed: str | None = None) -> str:
    """'planned' or 'refused'; any exception other than the checker's fails the test, and so
    does a refusal that does not name the `changed` key (the one the user touched)."""
    try:
        checked = checked_config(config, SCHEMA)
    except ConfigError as error:
        message = str(error)
        assert message.startswith("invalid configuration ("), message
        assert NAMED_KEY.search(message), message
        assert changed is None or f"'{changed}" in message, message
        return "refused"
    plan = plan_workflow(checked)
    assert plan.widths == sorted(checked["widths"])
    assert {shard.label for shard in plan.shards} <= {*plan.labels.values(), "iid"}
    # every job is one the rules can run: widths 1..64, depths and networks >= 1
    assert all(1 <= s.width <= 64 and s.depth >= 1 and s.networks >= 1 for s in plan.shards)
    assert all(1 <= r.n <= 64 and r.depth >= 4 for runs in plan.deep_bundles.values() for r in runs)
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
    """A change to one key plans, or is refused naming that key: no other key's fixed default
    stands in the way of the user's change."""
    check_and_plan(config, changed=key.split("=")[0])
