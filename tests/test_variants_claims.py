"""The variants' grids, claims, summary and figures on small tables."""

import copy
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from reludeath.claims import CLAIM_COLUMNS
from reludeath.config import ConfigError, check_config
from reludeath.variants import grid, plots
from reludeath.variants.claims import conv_hazards, conv_violations, variant_claims
from reludeath.variants.common import late_hazard
from reludeath.variants.summary import variants_markdown
from reludeath.variants.tables import COLUMNS, variant_table

ROOT = Path(__file__).resolve().parents[1]
SMALL = {
    "conv": {
        "enabled": True,
        "depth": 12,
        "networks": 60,
        "padding": "circular",
        "settings": [
            {"dims": 1, "channels": 2, "kernel": 3, "size": 1, "images": 2},
            {"dims": 1, "channels": 2, "kernel": 3, "size": 6, "images": 1},
        ],
    },
    "residual": {
        "enabled": True,
        "n": [2],
        "data_points": [1, 4],
        "alphas": [1.0],
        "depth": 8,
        "networks": 60,
    },
    "skip": {
        "enabled": True,
        "n": [2],
        "chunk": [1],
        "levels": [1, 2],
        "data_points": [1, 4],
        "joins": ["concat", "add"],
        "networks": 60,
    },
    "leaky": {
        "enabled": True,
        "n": [2],
        "slopes": [0.0, 0.2],
        "data_points": [1, 4],
        "depth": 8,
        "networks": 60,
    },
}


@pytest.fixture(scope="module")
def tables():
    return {name: variant_table(name, SMALL[name], seed=3) for name in grid.VARIANTS}


def test_tables_have_exactly_the_documented_columns(tables):
    for name, table in tables.items():
        assert list(table.columns) == list(COLUMNS[name])
    assert set(tables["residual"].block) == {"r1", "r2"}
    assert len(tables["skip"]) == 2 * 2 * 2


def test_tables_are_deterministic():
    a = variant_table("leaky", SMALL["leaky"], seed=3)
    b = variant_table("leaky", SMALL["leaky"], seed=3)
    pd.testing.assert_frame_equal(a, b)


def test_claims_rows_and_verdicts_are_valid(tables):
    claims = variant_claims(tables, {name: f"results/variants/{name}.parquet" for name in tables})
    assert list(claims.columns) == list(CLAIM_COLUMNS)
    assert claims.claim_id.tolist() == [
        "rr.conv_bounds",
        "rr.conv_equally_well",
        "rr.residual_no_prevent",
        "rr.skip_shortest_path",
        "rr.leaky_weak",
    ]
    text = variants_markdown(tables, claims)
    assert text.startswith("## Architecture variants")
    for claim_id in claims.claim_id:
        assert claim_id in text


def test_disabled_variant_has_no_claim(tables):
    claims = variant_claims({"leaky": tables["leaky"]}, {"leaky": "x"})
    assert claims.claim_id.tolist() == ["rr.leaky_weak"]


def _conv_frame(alive, n=2, size=4, kernel=3, lower=None, printed=None, derived=None):
    depth = len(alive)
    k = np.arange(1, depth + 1)
    return pd.DataFrame(
        {
            "dims": 1,
            "channels": n,
            "kernel": kernel,
            "size": size,
            "images": 1,
            "k": k,
            "networks": 1000,
            "alive_networks": alive,
            "p_alive": np.asarray(alive) / 1000,
            "sigma": 0.5,
            "lower_bound": lower if lower is not None else np.zeros(depth),
            "upper_bound_printed": printed if printed is not None else np.ones(depth),
            "upper_bound_derived": derived if derived is not None else np.ones(depth),
        }
    )


def test_conv_violations_are_counted():
    frame = _conv_frame([900, 800], lower=np.array([0.95, 0.5]), printed=np.array([1, 0.7]))
    v = conv_violations(frame)
    assert v == {"lower": 1, "printed": 1, "derived": 0, "rows": 2}


