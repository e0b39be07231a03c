"""Bad configurations, each with the key its error must name and what that key allows.

Each case overrides top-level keys of the default config/config.yaml; DELETE removes a key.
"""

from __future__ import annotations

DELETE = object()
SCHEMES = (
    "'iid', 'iid_bias', 'batchnorm', 'signflip', 'rai', 'uniform', 'torch_default', "
    "'orthogonal', 'const_bias'"
)
OPEN_UNIT = "a number in the open interval (0, 1)"
HALF_OPEN = "a number in the half-open interval [0, 1)"

# (id, overrides, key named, allowed values named)
BAD_CONFIGS = [
    (
        "deep-width-65",
        {"deep": {"widths": [16, 65]}},
        "'deep.widths[1]'",
        "an integer from 1 to 64",
    ),
    ("deep-networks-one", {"deep": {"networks": 1}}, "'deep.networks'", "an integer >= 2"),
    ("deep-replicates-low", {"deep": {"replicates": 10}}, "'deep.replicates'", "an integer >= 100"),
    ("deep-depths-zero", {"deep": {"depths": [0]}}, "'deep.depths[0]'", "an integer >= 1"),
    (
        "deep-m-sweep-points-zero",
        {"deep": {"m_sweep": {"data_points": [0]}}},
        "'deep.m_sweep.data_points[0]'",
        "an integer >= 1",
    ),
    ("deep-unknown-key", {"deep": {"width": [16]}}, "'deep'", "width"),
    ("depth-string", {"depth": "12"}, "'depth'", "an integer >= 1"),
    ("depth-float", {"depth": 12.5}, "'depth'", "an integer >= 1"),
    ("depth-zero", {"depth": 0}, "'depth'", "an integer >= 1"),
    ("depth-negative", {"depth": -5}, "'depth'", "an integer >= 1"),
    ("depth-null", {"depth": None}, "'depth'", "an integer >= 1"),
    ("networks-bool", {"networks": True}, "'networks'", "an integer >= 1"),
    ("networks-zero", {"networks": 0}, "'networks'", "an integer >= 1"),
    ("data-points-zero", {"data_points": 0}, "'data_points'", "an integer >= 1"),
    ("shard-networks-negative", {"shard_networks": -1}, "'shard_networks'", "an integer >= 1"),
    ("seed-negative", {"seed": -1}, "'seed'", "an integer >= 0"),
    ("seed-missing", {"seed": DELETE}, "'seed'", "required, an integer >= 0"),
    ("widths-string", {"widths": "1,2,3"}, "'widths'", "a non-empty list of distinct integers"),
    ("width-zero", {"widths": [0, 1]}, "'widths[0]'", "an integer from 1 to 64"),
    ("width-above-64", {"widths": [1, 65]}, "'widths[1]'", "an integer from 1 to 64"),
    (
        "widths-duplicate",
        {"widths": [3, 3]},
        "'widths' repeats 3",
        "distinct integers from 1 to 64",
    ),
    ("widths-empty", {"widths": []}, "'widths' is empty", "a non-empty list"),
    ("scheme-unknown", {"schemes": ["iid", "xavier"]}, "'schemes[1]'", f"one of {SCHEMES}"),
    ("schemes-string", {"schemes": "iid"}, "'schemes'", f"values from {SCHEMES}"),
    ("schemes-empty", {"schemes": []}, "'schemes' is empty", f"values from {SCHEMES}"),
    (
        "bias-std-zero",
        {"schemes": ["iid", {"iid_bias": {"bias_std": 0}}]},
        "'schemes[1].iid_bias.bias_std'",
        "a number > 0",
    ),
    (
        "scheme-two-keys",
        {"schemes": [{"iid_bias": {}, "rai": {}}]},
        "'schemes[0]'",
        f"one of {SCHEMES}",
    ),
    ("p-zero", {"path": {"p": [0.0]}}, "'path.p[0]'", OPEN_UNIT),
    ("p-one", {"path": {"p": [1]}}, "'path.p[0]'", OPEN_UNIT),
    ("p-above-one", {"path": {"p": [0.5, 1.5]}}, "'path.p[1]'", OPEN_UNIT),
    ("p-empty", {"path": {"p": []}}, "'path.p' is empty", "distinct numbers in the open"),
    (
        "tau-zero",
        {"near_constant": {"tolerances": [0]}},
        "'near_constant.tolerances[0]'",
        OPEN_UNIT,
    ),
    (
        "tau-one",
        {"near_constant": {"tolerances": [1e-3, 1.0]}},
        "'near_constant.tolerances[1]'",
        OPEN_UNIT,
    ),
    (
        "tau-string",
        {"near_constant": {"tolerances": ["abc"]}},
        "'near_constant.tolerances[0]'",
        OPEN_UNIT,
    ),
    (
        "tau-empty",
        {"near_constant": {"tolerances": []}},
        "'near_constant.tolerances' is empty",
        "distinct numbers in the open",
    ),
    (
        "tau-duplicate",
        {"near_constant": {"tolerances": [1e-3, 1e-3]}},
        "'near_constant.tolerances' repeats",
        "distinct numbers",
    ),
    ("path-depth-zero", {"path": {"depth": 0}}, "'path.depth'", "an integer >= 1"),
    ("path-list", {"path": [0.5]}, "'path'", "a mapping with keys p, depth"),
    ("misspelt-key", {"data_pionts": 32}, "'data_pionts' (did you mean 'data_points'?)", "seed"),
    ("misspelt-nested", {"path": {"deph": 12}}, "'path.deph'", "allowed keys at 'path': p, depth"),
    ("shared-data-string", {"shared_data": "yes"}, "'shared_data'", "true or false"),
    ("format-unknown", {"figures": {"formats": ["jpg"]}}, "'figures.formats[0]'", "'png'"),
    ("dpi-too-low", {"figures": {"dpi": 10}}, "'figures.dpi'", "an integer from 50 to 1200"),
    # dynamics (dy, ar)
    ("dy-eta-zero", {"dy": {"eta": 0}}, "'dy.eta'", "a number > 0"),
    ("dy-eta-negative", {"dy": {"eta": -0.1}}, "'dy.eta'", "a number > 0"),
    ("dy-p-d-one", {"dy": {"p_d": [0.5, 1.0]}}, "'dy.p_d[1]'", OPEN_UNIT),
    ("dy-p-d-zero", {"dy": {"p_d": [0]}}, "'dy.p_d[0]'", OPEN_UNIT),
    ("dy-iterations-negative", {"dy": {"iterations": -5}}, "'dy.iterations'", "an integer >= 1"),
    ("dy-runs-one", {"dy": {"runs": 1}}, "'dy.runs'", "an integer >= 2"),
    ("dy-model-unknown", {"dy": {"models": ["relu"]}}, "'dy.models[0]'", "'analysis'"),
    ("dy-misspelt", {"dy": {"itterations": 5}}, "'dy.itterations'", "did you mean"),
    ("ar-eta-zero", {"ar": {"eta": 0.0}}, "'ar.eta'", "a number > 0"),
    ("ar-beta-one", {"ar": {"basins": {"betas": [0.5, 1.0]}}}, "'ar.basins.betas[1]'", HALF_OPEN),
    (
        "ar-beta-negative",
        {"ar": {"trajectory": {"betas": [-0.1]}}},
        "'ar.trajectory.betas[0]'",
        HALF_OPEN,
    ),
    ("ar-gamma-zero", {"ar": {"field": {"gammas": [0]}}}, "'ar.field.gammas[0]'", "a number > 0"),
    ("ar-steps-negative", {"ar": {"trajectory": {"steps": -1}}}, "'ar.trajectory.steps'", ">= 1"),
    ("ar-reg-steps-zero", {"ar": {"regression": {"steps": 0}}}, "'ar.regression.steps'", ">= 1"),
    ("ar-optimizer-bad", {"ar": {"regression": {"optimizers": ["x"]}}}, "optimizers[0]", "'adam'"),
    ("ar-enabled-string", {"ar": {"enabled": "no"}}, "'ar.enabled'", "true or false"),
]


def apply(base: dict, overrides: dict) -> dict:
    """`base` with `overrides` applied (DELETE removes the key)."""
    config = {**base, **overrides}
    return {key: value for key, value in config.items() if value is not DELETE}
