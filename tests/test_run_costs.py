"""bench/run_costs.py groups a run's benchmark files by the rule file whose template they match,
the most specific template winning (an f-string field matches any name)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "run_costs.py"


@pytest.fixture(scope="module")
def run_costs():
    spec = importlib.util.spec_from_file_location("run_costs", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(BENCH.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH.parent))
    return module


def write(root: Path, relative: str, wall: float, cpu: float) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time"
    path.write_text(f"{header}\n{wall}\t0:00:01\t1\t1\t1\t1\t0\t0\t50\t{cpu}\n")


def test_each_benchmark_goes_to_its_rule_file(run_costs, tmp_path):
    write(tmp_path, "results/benchmarks/simulate_shard/iid/n3/k256/rep0.tsv", 1.5, 1.0)
    write(tmp_path, "results/benchmarks/simulate_shard/rai/n4/k256/rep1.tsv", 2.5, 2.0)
    write(tmp_path, "results/benchmarks/plot_figure1_top.tsv", 3.0, 2.5)  # plots.smk
    write(tmp_path, "results/benchmarks/plot_dynamics.tsv", 4.0, 3.0)  # dynamics.smk, literal
    write(tmp_path, "results/benchmarks/dy_lms.tsv", 5.0, 4.0)  # dynamics.smk, f-string
    write(tmp_path, "results/benchmarks/errata.tsv", 0.5, 0.25)
    totals, unmatched = run_costs.costs(tmp_path)
    assert unmatched == 0
    assert totals["simulate"] == [2, 4.0, 3.0]
    assert totals["plots"] == [1, 3.0, 2.5]
    assert totals["dynamics"] == [2, 9.0, 7.0]
    assert totals["errata"] == [1, 0.5, 0.25]


def test_files_no_rule_writes_are_counted_apart(run_costs, tmp_path):
    write(tmp_path, "results/benchmarks/somewhere/else.tsv", 1.0, 1.0)
    totals, unmatched = run_costs.costs(tmp_path)
    assert totals == {} and unmatched == 1
