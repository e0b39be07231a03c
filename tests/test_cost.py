"""The cost model's arithmetic (reludeath.cost) and the shard plan it sums over
(reludeath.plan); nothing here is timed."""

import math

import pytest

from reludeath.cost import (
    Cost,
    Rates,
    measured_cost,
    read_benchmark,
    run_cost,
    shard_cost,
    shard_cpu,
)
from reludeath.io import cpu_record, read_cpu_record
from reludeath.plan import PlannedShard, planned_shards, replicates, shard_depths

HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def config(**changes):
    base = {
        "schemes": ["iid", {"iid_bias": {"bias_std": 0.5}}],
        "widths": [2, 3],
        "depth": 8,
        "networks": 10,
        "shard_networks": 4,
        "path": {"p": [0.5], "depth": 4},
    }
    return {**base, **changes}


def test_shard_cost_is_job_plus_networks_times_rates():
    cost = shard_cost(10, Rates(kernel=0.5, draw=0.25, table=0.125), job_s=2.0)
    assert (cost.kernel, cost.draw, cost.other) == (5.0, 2.5, 2.0 + 1.25)
    assert cost.total == 10.75


def test_costs_add_by_part():
    total = sum([Cost(1, 2, 3), Cost(10, 20, 30)], Cost())
    assert (total.kernel, total.draw, total.other, total.total) == (11, 22, 33, 66)


def test_replicates_cover_every_network_once():
    assert replicates(10, 4) == [(0, 4), (4, 4), (8, 2)]
    assert replicates(8, 4) == [(0, 4), (4, 4)]
    assert replicates(3, 1024) == [(0, 3)]


def test_path_widths_deepen_iid_only():
    depths = shard_depths(["iid_bias"], [2], 8, [0.9], 300)
    assert depths[("iid_bias", 2)] == 8
    deep = {n: k for (scheme, n), k in depths.items() if scheme == "iid"}
    assert deep and all(k <= 300 for k in deep.values())
    assert max(deep.values()) == 300  # the path's deepest cell


def test_run_cost_sums_replicates_of_each_shard():
    shards = planned_shards(config())
    keys = {(s.label, s.width, s.depth) for s in shards}
    assert ("iid_bias-bias_std0.5", 2, 8) in keys
    rates = {k: Rates(kernel=1.0 * k[1], draw=0.5, table=0.0) for k in keys}
    cost = run_cost(shards, rates, job_s=0.25)
    # Each key: 3 replicates of 4 + 4 + 2 networks.
    for (_label, n, _k), c in cost.items():
        assert c.kernel == pytest.approx(10 * n)
        assert c.draw == pytest.approx(5.0)
        assert c.other == pytest.approx(3 * 0.25)
    assert sum(c.total for c in cost.values()) == pytest.approx(
        sum(10 * n + 5.0 + 0.75 for (_, n, _) in keys)
    )


def test_run_cost_names_a_missing_rate():
    shard = PlannedShard("iid", (), "iid", 2, 8, 0, 0, 4)
    with pytest.raises(KeyError, match="iid', 2, 8"):
        run_cost([shard], {}, 0.0)


def test_rates_refuse_negative_or_nan():
    with pytest.raises(ValueError, match=r"Rates\.kernel"):
        Rates(kernel=-1.0, draw=0.0)
    with pytest.raises(ValueError, match=r"Rates\.draw"):
        Rates(kernel=0.0, draw=math.nan)


def test_measured_cost_reads_cpu_time_of_complete_keys(tmp_path):
    shards = [PlannedShard("iid", (), "iid", 2, 8, rep, 4 * rep, 4) for rep in range(2)]
    shards.append(PlannedShard("iid", (), "iid", 3, 8, 0, 0, 4))
    for shard, cpu in zip(shards[:2], ("1.5", "2.25"), strict=True):
        path = tmp_path / shard.benchmark
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(HEADER + f"3.0\t0:00:03\t1\t1\t1\t1\t0\t0\t50\t{cpu}\n")
    assert read_benchmark(tmp_path / shards[0].benchmark) == 1.5
    # n = 3 has no benchmark file: left out rather than counted as free.
    assert measured_cost(shards, tmp_path) == {("iid", 2, 8): 3.75}


def test_measured_cost_prefers_the_jobs_own_cpu_record(tmp_path):
    shards = [PlannedShard("iid", (), "iid", 2, 8, rep, 4 * rep, 4) for rep in range(2)]
    for shard in shards:  # Snakemake's polled figure, short of the truth
        path = tmp_path / shard.benchmark
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(HEADER + "3.0\t0:00:03\t1\t1\t1\t1\t0\t0\t50\t0.5\n")
    log = tmp_path / shards[0].log
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("INFO simulating ...\nINFO process cpu_s=0.731\n")
    assert shard_cpu(shards[0], tmp_path) == 0.731
    assert shard_cpu(shards[1], tmp_path) == 0.5  # no log: the benchmark's figure
    assert measured_cost(shards, tmp_path) == {("iid", 2, 8): pytest.approx(1.231)}


def test_cpu_record_round_trips(tmp_path):
    path = tmp_path / "job.log"
    assert read_cpu_record(path) is None
    path.write_text("no record here\n")
    assert read_cpu_record(path) is None
    path.write_text(f"x\n{cpu_record()}\n")
    assert 0 < read_cpu_record(path) < 1e6


def test_read_benchmark_refuses_other_files(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text("a\tb\n1\t2\n")
    with pytest.raises(ValueError, match="cpu_time"):
        read_benchmark(path)
