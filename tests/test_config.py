"""The configuration check: every bad config is refused with the key and its allowed values."""

from pathlib import Path

import pytest
import yaml
from bad_configs import BAD_CONFIGS, apply

from reludeath.config import DERIVED, ConfigError, check_config, derived_keys, describe
from reludeath.workflow_plan import checked_config

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
DEFAULT = yaml.safe_load((ROOT / "config/config.yaml").read_text())
DEEP_REACH = list(range(16, 35))


def _leaves(value, prefix=()):
    """{key path: value} of every leaf of a nested mapping (lists are leaves)."""
    if isinstance(value, dict):
        return {
            k: v for name, item in value.items() for k, v in _leaves(item, (*prefix, name)).items()
        }
    return {prefix: value}


def test_default_config_holds_the_schema_defaults_and_no_derived_key():
    """config/config.yaml spells out the schema's fixed defaults, every one of them, and leaves
    the derived keys out, so that they follow the user's other keys."""
    written = _leaves(DEFAULT)
    assert not set(DERIVED) & set(written)
    assert derived_keys(DEFAULT) == [".".join(key) for key in DERIVED]
    defaults = _leaves(check_config({"seed": DEFAULT["seed"]}, SCHEMA))
    assert {k: v for k, v in defaults.items() if k not in DERIVED} == written


def test_default_config_resolves_to_the_paper_study():
    config = check_config(DEFAULT, SCHEMA)
    assert config["deep"]["widths"] == DEEP_REACH
    assert config["path"]["depth"] == config["depth"] == 256
    assert {k: v for k, v in _leaves(config).items() if k not in DERIVED} == _leaves(DEFAULT)


def test_derived_keys_have_no_schema_default():
    for path in DERIVED:
        node = SCHEMA
        for part in path:
            node = node["properties"][part]
        assert "default" not in node and "Derived when left out" in node["description"], path


def test_deep_widths_are_the_widths_the_grid_lacks():
    short = check_config(dict(DEFAULT, widths=list(range(1, 11))), SCHEMA)["deep"]["widths"]
    assert short == [11, 12, 13, 14, *DEEP_REACH]  # 11..14: the path at k = 256, p = 0.1..0.9
    assert (
        check_config(dict(DEFAULT, widths=list(range(1, 17))), SCHEMA)["deep"]["widths"]
        == (DEEP_REACH[1:])
    )
    assert check_config(dict(DEFAULT, widths=[20, 24]), SCHEMA)["deep"]["widths"] == sorted(
        {*range(7, 15), *DEEP_REACH} - {20, 24}  # 7..14: the path at k = 256, p = 0.1..0.9
    )
    assert check_config(dict(DEFAULT, widths=list(range(1, 41))), SCHEMA)["deep"]["widths"] == []
    # without iid in the grid, the grid simulates no iid network the deep family could use
    no_iid = check_config(dict(DEFAULT, schemes=["rai"], widths=[16]), SCHEMA)
    assert 16 in no_iid["deep"]["widths"]


def test_a_deep_widths_list_the_user_writes_keeps_its_meaning():
    given = [*DEEP_REACH, 40]
    config = check_config(dict(DEFAULT, deep={**DEFAULT["deep"], "widths": given}), SCHEMA)
    assert config["deep"]["widths"] == given


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"deep": {"widths": [15, *DEEP_REACH]}}, "[15] are grid widths"),
        (
            {"widths": list(range(1, 11)), "deep": {"widths": DEEP_REACH}},
            "[11, 12, 13, 14] are path",
        ),
        ({"path": {"p": [0.5, 1 - 1e-12]}}, "'path.p' is [0.5, 0.999999999999]"),
        ({"deep": {"depths": [5 * 10**18]}}, "deep.depths ([5000000000000000000])"),
    ],
    ids=["overlap", "missing-path-widths", "path-above-64", "deep-path-above-64"],
)
def test_cross_key_rules_name_key_value_and_what_is_allowed(overrides, message):
    with pytest.raises(ConfigError, match=r"invalid configuration \(\d problems?\)") as error:
        check_config(apply(DEFAULT, overrides), SCHEMA)
    assert message in str(error.value) and "allowed:" in str(error.value), str(error.value)


def test_cross_key_rules_are_off_with_the_family():
    config = check_config(
        apply(DEFAULT, {"deep": {"enabled": False, "depths": [5 * 10**18]}}), SCHEMA
    )
    assert config["deep"]["enabled"] is False


def test_path_depth_follows_depth_unless_set():
    assert check_config(dict(DEFAULT, depth=32), SCHEMA)["path"]["depth"] == 32
    config = check_config(dict(DEFAULT, depth=32, path={"p": [0.5], "depth": 64}), SCHEMA)
    assert config["path"]["depth"] == 64


def test_defaults_fill_missing_keys_recursively():
    config = check_config({"seed": 1, "path": {"p": [0.5]}, "depth": 12.0}, SCHEMA)
    assert config["path"] == {"p": [0.5], "depth": 12}
    assert config["figures"] == {"formats": ["png"], "dpi": 150}
    assert config["depth"] == 12 and isinstance(config["depth"], int)
    assert config["widths"] == list(range(1, 16))


@pytest.mark.parametrize(
    ("overrides", "key", "allowed"), [c[1:] for c in BAD_CONFIGS], ids=[c[0] for c in BAD_CONFIGS]
)
def test_bad_config_names_key_and_allowed_values(overrides, key, allowed):
    with pytest.raises(ConfigError) as error:
        check_config(apply(DEFAULT, overrides), SCHEMA)
    message = str(error.value)
    assert key in message and allowed in message, message


