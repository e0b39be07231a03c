"""config/README.md's key tables against the schema: every key the schema knows has a row, every
row names a key the schema knows, and where a row's default column is a plain value it is the
schema's default."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).parent.parent
SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
ROW = re.compile(r"^\| `([^`]+)` \| ([^|]*) \| ([^|]*) \|")
# Rows about a part of an entry rather than a key (the plug-in form of a `schemes` entry).
ENTRY_ROWS = {"schemes[i].plugin"}


def schema_leaves(schema: dict, prefix: str = "") -> dict[str, dict]:
    """{dotted key: its schema} of every key below the objects with properties."""
    if schema.get("type") == "object" and "properties" in schema:
        out: dict[str, dict] = {}
        for name, sub in schema["properties"].items():
            out |= schema_leaves(sub, f"{prefix}.{name}" if prefix else name)
        return out
    return {prefix: schema}


def table_rows() -> dict[str, tuple[str, str]]:
    """{key: (type column, default column)} of the key tables: those headed
    `| key | type | default | meaning |` (the derived-defaults table has other columns)."""
    rows, in_key_table = {}, False
    for line in (ROOT / "config/README.md").read_text().splitlines():
        if line.startswith("| key |"):
            in_key_table = line.replace(" ", "") == "|key|type|default|meaning|"
        elif not line.startswith("|"):
            in_key_table = False
        elif in_key_table and (match := ROW.match(line)):
            key, kind, default = match.groups()
            assert key not in rows, f"config/README.md: {key} has two rows"
            rows[key] = (kind.strip(), default.strip())
    return rows


LEAVES = schema_leaves(SCHEMA)
ROWS = table_rows()


def test_every_schema_key_has_a_row():
    assert sorted(set(LEAVES) - set(ROWS)) == []


def test_every_row_is_a_schema_key():
    assert sorted(set(ROWS) - set(LEAVES) - ENTRY_ROWS) == []


def _plain(text: str):
    """The default column as a value (10^9 read as 1000000000), or None where it is words
    ('the first five', 'both')."""
    text = re.sub(r"10\^(\d+)", lambda power: str(10 ** int(power.group(1))), text)
    try:
        value = yaml.safe_load(text.replace("`", ""))
    except yaml.YAMLError:
        return None
    return value if isinstance(value, (bool, int, float, list)) else None


def test_plain_defaults_are_the_schemas():
    checked, wrong = 0, []
    for key, (_, column) in ROWS.items():
        value = _plain(column)
        if key in LEAVES and "default" in LEAVES[key] and value is not None:
            checked += 1
            if value != LEAVES[key]["default"]:
                wrong.append((key, column, LEAVES[key]["default"]))
    assert wrong == []
    assert checked >= 90  # most rows state their default plainly (98 do)
