"""RAI's scale (reludeath.grid.scale) and lu.rai_scale_control (reludeath.grid.claims_scale):
He's draw preserves the second moment, RAI's contracts, the rai_he control is RAI's random
numbers at He's scale, the criterion's E z^2, and the claim's verdict on synthetic tables."""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
import pytest
from config_helpers import DEFAULT, SCHEMA

from reludeath.grid.claims_scale import rai_scale_control
from reludeath.grid.scale import (
    BETA_SECOND_MOMENT,
    RAI_HE_SIGMA,
    layer_moments,
    mean_field_ratio,
    mean_field_sigma,
    rai_he_spec,
    second_moment_table,
    step_ratios,
)
from reludeath.schemes import RAI
from reludeath.simulate import ShardSpec, draw_networks
from reludeath.workflow_plan import SCALE_OUTPUTS, checked_config, plan_workflow

SEED = 11


def _mean_se(ratios: np.ndarray, used: np.ndarray) -> tuple[float, float]:
    """Mean one-step ratio and its SE over networks (each network's own mean)."""
    per = ratios.sum(axis=1) / np.maximum(used.sum(axis=1), 1)
    per = per[used.any(axis=1)]
    return float(per.mean()), float(per.std(ddof=1) / math.sqrt(len(per)))


@pytest.mark.parametrize("n", [4, 8])
def test_he_preserves_the_second_moment_and_rai_contracts(n):
    he = step_ratios(layer_moments("iid_bias", {"bias_std": 1.0}, n, 8, 300, 64, SEED))
    mean, se = _mean_se(*he)
    assert abs(mean - 1) < 5 * se, (mean, se)
    rai = step_ratios(layer_moments("rai", {}, n, 8, 300, 64, SEED))
    mean_rai, se_rai = _mean_se(*rai)
    assert mean_rai + 5 * se_rai < 0.8  # contracts (0.58 at n = 4, 0.66 at n = 8)


def test_rai_he_is_rais_random_numbers_at_he_scale():
    spec = rai_he_spec(4, 6, 5, 16, SEED)
    _, w_he, b_he = draw_networks(spec, spec.scheme_object, np.arange(5), np.dtype(np.float64))
    plain = ShardSpec("rai", 4, 6, 5, 16, SEED)
    _, w, b = draw_networks(plain, RAI(), np.arange(5), np.dtype(np.float64))
    v, v_he = np.concatenate([w, b[..., None]], -1), np.concatenate([w_he, b_he[..., None]], -1)
    beta = np.isclose(v, v_he)  # the Beta(2, 1) entry is unscaled
    assert (beta.sum(axis=-1) == 1).all()
    np.testing.assert_allclose(v_he[~beta], v[~beta] * RAI_HE_SIGMA / 0.6007, rtol=1e-12)


@pytest.mark.parametrize("sigma", [0.6007, RAI_HE_SIGMA])
def test_row_second_moment_matches_the_criterions_formula(sigma):
    """E z^2 = ||h||^2 (sigma^2 + E beta^2) / (n + 1) for fan-in n, biases dropped."""
    n, depth, networks = 4, 64, 200
    spec = ShardSpec("rai", n, depth, networks, 1, SEED, options=(("sigma", sigma),))
    _, w, _ = draw_networks(spec, spec.scheme_object, np.arange(networks), np.dtype(np.float64))
    h = np.array([0.3, 1.0, 0.0, 2.0])
    z2 = ((w @ h) ** 2).reshape(networks, -1).mean(axis=1)  # per network, its rows
    expected = h @ h * (sigma**2 + BETA_SECOND_MOMENT) / (n + 1)
    assert abs(z2.mean() - expected) < 5 * z2.std(ddof=1) / math.sqrt(networks)


def test_mean_field_sigma_preserves_the_ratio():
    sigma = mean_field_sigma()
    assert abs(mean_field_ratio(sigma) - 1) < 0.02
    assert mean_field_ratio(0.6007) < 0.9 < 1.1 < mean_field_ratio(RAI_HE_SIGMA)


def test_second_moment_table_columns_and_interval():
    table = second_moment_table([4], SEED, layers=4, networks=64, points=32, replicates=50)
    assert list(table["scheme"]) == ["rai", "rai_he", "iid_bias"]
    assert (table["ratio_low"] <= table["ratio"]).all()
    assert (table["ratio"] <= table["ratio_high"]).all()
    rai, rai_he = table["ratio"].iloc[0], table["ratio"].iloc[1]
    assert rai < rai_he


def _near(scheme: str, shares: dict[int, float], networks: int = 1000) -> pd.DataFrame:
    """A near-constant table: share(k) = shares[n] * k / 64 for k = 1..64, both tolerances."""
    rows = [
        {
            "scheme": scheme,
            "n": n,
            "tau": tau,
            "k": k,
            "data_points": 64,
            "networks": networks,
            "near_constant_networks": round(networks * min(1.0, share * k / 64)),
        }
        for n, share in shares.items()
        for tau in (1e-3, 1e-5)
        for k in range(1, 65)
    ]
    return pd.DataFrame(rows)


def _moments() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"scheme": s, "n": n, "ratio": r, "ratio_low": r - 0.01, "ratio_high": r + 0.01}
            for s, r in (("rai", 0.6), ("rai_he", 1.3), ("iid_bias", 1.0))
            for n in (2, 4)
        ]
    )


@pytest.mark.parametrize(
    ("rai", "rai_he", "iid_bias", "verdict"),
    [
        (0.5, 0.5, 0.5, "fails"),  # the asymmetry changes nothing at He's scale
        (0.6, 0.6, 0.3, "fails"),  # the asymmetry hurts
        (0.2, 0.2, 0.6, "holds"),  # the asymmetry helps, the scale changes nothing
        (0.8, 0.2, 0.6, "partly"),  # the asymmetry helps, RAI's scale hurts
    ],
)
def test_scale_control_verdict_on_synthetic_tables(rai, rai_he, iid_bias, verdict):
    grid = pd.concat(
        [_near("rai", {2: rai, 4: rai}), _near("iid_bias", {2: iid_bias, 4: iid_bias})]
    )
    control = _near("rai_he", {2: rai_he, 4: rai_he})
    claim = rai_scale_control(grid, control, _moments(), (0.76, 0.86))
    assert claim.verdict == verdict, claim.measured
    assert "Holm" in claim.measured and "sigma = 0.857" not in claim.measured
    assert "rai_he vs iid_bias" in claim.measured and "0.860" in claim.measured


@pytest.mark.parametrize(
    ("changes", "widths"),
    [({}, [2, 4, 8, 15]), ({"widths": [1, 3, 5]}, [3, 5]), ({"widths": [1]}, [1])],
)
def test_the_plan_runs_the_control_at_its_widths(changes, widths):
    config = checked_config({**copy.deepcopy(DEFAULT), **changes}, SCHEMA)
    plan = plan_workflow(config)
    assert plan.control_widths == widths
    assert SCALE_OUTPUTS["claims"] in plan.claim_tables
    assert SCALE_OUTPUTS["moments"] in plan.family_targets


def test_the_plan_leaves_the_control_out_without_rai():
    config = checked_config({**copy.deepcopy(DEFAULT), "schemes": ["iid", "iid_bias"]}, SCHEMA)
    plan = plan_workflow(config)
    assert not plan.scale_control and SCALE_OUTPUTS["claims"] not in plan.claim_tables