def test_the_workflow_s_checker_refuses_every_bad_config_the_same_way():
    """checked_config, which the workflow calls while parsing (workflow/rules/common.smk),
    refuses every bad config with the same key and allowed values; end to end, the three
    paths (schema, cross-key, plug-in) are refused before any job by
    tests/workflow/test_reliability.py."""
    for name, overrides, key, allowed in BAD_CONFIGS:
        with pytest.raises(ConfigError) as error:
            checked_config(apply(DEFAULT, overrides), SCHEMA)
        message = str(error.value)
        assert key in message and allowed in message, (name, message)


def test_every_problem_is_reported_at_once():
    with pytest.raises(ConfigError, match=r"3 problems") as error:
        check_config(dict(DEFAULT, depth=0, networks="x", colour="red"), SCHEMA)
    assert all(key in str(error.value) for key in ("'depth'", "'networks'", "'colour'"))


def test_not_a_mapping_is_refused():
    with pytest.raises(ConfigError, match="must be a mapping"):
        check_config([1, 2], SCHEMA)


def test_table_is_large_enough():
    assert len(BAD_CONFIGS) >= 20
    assert len({case[0] for case in BAD_CONFIGS}) == len(BAD_CONFIGS)


def test_describe():
    assert describe(SCHEMA["properties"]["widths"]) == (
        "a non-empty list of distinct integers from 1 to 64"
    )
    assert describe(SCHEMA["properties"]["seed"]) == "an integer >= 0"


def test_scheme_entries_take_options_and_labels():
    from reludeath.schemes import configured_schemes

    schemes = configured_schemes(["iid", "iid_bias", "rai"])
    assert schemes["iid"] == ({}, "iid")
    assert schemes["iid_bias"] == ({"bias_std": 1.0}, "iid_bias-bias_std1")
    custom = configured_schemes([{"iid_bias": {"bias_std": 0.5}}])
    assert custom["iid_bias"] == ({"bias_std": 0.5}, "iid_bias-bias_std0.5")
    with pytest.raises(ValueError, match="appears twice"):
        configured_schemes(["iid_bias", {"iid_bias": {"bias_std": 2}}])
    config = check_config(dict(DEFAULT, schemes=[{"iid_bias": {"bias_std": 2}}]), SCHEMA)
    assert config["schemes"] == [{"iid_bias": {"bias_std": 2}}]


def test_the_schemas_scheme_options_are_the_schemes_own():
    """Each option the schema lets a `schemes` entry set is a field the scheme declares in its
    config_options, with the field's default: the schema describes, the class defines."""
    from dataclasses import fields

    from reludeath.schemes import SCHEMES

    branch = next(b for b in SCHEMA["properties"]["schemes"]["items"]["oneOf"] if "properties" in b)
    declared = {name: entry["properties"] for name, entry in branch["properties"].items()}
    declared.pop("plugin")
    classes = {name: cls for name, cls in SCHEMES.items() if cls.config_options}
    assert set(declared) == set(classes)
    for name, options in declared.items():
        defaults = {f.name: f.default for f in fields(classes[name])}
        assert list(options) == list(classes[name].config_options), name
        assert {key: option["default"] for key, option in options.items()} == {
            key: defaults[key] for key in options
        }, name


def test_defaults_fill_the_branch_that_fits_each_entry():
    """A scheme's options and a plug-in's keys take the schema's defaults (oneOf branches)."""
    entry = {"plugin": {"module": "reludeath.examples.truncated_normal", "function": "draw"}}
    config = check_config(dict(DEFAULT, schemes=["iid", {"iid_bias": {}}, entry]), SCHEMA)
    assert config["schemes"][:2] == ["iid", {"iid_bias": {"bias_std": 1.0}}]
    assert config["schemes"][2]["plugin"] == {
        **entry["plugin"], "sign_symmetric": False, "bias": True, "options": {},
    }  # fmt: skip


def test_float_literals_read_by_yaml_as_strings_become_numbers():
    text = (
        "near_constant: {tolerances: [1e-3, 1e-5]}\nschemes: [iid, {iid_bias: {bias_std: 5e-1}}]\n"
    )
    overrides = yaml.safe_load(text)
    assert overrides["near_constant"]["tolerances"] == ["1e-3", "1e-5"]  # YAML 1.1
    config = check_config(dict(DEFAULT, **overrides), SCHEMA)
    assert config["near_constant"]["tolerances"] == [1e-3, 1e-5]
    assert all(type(tau) is float for tau in config["near_constant"]["tolerances"])
    assert config["schemes"][1] == {"iid_bias": {"bias_std": 0.5}}
    assert overrides["near_constant"]["tolerances"] == ["1e-3", "1e-5"]  # input untouched


@pytest.mark.parametrize("text", ["abc", "nan", "inf", "1e-3x", "1_0e-3", " 1e-3"])
def test_strings_that_are_not_finite_float_literals_are_refused_naming_the_key(text):
    with pytest.raises(ConfigError) as error:
        check_config(dict(DEFAULT, near_constant={"tolerances": [1e-3, text]}), SCHEMA)
    message = str(error.value)
    assert "'near_constant.tolerances[1]'" in message and "a string" in message, message


def test_strings_stay_strings_where_the_schema_allows_a_string():
    plugin = {"path": "draw.py", "function": "draw", "options": {"scale": "1e-3"}}
    config = check_config(dict(DEFAULT, schemes=[{"plugin": plugin}]), SCHEMA)
    assert config["schemes"][0]["plugin"]["options"] == {"scale": "1e-3"}
