"""The configuration check: every bad config is refused with the key and its allowed values."""

from pathlib import Path

import pytest
import yaml
from bad_configs import BAD_CONFIGS, apply

from reludeath.config import ConfigError, check_config, describe

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
DEFAULT = yaml.safe_load((ROOT / "config/config.yaml").read_text())


def test_default_config_passes_unchanged():
    assert check_config(DEFAULT, SCHEMA) == DEFAULT


def test_defaults_fill_missing_keys_recursively():
    config = check_config({"seed": 1, "path": {"p": [0.5]}, "depth": 12.0}, SCHEMA)
    assert config["path"] == {"p": [0.5], "depth": 256}
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
