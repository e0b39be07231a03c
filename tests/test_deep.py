"""The deep family (reludeath.deep): the split identity to k = 10^9, its tail bound, and the
claims it judges. Fixed seeds; tolerances from binomial standard errors at SIGMAS."""

import math

import numpy as np
import pandas as pd
import pytest
from stats_helpers import SIGMAS

from reludeath.bounds import lower_bound
from reludeath.deep.claims import deep_born_dead, half_life, p_to_l
from reludeath.deep.identity import Identity, identity
from reludeath.deep.networks import late_mask, on_one_ray, simulate_splits, split_record
from reludeath.deep.path import log10_lower_bound, path_table, path_widths
from reludeath.deep.plan import Run, bundles, deep_runs
from reludeath.deep.settle import (
    Followed,
    draw_grid_network,
    extend,
    follow,
    late_networks,
    settle_width,
    settled_identity,
)
from reludeath.deep.store import read_record, write_record
from reludeath.deep.tables import M_STEP_COLUMNS, NETWORK_COLUMNS, m_steps, network_table
from reludeath.deep.tail import block_tail
from reludeath.simulate import ShardSpec
from reludeath.stats import wilson_interval


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 16, 34])
def test_one_point_never_splits(n):
    """M = 1: no neuron can separate one point from itself, so S = 0 and c = 1."""
    record = simulate_splits(n, 1, 24, 50, seed=5)
    assert not record.split.any()
    row = Identity(record.at_risk, record.split, n, 200, 0).row(1)
    assert row["S"] == 0 and row["S_high"] == 0 and row["tail_bound"] == 0
    assert row["c"] == 1 and row["c_low"] == 1 and row["c_high"] == 1
    assert record.one_ray.all()


@pytest.mark.parametrize("n", [2, 6, 12])
def test_two_points_on_one_ray_never_split(n):
    """Zero bias: W(lambda v) = lambda W v, so points v and 2.5 v are never split."""
    rng = np.random.default_rng(n)
    T, K = 40, 200
    v = rng.standard_normal((T, n, 1))
    x = np.concatenate([v, 2.5 * v], axis=2).astype(np.float32)
    weights = (rng.standard_normal((T, K, n, n)) * math.sqrt(2 / n)).astype(np.float32)
    record = split_record(x, weights)
    assert not record.split.any()
    assert record.one_ray.all()
    # the same weights with two generic points do split somewhere: the test can fail
    y = rng.standard_normal((T, n, 2)).astype(np.float32)
    assert split_record(y, weights).split.any()


def test_on_one_ray():
    v = np.array([1.0, 2.0, 0.0])
    assert on_one_ray(np.column_stack([v, 3 * v, 0 * v]))
    assert not on_one_ray(np.column_stack([v, [1.0, 2.1, 0.0]]))


def test_tail_bound_holds_where_the_full_sum_is_known():
    """n = 8: by depth 256 every network's points are on one ray (so the sum is complete);
    the bound computed from the first K layers covers what layers K+1..256 add."""
    n, full_depth = 8, 256
    record = simulate_splits(n, 256, full_depth, 400, seed=11)
    assert record.one_ray.all()
    full = Identity(record.at_risk, record.split, n, 200, 0)
    for K in (32, 48, 64):
        cut = Identity(record.at_risk[:, :K], record.split[:, :K], n, 1000, 1)
        left_out = full.summary["S"] - cut.summary["S"]
        assert left_out > 0  # the truncation does leave something out
        assert math.isfinite(cut.tail_bound)
        assert left_out <= cut.tail_bound
        # the row's intervals carry the bound
        assert cut.row(256)["S_high"] >= full.summary["S"]


def test_block_tail_of_a_geometric_sequence():
    """sigma_j = a r^j exactly: the bound L lambda_2 rho / (1 - rho) holds the true tail."""
    K, a, r = 64, 3.0, 0.9
    j = np.arange(1, K + 1)
    risk = np.full(K, 1000.0)
    cut = risk * a * r**j
    true_tail = a * r ** (K + 1) / (1 - r)
    bound = float(block_tail(risk, cut))
    assert true_tail <= bound <= 1.5 * true_tail
    assert block_tail(risk, np.zeros(K)) == 0
    assert block_tail(risk, np.ones(K)) == math.inf  # no decay: the run is too short


