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
from reludeath.grid.claims import (
    batchnorm_no_gain,
    deep_born_dead,
    grid_claims,
    living_fraction_z,
    mean_living_fraction,
    proof_step,
    rai_less_collapse,
    rai_near_constant,
    signflip_exceeds,
)
from reludeath.grid.constancy import (
    combine_near_constant,
    near_constant_counts,
    near_constant_table,
)
from reludeath.grid.fit import assumption_report, convergence_report, sigma_of_n
from reludeath.grid.split import bootstrap_split, network_split_arrays

SCHEMES = ["iid", "iid_bias", "batchnorm", "signflip", "rai"]
WIDTHS, DEPTH, T, M = [1, 2, 3, 4, 5, 6, 7], 24, 200, 16
TAUS = (1e-3, 1e-5)
IDS = {
    "rr.bounds_hold",
    "rr.p_to_l",
    "rr.normalized_variance_decays",
    "rr.normalized_variance_flat",
    "rr.proof_step",
    "rr.signflip_guarantee",
    "rr.signflip_exceeds",
    "rr.batchnorm_alive",
    "rr.batchnorm_cumulative",
    "rr.batchnorm_no_gain",
    "rr.mean_living_fraction",
    "lu.rai_less_collapse",
    "lu.rai_near_constant",
    "lu.deep_born_dead",
}


@pytest.fixture(scope="module")
def outputs():
    summaries, boots, near = [], [], []
    for scheme in SCHEMES:
        options = (("bias_std", 1.0),) if scheme == "iid_bias" else ()
        for n in WIDTHS:
            spec = ShardSpec(scheme, n, DEPTH, T, M, seed=5, options=options)
            table = simulate_shard(spec, threads=2)
            summaries.append(summarize_shard(table, spec.as_metadata()))
            spread = table.column("output_spread").to_numpy().reshape(T, DEPTH)
            near.append(near_constant_counts(spread, spec.as_metadata(), TAUS))
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
    near_constant = near_constant_table(combine_near_constant(near), SCHEMES, WIDTHS, DEPTH)
    return grid, cells, as_json, json.loads(json.dumps(assumption, default=float)), near_constant


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
    grid, cells, convergence, assumption, near = outputs
    broken = grid.copy()
    cell = (broken.scheme == "iid") & (broken.n == 7) & (broken.k == 1)
    broken.loc[cell, ["alive_networks", "p_alive", "p_alive_low", "p_alive_high"]] = 0
    assert verdicts((broken, cells, convergence, assumption, near))["rr.bounds_hold"] == "fails"


@pytest.mark.parametrize("column", ["below_half", "below_floor"])
def test_signflip_below_its_guarantee_fails_it(outputs, column):
    grid, cells, convergence, assumption, near = outputs
    broken = cells.copy()
    broken.loc[broken.scheme == "signflip", column] = 1
    assert (
        verdicts((grid, broken, convergence, assumption, near))["rr.signflip_guarantee"] == "fails"
    )


