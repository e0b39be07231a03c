"""The deep family end to end on a tiny grid (the shared run with every family on): its tables
have the documented columns, it judges rr.p_to_l and lu.deep_born_dead (the grid no longer
does). A bad deep config is refused before any job by tests/workflow/test_reliability.py
(cross-key) and tests/test_config.py (every schema case)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from scipy import stats
from stats_helpers import SIGMAS
from workflow_helpers import FAMILIES, TINY

from reludeath.deep.estimate import S_TABLE_COLUMNS
from reludeath.deep.identity import SPLIT_COLUMNS
from reludeath.deep.m_limit import LIMIT_COLUMNS
from reludeath.deep.path import PATH_COLUMNS
from reludeath.deep.population import POPULATION_COLUMNS
from reludeath.deep.s_law import CANDIDATES
from reludeath.deep.tables import M_STEP_COLUMNS, NETWORK_COLUMNS
from reludeath.stats import wilson_interval


@pytest.fixture
def deep_run(families_run):
    """The shared run with every family on (conftest.py), the deep family's DEEP section."""
    return families_run


def test_tables_and_claims(deep_run):
    results = deep_run / "results"
    split = pd.read_parquet(results / "deep" / "split.parquet")
    assert list(split.columns) == list(S_TABLE_COLUMNS)
    assert split["n"].tolist() == list(range(1, 10))
    grid = set(FAMILIES["widths"])  # S(n) from the grid's iid shards there, else the deep family
    assert split["source"].tolist() == ["grid" if n in grid else "deep" for n in range(1, 10)]
    assert (split["S_low"] <= split["S"]).all() and (split["S"] <= split["S_high"]).all()
    path = pd.read_parquet(results / "deep" / "path.parquet")
    assert list(path.columns) == list(PATH_COLUMNS)
    assert len(path) == len(TINY["path"]["p"]) * 2
    sweep = pd.read_parquet(results / "deep" / "data_points.parquet")
    assert list(sweep.columns) == list(SPLIT_COLUMNS)
    one = sweep[sweep["data_points"] == 1]
    assert (one["S"] == 0).all() and (one["c"] == 1).all()
    steps = pd.read_parquet(results / "deep" / "m_steps.parquet")
    assert list(steps.columns) == list(M_STEP_COLUMNS) and len(steps) == 4
    networks = pd.read_parquet(results / "deep" / "networks.parquet")
    assert list(networks.columns) == list(NETWORK_COLUMNS)
    claims = pd.read_parquet(results / "claims.parquet")
    for claim_id in ("rr.p_to_l", "lu.deep_born_dead"):
        rows = claims[claims["claim_id"] == claim_id]
        assert len(rows) == 1 and "results/deep/split.parquet" in rows["evidence"].iloc[0]
    assert (results / "figures" / "deep_path.png").exists()
    assert "through the split identity" in (results / "summary.md").read_text()


def test_population_tables_and_claim(deep_run):
    """population.parquet: the closed forms, the arc at n = 2 at or above every nested
    estimate, which never falls in M; s_infinity.parquet and the new claim."""
    results = deep_run / "results"
    table = pd.read_parquet(results / "deep" / "population.parquet")
    assert list(table.columns) == list(POPULATION_COLUMNS)
    exact = table[table["method"] == "exact"]
    one = exact[exact["n"] == 1].sort_values("k")
    assert one["p_alive"].tolist() == [2.0 ** -(k - 1) for k in range(1, 13)]
    arc = table[table["method"] == "arc"].set_index("k")["p_alive"]
    points = table[(table["method"] == "points") & (table["n"] == 2)]
    by_m = {m: g.set_index("k")["p_alive"] for m, g in points.groupby("data_points")}
    assert sorted(by_m) == [4, 32, 64]
    assert (by_m[4] <= by_m[32]).all() and (by_m[32] <= by_m[64]).all() and (by_m[64] <= arc).all()
    assert (points["gap_low"] <= points["gap"]).all()
    assert (points["gap"] <= points["gap_high"]).all()
    limits = pd.read_parquet(results / "deep" / "s_infinity.parquet")
    assert list(limits.columns) == list(LIMIT_COLUMNS)
    assert limits["method"].tolist() == ["exact", "arc", "tail_model", "tail_model"]
    claims = pd.read_parquet(results / "claims.parquet").set_index("claim_id")
    # two M values left after M = 1 (S = 0): too few for the tail model
    assert claims.loc["rr.p_to_l_population", "verdict"] == "undecided"
    assert "at M = 32 points" in claims.loc["rr.p_to_l", "measured"]
    assert "P_inf(2, k)" in (results / "summary.md").read_text()


def test_deep_path_matches_the_measured_path(deep_run):
    """At k <= the grid's depth the deep path (P/l through the split identity) agrees with the
    measured path (living networks counted, results/aggregate/path.parquet) along the same
    n = ceil(n(k, p)): inside the count's Wilson interval at SIGMAS, and the two intervals
    overlap."""
    results = deep_run / "results"
    deep = pd.read_parquet(results / "deep" / "path.parquet")
    measured = pd.read_parquet(results / "aggregate" / "path.parquet")
    shallow = deep[deep["k"] <= FAMILIES["path"]["depth"]]
    assert len(shallow) == len(FAMILIES["path"]["p"])  # k = 12 for every p
    both = shallow.merge(measured, on=["p", "k"], suffixes=("", "_measured"))
    assert len(both) == len(shallow) and (both["n"] == both["n_measured"]).all()
    for r in both.itertuples():
        low, high = wilson_interval(r.alive_networks, r.networks, z=SIGMAS)
        low, high = low / r.lower_bound, high / r.lower_bound
        assert low <= r.p_over_l <= high, r
        assert r.p_over_l_low <= r.ratio_high and r.ratio_low <= r.p_over_l_high, r


def test_s_law_recomputed_from_the_table(deep_run):
    """s_law.json: every candidate's chi2 and p (and the published one's, if any) recomputed
    from split.parquet over n = 3..34 with se = |f(n)| S_rel_se (Pearson, at the fit)."""
    results = deep_run / "results" / "deep"
    law = json.loads((results / "s_law.json").read_text())
    split = pd.read_parquet(results / "split.parquet")
    use = split[(split["n"] >= 3) & (split["n"] <= 34)].sort_values("n")
    n, s = use["n"].to_numpy(float), use["S"].to_numpy()
    rel = use["S_rel_se"].to_numpy()
    assert law["n_range"] == [3, 34] and law["data"]["n"] == use["n"].tolist()
    for name, fit in law["candidates"].items():
        f = CANDIDATES[name][0](n, *fit["params"].values())
        chi2 = (((s - f) / (abs(f) * rel)) ** 2).sum()
        assert fit["chi2"] == pytest.approx(chi2, rel=1e-9)
        assert fit["p_value"] == pytest.approx(stats.chi2.sf(chi2, len(n) - 2), rel=1e-9)
    if law["model"] is not None:
        assert law["p_value"] == law["candidates"][law["model"]]["p_value"] >= 0.05
    else:
        assert all(f["p_value"] < 0.05 for f in law["candidates"].values())
    assert law["m_sweep"]["formula"] == "S = a + b n + c ln M"