def test_deep_path_matches_the_measured_path():
    """At k <= the simulated depth, P/l through the identity agrees with the direct count
    of living networks, within the direct count's interval at SIGMAS (n = 3, where deaths
    are common enough to count)."""
    n, K, T = 3, 24, 6000
    record = simulate_splits(n, 64, K, T, seed=2)
    identity = Identity(record.at_risk, record.split, n, 300, 0)
    for k in (1, 4, 8, 16, 24):
        alive = int(record.alive[:, k - 1].sum())
        low, high = wilson_interval(alive, T, z=SIGMAS)
        bound = float(lower_bound(n, k))
        value, _, _ = identity.p_over_l(k)
        assert low / bound <= value <= high / bound


def test_path_table_and_lower_bound():
    assert log10_lower_bound(30, 1e9) == pytest.approx(1e9 * math.log10(1 - 2.0**-30))
    assert math.isfinite(log10_lower_bound(2, 1e9))  # l underflows; its log does not
    assert path_widths([0.5], [10**9]) == [31]
    with pytest.raises(ValueError, match="widths"):
        path_table({}, [0.5], [1000])


def test_identity_beyond_the_simulated_depth():
    record = simulate_splits(4, 64, 64, 200, seed=3)
    identity = Identity(record.at_risk, record.split, 4, 200, 0)
    at_k, _, _ = identity.p_over_l(64)
    value, low, high = identity.p_over_l(10**9)
    assert value == at_k and low <= value <= high
    assert value == pytest.approx(identity.summary["c"])


def _split_table(c_high):
    widths = np.arange(4, 4 + len(c_high))
    S = 2.0 * widths
    return pd.DataFrame(
        {
            "n": widths,
            "S": S,
            "S_low": 0.9 * S,
            "S_high": 1.1 * S,
            "c": 1.0,
            "c_high": c_high,
            "tail_bound": 0.0,
        }
    )


def test_deep_born_dead_and_half_life():
    assert half_life(1, 1.0) == 2  # l(1, 1) = 1/2 is not below 1/2; l(1, 2) = 1/4 is
    k = half_life(10, 1.2)
    assert 1.2 * lower_bound(10, k) < 0.5 <= 1.2 * lower_bound(10, k - 1)
    assert deep_born_dead(_split_table([1.1] * 6)).verdict == "holds"
    # The theorem's bound decides, so an unbounded interval cannot leave it undecided.
    unbounded = deep_born_dead(_split_table([1.1] * 5 + [math.inf]))
    assert unbounded.verdict == "holds" and "unbounded" in unbounded.measured
    assert "u0 < 1/2 from k = " in unbounded.measured


def test_p_to_l_verdict():
    split = _split_table([1.1] * 8)
    rows = []
    for k, excess in ((256, 0.1), (10**9, 1e-7)):
        rows.append(
            {
                "p": 0.5,
                "k": k,
                "n": 8,
                "p_over_l": 1 + excess,
                "p_over_l_low": 1 + excess / 2,
                "p_over_l_high": 1 + 2 * excess,
            }
        )
    claim = p_to_l(split.assign(data_points=1024), pd.DataFrame(rows))
    assert claim.verdict == "holds" and claim.measured.startswith("at M = 1024 points")
    split = split.assign(data_points=1024)
    rows[1].update(p_over_l_high=1.5)
    assert p_to_l(split, pd.DataFrame(rows)).verdict == "fails"


def test_p_to_l_quotes_the_s_law_not_a_fit_of_its_own():
    """rr.p_to_l's text carries s_law.json's result: the published law with its p, or that
    none passes; never the power law's weighted-RSS comparison."""
    split = _split_table([1.1] * 8).assign(data_points=1024)
    path = pd.DataFrame(
        [{"p": 0.5, "k": k, "n": 8, "p_over_l": 1.1, "p_over_l_low": 1.05, "p_over_l_high": 1.2}
         for k in (256, 10**9)]
    )  # fmt: skip
    fit = {"formula": "S = a n + b", "chi2": 30.0, "dof": 30, "p_value": 0.47}
    law = {"n_range": [3, 34], "model": None, "candidates": {"linear": {**fit, "p_value": 0.01}}}
    text = p_to_l(split, path, law).measured
    assert "no candidate passes its test" in text and "p = 0.01" in text
    assert "n^" not in text and "RSS" not in text
    params = {"a": 4.0, "b": -11.0}
    law = {**law, "model": "linear", **fit, "params": params, "errors": {"a": 0.1, "b": 1.0}}
    text = p_to_l(split, path, law).measured
    assert "S = a n + b with a = 4 +- 0.1, b = -11 +- 1" in text and "p = 0.47" in text