@pytest.mark.parametrize("n", [1, 2, 5])
def test_signflip_keeps_half_the_living_points_at_every_layer(n):
    """A(k) >= ceil(A(k-1)/2), A(0) = M, in every sign-flip network and layer."""
    spec = ShardSpec("signflip", n, 40, 300, 37, seed=11)
    alive = simulate_shard(spec).column("alive_points").to_numpy().reshape(300, 40)
    before = np.hstack([np.full((300, 1), 37), alive[:, :-1]])
    assert (alive >= -(-before // 2)).all()
    assert (alive < before).any()  # layers do kill: the inequality is not vacuous
    summary = summarize_shard(simulate_shard(spec), spec.as_metadata())
    assert summary["below_half"].sum() == 0


def test_below_half_counts_a_violation():
    """summarize_shard counts a pair with A(k) < ceil(A(k-1)/2)."""
    spec = ShardSpec("iid", 1, 30, 400, 9, seed=3)
    table = simulate_shard(spec)
    alive = table.column("alive_points").to_numpy().reshape(400, 30)
    before = np.hstack([np.full((400, 1), 9), alive[:, :-1]])
    expected = (alive < -(-before // 2)).sum()
    assert expected > 0  # iid at n = 1 kills more than half often
    assert summarize_shard(table, spec.as_metadata())["below_half"].sum() == expected


def test_signflip_exceeds_judges_only_where_it_can_fail(outputs):
    grid = outputs[0]
    assert signflip_exceeds(grid).verdict == "undecided"  # M = 16: ceil(M/2^k)/M >= 10 2^-k
    wide = grid.assign(data_points=1024)
    claim = signflip_exceeds(wide)
    assert "judged at k = 8..13" in claim.measured


def test_living_fraction_equals_l_within_5_se(outputs):
    """Lemma 5.4 for iid and its batchnorm analogue: E A(k)/M = l(n, k) exactly."""
    grid = outputs[0]
    for scheme in ("batchnorm", "iid", "iid_bias"):
        rows = grid[grid.scheme == scheme]
        z, _ = living_fraction_z(rows)
        assert (z.abs() <= 5).all(), scheme
        trusted = rows[(rows.living_fraction_se > 0) & (rows.alive_networks >= 10)]
        raw = (trusted.living_fraction - trusted.lower_bound) / trusted.living_fraction_se
        assert len(trusted) > 50 and (raw.abs() <= 5).all(), scheme
    assert batchnorm_no_gain(grid).verdict == "holds"
    assert mean_living_fraction(grid).verdict == "holds"


def test_living_fraction_claims_fail_when_shifted(outputs):
    grid = outputs[0]
    for scheme, claim in (("batchnorm", batchnorm_no_gain), ("iid", mean_living_fraction)):
        shifted = grid.copy()
        cell = (shifted.scheme == scheme) & (shifted.n == 3) & (shifted.k == 4)
        rows = shifted.loc[cell]
        bound = np.sqrt(rows.lower_bound * (1 - rows.lower_bound) / rows.networks)
        shifted.loc[cell, "living_fraction"] += 6 * np.maximum(rows.living_fraction_se, bound)
        assert claim(shifted).verdict == "fails", scheme
        assert claim(grid).verdict == "holds", scheme


def test_living_fraction_se_matches_the_networks():
    spec = ShardSpec("batchnorm", 2, 6, 50, 8, seed=2)
    table = simulate_shard(spec)
    grid = grid_table(combine([summarize_shard(table, spec.as_metadata())]), ["batchnorm"], [2], 6)
    alive = table.column("alive_points").to_numpy().reshape(50, 6) / 8
    np.testing.assert_allclose(grid.living_fraction_se, alive.std(axis=0, ddof=1) / np.sqrt(50))


def test_deep_born_dead_is_the_theorem(outputs):
    grid = outputs[0]
    claim = deep_born_dead(grid)
    assert claim.verdict == "holds" and "u0 < 1/2 from k = 3 at n = 1" in claim.measured
    above = grid.copy()
    iid = (above.scheme == "iid") & (above.n == 1) & (above.k == 24)
    above.loc[iid, "alive_networks"] = above.loc[iid, "networks"]  # u0(1, 24) = 2^-23
    assert deep_born_dead(above).verdict == "fails"


def test_proof_step_follows_the_all_kill_share():
    rows = []
    for n in (2, 3, 4):
        trials = 100000
        rows.append({"scheme": "iid", "n": n, "k": 1, "phase_deaths": trials * 2.0**-n})
        rows[-1]["phase_intact"] = trials - rows[-1]["phase_deaths"]
    exact = pd.DataFrame(rows).assign(phase_at_risk=100000)
    exact = exact.assign(deaths=exact.phase_deaths, intact_networks=exact.phase_intact)
    assert proof_step(exact).verdict == "holds"
    off = exact.assign(phase_deaths=exact["phase_deaths"] * 0.8)
    assert proof_step(off).verdict == "fails"


def test_proof_step_phase_is_decided_by_the_past():
    """Layer 1 and each layer right after a split of that network, counted by hand."""
    spec = ShardSpec("iid", 3, 20, 200, 16, seed=4)
    table = simulate_shard(spec)
    alive = table.column("alive_points").to_numpy().reshape(200, 20)
    split = table.column("split").to_numpy().reshape(200, 20)
    before = np.hstack([np.full((200, 1), 16), alive[:, :-1]])
    phase = (before > 0) & np.hstack([np.ones((200, 1), bool), split[:, :-1]])
    summary = summarize_shard(table, spec.as_metadata())
    assert summary.phase_at_risk.sum() == phase.sum()
    assert summary.phase_deaths.sum() == (phase & (alive == 0)).sum()
    assert summary.phase_intact.sum() == (phase & (alive == before)).sum()


def test_rai_collapse_claim_follows_the_counts(outputs):
    """Judged on constant_networks (a dead layer so far), not on the tolerance criterion."""
    grid = outputs[0]
    rai = grid["scheme"] == "rai"
    never = grid.copy()
    never.loc[rai, "constant_networks"] = 0
    never.loc[rai, "collapsed_networks"] = never.loc[rai, "networks"]  # ignored
    he = (grid["scheme"] == "iid_bias") & (grid["k"] >= 2)
    never.loc[he, "constant_networks"] = never.loc[he, "networks"] // 2
    assert rai_less_collapse(never).verdict == "holds"
    always = grid.copy()
    always.loc[rai, "constant_networks"] = always.loc[rai, "networks"]
    always.loc[rai, "collapsed_networks"] = 0  # ignored
    assert rai_less_collapse(always).verdict == "fails"
    assert np.isin(rai_less_collapse(grid).verdict, VERDICTS)


def test_zero_bias_p_constant_is_one_minus_p_alive(outputs):
    """With zero biases a killed point stays at 0: constant is exactly not alive."""
    grid = outputs[0]
    for scheme in ("iid", "signflip"):
        rows = grid[grid["scheme"] == scheme]
        assert (rows["constant_networks"] == rows["networks"] - rows["alive_networks"]).all()
        np.testing.assert_allclose(rows["p_constant"], 1 - rows["p_alive"], rtol=0, atol=1e-15)
    assert (grid.loc[grid["scheme"] == "iid", "p_constant"] > 0).any()
    for column in ("p_constant_low", "p_constant_high"):
        assert grid[column].between(0, 1).all()


def test_rai_near_constant_claim_follows_the_counts(outputs):
    near = outputs[4]
    claim = rai_near_constant(near)
    assert claim.verdict in VERDICTS and "tau = 0.001" in claim.measured
    rai, he = near["scheme"] == "rai", (near["scheme"] == "iid_bias") & (near["k"] >= 2)
    better = near.copy()
    better.loc[rai, "near_constant_networks"] = 0
    better.loc[he, "near_constant_networks"] = better.loc[he, "networks"] // 2
    better["p_near_constant"] = better["near_constant_networks"] / better["networks"]
    assert rai_near_constant(better).verdict == "holds"
    worse = better.copy()
    worse.loc[rai, "near_constant_networks"] = worse.loc[rai, "networks"]
    worse.loc[he, "near_constant_networks"] = 0
    assert rai_near_constant(worse).verdict == "fails"
    assert rai_near_constant(None).verdict == "undecided"