def test_late_hazard_z_sign_and_value():
    alive = [1000, 750, 563, 422]  # deaths at rate 1/4
    h = late_hazard(alive, 0.25, 2)
    assert h["deaths"] == 1000 - 422 and h["at_risk"] == 1000 + 750 + 563
    assert abs(h["z"]) < 1
    slow = late_hazard([1000, 990, 980, 970], 0.25, 2)
    assert slow["z"] < -20
    with pytest.raises(ValueError, match="first_layer"):
        late_hazard(alive, 0.25, 1)


def test_conv_equally_well_verdict_is_computed():
    fc_like = _conv_frame([1000 * 0.75**j for j in range(1, 41)], size=1)
    conv_like = _conv_frame([1000 - 2 * j for j in range(1, 41)], size=8)
    frame = pd.concat([fc_like, conv_like], ignore_index=True).astype({"alive_networks": int})
    hazards = conv_hazards(frame)
    assert hazards.reduces_to_fc.tolist() == [True, False]
    assert hazards.late_z.iloc[1] < -5
    claims = variant_claims({"conv": frame}, {"conv": "x"})
    verdict = claims.set_index("claim_id").verdict
    assert verdict["rr.conv_equally_well"] == "partly"
    assert verdict["rr.conv_bounds"] == "holds"


def test_figures_draw(tables):
    for name, table in tables.items():
        fig = plots.variant_figure(name, table)
        assert fig.axes
        fig.clf()


def test_grids_expand_and_name_bad_keys():
    assert len(grid.residual_settings(SMALL["residual"])) == 2 + 2
    assert grid.enabled_variants({"variants": SMALL}) == list(grid.VARIANTS)
    bad = copy.deepcopy(SMALL)
    bad["conv"]["padding"] = "zero"
    bad["conv"]["settings"][0]["kernel"] = 1  # size 1, kernel 1: fine with zero padding
    bad["conv"]["settings"][1]["kernel"] = 7
    with pytest.raises(ValueError, match=r"variants\.conv\.settings\[1\].*kernel"):
        grid.check_grids(bad)
    bad = copy.deepcopy(SMALL)
    bad["leaky"]["slopes"] = [1.2]
    with pytest.raises(ValueError, match=r"variants\.leaky\.slopes.*slope"):
        grid.check_grids(bad)
    bad["leaky"]["enabled"] = False
    grid.check_grids(bad)  # a disabled variant is not checked


def _schema():
    return yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())


def test_default_grid_holds_the_exact_reductions():
    config = check_config(yaml.safe_load((ROOT / "config/config.yaml").read_text()), _schema())
    variants = config["variants"]
    settings = variants["conv"]["settings"]
    assert any(s["size"] == 1 for s in settings)  # C1
    assert any(s["kernel"] == 1 and s["size"] > 1 for s in settings)  # C2
    assert len(variants["skip"]["levels"]) >= 2
    assert 0 in variants["leaky"]["slopes"]
    defaults = check_config({"seed": 1}, _schema())["variants"]
    assert defaults == variants


@pytest.mark.parametrize(
    "variants, key",
    [
        (
            {
                "conv": {
                    "settings": [{"dims": 1, "channels": 0, "kernel": 1, "size": 1, "images": 1}]
                }
            },
            "variants.conv.settings[0].channels",
        ),
        ({"conv": {"padding": "reflect"}}, "variants.conv.padding"),
        ({"leaky": {"slopes": [-0.5]}}, "variants.leaky.slopes[0]"),
        ({"residual": {"alphas": [0]}}, "variants.residual.alphas[0]"),
        ({"skip": {"joins": ["mul"]}}, "variants.skip.joins[0]"),
        ({"skip": {"levels": [0]}}, "variants.skip.levels[0]"),
        ({"leaky": {"enable": True}}, "enable"),
    ],
)
def test_schema_refuses_bad_values_naming_the_key(variants, key):
    with pytest.raises(ConfigError) as error:
        check_config({"seed": 1, "variants": variants}, _schema())
    assert key in str(error.value)


def test_nan_free_where_defined(tables):
    r2 = tables["residual"].query("block == 'r2'")
    assert not r2.p_alive.isna().any() and not math.isnan(r2.lower_bound.iloc[0])