DEEP = {
    "widths": [16, 17, 18, 19, 20, 21, 22, 23, 24, 29, 30, 31, 32, 34],
    "depth_per_width": 24,
    "networks": 32,
    "depths": [256, 1000, 10**6, 10**9],
    "m_sweep": {"widths": [4], "data_points": [1, 64], "networks": 8},
}


def test_deep_runs_and_their_bundles():
    """(The widths themselves are checked with the config: tests/test_config.py.)"""
    wide, sweep = deep_runs(DEEP, 1024)
    assert [r.depth for r in wide[:2]] == [384, 408]
    assert [(r.n, r.data_points, r.networks) for r in sweep] == [(4, 1, 8), (4, 64, 8)]
    jobs = bundles(wide, sweep)
    runs = [r for job in jobs.values() for r in job]
    assert sorted(runs, key=lambda r: r.name) == sorted(wide + sweep, key=lambda r: r.name)
    assert len(jobs) == math.ceil(len(wide) / 2) + 1


def test_record_round_trip_and_network_table(tmp_path):
    record = simulate_splits(5, 64, 37, 11, seed=3)
    write_record(record, tmp_path / "r.parquet", {})
    back = read_record(tmp_path / "r.parquet")
    for name in ("at_risk", "split", "alive", "last_split", "one_ray"):
        assert np.array_equal(getattr(record, name), getattr(back, name))
    table = network_table([record], [back])
    assert list(table.columns) == list(NETWORK_COLUMNS)
    assert (table["study"] == "path").sum() == 11 and len(table) == 22


def test_m_steps_are_paired():
    """The same networks with more points: S rises (M = 1 never splits), and the paired
    interval of the step excludes 0."""
    by_m = {}
    for m in (1, 16, 64):
        record = simulate_splits(4, m, 48, 60, seed=9)
        by_m[m] = Identity(record.at_risk, record.split, 4, 300, 0, record.one_ray)
    steps = m_steps({4: by_m})
    assert list(steps.columns) == list(M_STEP_COLUMNS)
    assert steps["data_points_to"].tolist() == [16, 64]
    first = steps.iloc[0]
    assert first.dS == pytest.approx(by_m[16].summary["S"]) and first.dS_low > 0
    assert first.dc_relative == pytest.approx(1.0)


def test_follow_reproduces_the_kernel_and_stops_on_one_ray():
    """The float64 follow, through the network's own layers, records the kernel's split flags;
    once it reports one ray, the kernel shows no later split (zero bias)."""
    n, M, K, start = 6, 64, 160, 24
    spec = ShardSpec("iid", n, K, 12, M, 4)
    record = simulate_splits(n, M, K, 12, seed=4)
    stopped = 0
    for t in range(12):
        x, weights = draw_grid_network(spec.as_metadata(), t)
        f = follow(x, weights, start, np.random.default_rng(0), K)
        kernel_split = record.split[t, start : start + f.layers]
        assert np.array_equal(f.split, kernel_split)
        if f.one_ray and f.layers < K - start:
            stopped += 1
            assert not record.split[t, start + f.layers :].any()
    assert stopped > 0  # some network settles inside the run: the check can fail


def test_extend_fills_the_layers_after_k():
    at_risk = np.ones((3, 8), bool)
    split = np.zeros((3, 8), bool)
    split[1, 6] = True
    alive_last = np.array([True, True, False])
    f = Followed(np.array([True, False, False, False]), np.ones(4, bool), True)
    risk, cut, settled = extend(at_risk, split, alive_last, {1: f}, 30, np.random.default_rng(1))
    assert risk.shape == cut.shape == (3, 12)
    assert risk[0, 8:].all() and risk[1, 8:].all()  # 2^-30 per layer: no death drawn
    assert not risk[2, 8:].any()  # dead at K stays dead
    assert cut[1, 8:].tolist() == [True, False, False, False] and not cut[0].any()
    assert settled.tolist() == [False, True, False]
    # a network followed but not settled adds nothing after its follow
    g = Followed(np.array([True, True]), np.ones(2, bool), False)
    risk, cut, settled = extend(
        at_risk, split, alive_last, {0: f, 1: g}, 30, np.random.default_rng(1)
    )
    assert risk.shape == (3, 12) and not risk[1, 10:].any() and not settled[1]


