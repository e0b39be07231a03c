"""The main grid's claims: computed from (small) measured outputs, and each verdict moves
when the measurement it rests on is changed."""

import json

import numpy as np
import pandas as pd
import pytest

from reludeath import ShardSpec, simulate_shard
from reludeath.claims import VERDICTS, claims_table
from reludeath.grid.aggregate import (
    combine,
    grid_table,
    path_table,
    summarize_shard,
    variance_table,
)
from reludeath.grid.claims import grid_claims, proof_step, rai_less_collapse
from reludeath.grid.fit import assumption_report, convergence_report, sigma_of_n
from reludeath.grid.split import bootstrap_split, network_split_arrays

SCHEMES = ["iid", "iid_bias", "batchnorm", "signflip", "rai"]
WIDTHS, DEPTH, T, M = [1, 2, 3, 4, 5, 6, 7], 24, 200, 16
IDS = {
    "rr.bounds_hold",
    "rr.p_to_l",
    "rr.normalized_variance_decays",
    "rr.normalized_variance_flat",
    "rr.proof_step",
    "rr.signflip_guarantee",
    "rr.signflip_exceeds",
    "rr.batchnorm_alive",
    "rr.batchnorm_no_gain",
    "lu.rai_less_collapse",
    "lu.deep_born_dead",
}


@pytest.fixture(scope="module")
def outputs():
    summaries, boots = [], []
    for scheme in SCHEMES:
        options = (("bias_std", 1.0),) if scheme == "iid_bias" else ()
        for n in WIDTHS:
            spec = ShardSpec(scheme, n, DEPTH, T, M, seed=5, options=options)
            table = simulate_shard(spec, threads=2)
            summaries.append(summarize_shard(table, spec.as_metadata()))
            if scheme == "iid":
                at_risk, split = network_split_arrays(table, T, DEPTH, M)
                boots.append(bootstrap_split(at_risk, split, n, replicates=100, seed=1))
    cells = combine(summaries)
    grid = grid_table(cells, SCHEMES, WIDTHS, DEPTH)
    variance = variance_table(cells)
    assumption = assumption_report(variance, M, DEPTH)
    path = path_table(cells, [0.5], DEPTH)
    convergence, _ = convergence_report(path, grid, pd.DataFrame(boots), sigma_of_n(variance), M)
    as_json = json.loads(json.dumps(convergence, default=float))
    return grid, cells, as_json, json.loads(json.dumps(assumption, default=float))


def verdicts(outputs):
    table = claims_table(grid_claims(*outputs))
    return dict(zip(table.claim_id, table.verdict, strict=True))


def test_every_claim_is_judged(outputs):
    table = claims_table(grid_claims(*outputs))
    assert set(table.claim_id) == IDS
    assert set(table.verdict) <= set(VERDICTS)
    assert (table.measured.str.len() > 10).all()


def test_measured_grid_keeps_the_proved_claims(outputs):
    found = verdicts(outputs)
    assert found["rr.bounds_hold"] == "holds"
    assert found["rr.signflip_guarantee"] == "holds"
    assert found["rr.normalized_variance_flat"] == "holds"
    assert found["rr.normalized_variance_decays"] == "fails"


def test_bound_violation_fails_the_bounds_claim(outputs):
    grid, cells, convergence, assumption = outputs
    broken = grid.copy()
    cell = (broken.scheme == "iid") & (broken.n == 7) & (broken.k == 1)
    broken.loc[cell, ["alive_networks", "p_alive", "p_alive_low", "p_alive_high"]] = 0
    assert verdicts((broken, cells, convergence, assumption))["rr.bounds_hold"] == "fails"


def test_signflip_below_floor_fails_its_guarantee(outputs):
    grid, cells, convergence, assumption = outputs
    broken = cells.copy()
    broken.loc[broken.scheme == "signflip", "below_floor"] = 1
    assert verdicts((grid, broken, convergence, assumption))["rr.signflip_guarantee"] == "fails"


def test_proof_step_follows_the_all_kill_share():
    rows = []
    for n in (2, 3, 4):
        trials = 100000
        rows.append({"scheme": "iid", "n": n, "k": 1, "deaths": trials * 2.0**-n})
        rows[-1]["intact_networks"] = trials - rows[-1]["deaths"]
    exact = pd.DataFrame(rows)
    assert proof_step(exact).verdict == "holds"
    off = exact.assign(deaths=exact["deaths"] * 0.8)
    assert proof_step(off).verdict == "fails"


def test_rai_collapse_claim_follows_the_counts(outputs):
    grid = outputs[0]
    rai = grid["scheme"] == "rai"
    never = grid.copy()
    never.loc[rai, "collapsed_networks"] = 0
    he = (grid["scheme"] == "iid_bias") & (grid["k"] >= 2)
    never.loc[he, "collapsed_networks"] = never.loc[he, "networks"] // 2
    assert rai_less_collapse(never).verdict == "holds"
    always = grid.copy()
    always.loc[rai, "collapsed_networks"] = always.loc[rai, "networks"]
    assert rai_less_collapse(always).verdict == "fails"
    assert np.isin(rai_less_collapse(grid).verdict, VERDICTS)
