"""The configuration schema and a bounded copy of it to draw configurations from (a plain
module: tests/test_config_properties.py and tests/workflow/test_drawn_configs.py share it)."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
DEFAULT = yaml.safe_load((ROOT / "config/config.yaml").read_text())
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