def test_settle_width_decides_the_tail():
    """n = 8 cut at K = 32, where many networks still split: following the late ones until
    their points are on one ray gives a finite tail, and S agrees with a run 8 times longer
    (all on one ray by then) within 5 bootstrap standard errors."""
    n, M, T, K = 8, 128, 200, 32
    spec = ShardSpec("iid", n, 256, T, M, 11).as_metadata()
    full = simulate_splits(n, M, 256, T, seed=11)
    at_risk, split = full.at_risk[:, :K], full.split[:, :K]
    late = late_networks(split)
    assert len(late) > 10
    risk, cut, settled, follows = settle_width(
        at_risk, split, full.alive[:, K - 1], lambda t: draw_grid_network(spec, t), n, 3
    )
    assert set(follows) == set(late.tolist()) and settled[late].all()
    ident = Identity(risk, cut, n, 500, 0, settled)
    assert ident.tail_bound == 0
    reference = Identity(full.at_risk, full.split, n, 500, 0).summary["S"]
    s = ident.summary
    se = (s["S_high"] - s["S_low"]) / (2 * 1.96)
    assert abs(s["S"] - reference) <= SIGMAS * se


def test_settled_identity_follows_only_what_it_must():
    """An infinite bound (network 0 splits in the last block only) is decided by following
    network 0, whose two points are on one ray (so it is settled at once); network 1, also a
    late splitter but known to be on one ray, is not followed; a finite bound follows none."""
    n, T, K = 4, 6, 16
    at_risk = np.ones((T, K), bool)
    split = np.zeros((T, K), bool)
    split[:, :3] = True
    split[0, K - 1] = split[1, K - 2] = True
    rng = np.random.default_rng(2)
    v = rng.standard_normal((n, 1))

    def draw(t):
        return np.hstack([v, 2.5 * v]), rng.standard_normal((K, n, n))

    known = np.zeros(T, bool)
    known[1] = True
    assert Identity(at_risk, split, n, 200, 0, known).tail_bound == math.inf
    ident, follows = settled_identity(at_risk, split, np.ones(T, bool), draw, n, 200, 0, known)
    assert set(follows) == {0} and follows[0].one_ray and follows[0].layers == 0
    assert ident.tail_bound == 0 and math.isfinite(ident.row(2)["c_high"])
    split[0, K // 2 : K // 2 + 2] = True  # the block before splits twice: finite, no follow
    ident, follows = settled_identity(at_risk, split, np.ones(T, bool), draw, n, 200, 0, known)
    assert follows == {} and math.isfinite(ident.tail_bound)


def test_memory_request_bounds_what_a_run_holds():
    """The request covers every network's float32 weights and data at once (the job draws them
    all before the kernel runs), and stays of the order of what such a job measures (~0.4 GB at
    n = 34, depth 816, 32 networks), never the multiply-add count (which once asked for 130 GB)."""
    run = Run(34, 1024, 816, 32)
    held = 4 * run.networks * (run.depth * run.n**2 + run.n * run.data_points)
    assert run.memory_mb * 2**20 >= held + 2**30
    assert run.memory_mb < 4000
    assert Run(8, 16384, 192, 64).memory_mb < 4000


def test_late_checks_give_the_same_tail():
    """checks="late" runs the one-ray pass on the late networks only: the same flags there,
    False (not checked) elsewhere, and the same split history and tail bound."""
    every = simulate_splits(6, 64, 24, 60, seed=3)
    late_only = simulate_splits(6, 64, 24, 60, seed=3, checks="late")
    late = late_mask(every.split)
    assert 0 < late.sum() < 60
    assert (every.split == late_only.split).all() and (every.alive == late_only.alive).all()
    assert (late_only.one_ray[late] == every.one_ray[late]).all()
    assert not late_only.one_ray[~late].any()
    assert identity(every, 200, 1).tail_bound == identity(late_only, 200, 1).tail_bound
    with pytest.raises(ValueError, match="checks"):
        simulate_splits(2, 4, 4, 2, seed=3, checks="some")
