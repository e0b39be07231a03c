"""The variance-assumption report (reludeath.grid.fit.assumption_report) with few widths:
a fit that cannot be made is reported undecided with its reason, never as NaN."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from reludeath.claims import VERDICTS
from reludeath.grid.claims import normalized_variance_decays, normalized_variance_flat
from reludeath.grid.fit import assumption_report

DEPTH, M = 12, 16


def variance(widths: list[int]) -> pd.DataFrame:
    """A deterministic V(n, k) = 2 e^(-k/10) / n table with the columns of variance_table."""
    rows = [
        {
            "n": n,
            "k": k,
            "V": 2.0 * math.exp(-0.1 * k) / n,
            "V_se": 0.01,
            "V_bound": math.exp(-0.1 * k) / n,
            "bound_violations": 0,
            "v_count": 50,
            "alive_networks": 50,
        }
        for n in widths
        for k in range(1, DEPTH + 1)
    ]
    return pd.DataFrame(rows)


def strict_json(report: dict) -> dict:
    """The report through JSON as write_json writes it and a strict reader reads it."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not valid JSON")

    return json.loads(json.dumps(report, allow_nan=False), parse_constant=refuse)


@pytest.mark.parametrize("widths", [[3, 4], [5]])
def test_too_few_widths_give_an_undecided_growth_with_its_reason(widths):
    report = strict_json(assumption_report(variance(widths), M, DEPTH))
    growth = report["log_sigma_growth_in_n"]
    assert growth["available"] is False
    assert growth["points"] == len(widths)
    assert f"{len(widths)} width" in growth["reason"] and "at least 3" in growth["reason"]
    verdict = report["verdict"]["sigma_is_o_2n"]
    assert verdict.startswith("undecided: too few widths")
    assert growth["reason"] in verdict
    assert verdict in report["verdict"]["summary"]


@pytest.mark.parametrize("widths", [[3, 4], [5]])
def test_claims_reading_a_few_width_report_stay_computed(widths):
    report = strict_json(assumption_report(variance(widths), M, DEPTH))
    for claim in (normalized_variance_decays(report), normalized_variance_flat(report)):
        assert claim.verdict in VERDICTS
        assert report["verdict"]["v_decays_exponentially"] in claim.measured


def test_three_widths_give_a_growth_fit_with_a_finite_interval():
    report = strict_json(assumption_report(variance([3, 4, 5]), M, DEPTH))
    growth = report["log_sigma_growth_in_n"]
    assert growth["available"] is True and growth["points"] == 3
    # log Sigma(n) = c - log n exactly: slope between -log(4/3) and -log(5/4), CI finite
    assert -math.log(4 / 3) < growth["slope"] < -math.log(5 / 4)
    low, high = growth["slope_ci95"]
    assert np.isfinite([low, high]).all() and low <= growth["slope"] <= high
    assert report["verdict"]["sigma_is_o_2n"].startswith("supported")
