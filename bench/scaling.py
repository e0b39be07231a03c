"""How the kernel's cost grows, and what a run will cost before it runs.

Usage: python bench/scaling.py [--configfile FILE ...] [--sample S] [--root DIR] [--cost-only]

1. The cost model (reludeath.cost, docs/kernel.md "What a run costs"): for the default config
   (config/config.yaml) and for each --configfile (read on top of it, as Snakemake does), the
   predicted CPU-seconds of its shard jobs, C = c_job + T * (c_kernel + c_draw + c_table)
   per shard, with the per-network rates measured here, one thread, process CPU time, on the
   first S networks (default 32) of each (scheme, n, k) at the config's M, and c_job from
   starting a Python process that imports what a shard job imports and writes a one-network
   shard. Beside each, the CPU-seconds
   Snakemake measured (`cpu_time` of results/benchmarks/simulate_shard/..., under --root,
   default .) where every shard of that (scheme, n, k) has run. Compiling the kernel is not in
   it (once per machine, bench/compile.py). Each config's line:
   cost config=F predicted_cpu_s=P kernel_cpu_s=K draw_cpu_s=D other_cpu_s=O measured_cpu_s=Q
   (Q over the measured keys only, with the prediction for those same keys beside it).
2. Unless --cost-only: seconds per network and per layer against the width n (1..64), the
   number of points M and the depth k, with the fitted exponents (least squares on log-log).
   Living networks (signflip, which never dies) should cost ~ n^2 * M * k; a network that has
   died costs nothing more (iid at n = 2, where almost every network is dead within a few
   layers). Small layers also pay a fixed cost per layer (the driver's statistics, a pass's
   set-up and final sums: about 0.5 us) and per network (about 40 us), so the exponents are
   fitted where the work dominates (n >= 8, M >= 1024), and the fixed costs are printed too.
The machine's sgemm rate is printed first; the last line is then
exponent_n=A exponent_M=B exponent_k=C
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, os.path.dirname(__file__))
from machine import say, sgemm_gmacs

from reludeath import ShardSpec, kernel
from reludeath.config import check_config
from reludeath.cost import Cost, Rates, key, measured_cost, run_cost
from reludeath.io import write_table
from reludeath.plan import PlannedShard, planned_shards
from reludeath.simulate import draw_networks, simulate_shard

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO / "config" / "config.yaml"
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
# A shard job's fixed part: its imports, and a one-network shard made and written.
JOB = """import sys, snakemake.script, reludeath.threads
from reludeath import ShardSpec, simulate_shard
from reludeath.io import write_table
spec = ShardSpec("iid", 1, 1, 1, 1, seed=0)
write_table(simulate_shard(spec), sys.argv[1], {"spec": spec.as_metadata()})
"""
T = 64


def merged(base: dict, update: dict) -> dict:
    """`update` read on top of `base`, mappings merged key by key (Snakemake's --configfile)."""
    out = dict(base)
    for name, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(name), dict):
            out[name] = merged(out[name], value)
        else:
            out[name] = value
    return out


def load_config(path: Path | None) -> dict:
    """The default config, with `path` on top, checked and completed by the schema."""
    config = yaml.safe_load(DEFAULT_CONFIG.read_text())
    if path is not None:
        config = merged(config, yaml.safe_load(Path(path).read_text()) or {})
    return check_config(config, yaml.safe_load(SCHEMA.read_text()))


def job_seconds(scratch: Path, repeats: int = 3) -> float:
    """CPU-seconds of a Python process that imports what a shard job imports and makes and
    writes a one-network shard (median)."""
    spent = []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", JOB, str(scratch / "job.parquet")], check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        spent.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(spent)


def whole_seconds(spec: ShardSpec, scratch: Path) -> float:
    """CPU-seconds to simulate the shard `spec` (one thread) and write it."""
    start = time.process_time()
    table = simulate_shard(spec, threads=1)
    write_table(table, scratch / "shard.parquet", {"spec": spec.as_metadata()})
    return time.process_time() - start


def measure_rates(shard: PlannedShard, config: dict, sample: int, scratch: Path) -> Rates:
    """CPU-seconds per network of the shard's first `sample` networks, one thread: drawing and
    kernel timed alone; the table's share from the whole shard's time at `sample` networks and
    at one, less drawing and kernel (so the shard's fixed part, in c_job, is not counted)."""
    spec = ShardSpec(
        shard.scheme, shard.width, shard.depth, max(2, min(sample, shard.networks)),
        config["data_points"], config["seed"], first_network=shard.first_network,
        shared_data=config["shared_data"], options=shard.options,
    )  # fmt: skip
    scheme = spec.scheme_object
    dtype = scheme.dtype
    settings = scheme.kernel_settings(dtype)
    count, depth = spec.networks, spec.depth
    outs = kernel.allocate_outputs(count, depth)
    networks = np.arange(spec.first_network, spec.first_network + count)
    first = draw_networks(spec, scheme, networks[:1], dtype)  # compile, or load from the cache
    kernel.run_networks(*first, settings, outs.rows(0, 1), threads=1)
    start = time.process_time()  # drawn as simulate_shard draws a chunk, one thread
    x, w, b = draw_networks(spec, scheme, networks, dtype)
    draw_s = time.process_time() - start
    start = time.process_time()
    kernel.run_networks(x, w, b, settings, outs, threads=1)
    kernel_s = time.process_time() - start
    one = whole_seconds(replace(spec, networks=1), scratch)
    table_s = (whole_seconds(spec, scratch) - one) / (count - 1) - (draw_s + kernel_s) / count
    return Rates(kernel_s / count, draw_s / count, max(0.0, table_s))


def cost_report(name: str, config: dict, sample: int, root: Path, job_s: float) -> None:
    """Print the predicted and measured CPU-seconds of a config's shard jobs."""
    shards = planned_shards(config)
    rates = {}
    with tempfile.TemporaryDirectory() as scratch:
        for shard in shards:
            if key(shard) not in rates:
                rates[key(shard)] = measure_rates(shard, config, sample, Path(scratch))
    predicted = run_cost(shards, rates, job_s)
    measured = measured_cost(shards, root)
    say(f"{name}: {len(shards)} shard jobs, M={config['data_points']}, c_job={job_s:.2f} s")
    say("  scheme n k: predicted CPU-s (kernel + draw + other) [measured]")
    for (label, n, k), cost in predicted.items():
        seen = measured.get((label, n, k))
        say(
            f"  {label} n={n} k={k}: {cost.total:.2f} ({cost.kernel:.2f} + {cost.draw:.2f} + "
            f"{cost.other:.2f})" + (f" [{seen:.2f}]" if seen is not None else "")
        )
    total = sum(predicted.values(), Cost())
    same = sum((predicted[k].total for k in measured), 0.0)
    line = (
        f"cost config={name} predicted_cpu_s={total.total:.1f} kernel_cpu_s={total.kernel:.1f} "
        f"draw_cpu_s={total.draw:.1f} other_cpu_s={total.other:.1f}"
    )
    if measured:
        line += (
            f" measured_cpu_s={sum(measured.values()):.1f} (predicted {same:.1f} for the "
            f"{len(measured)} of {len(predicted)} (scheme, n, k) measured)"
        )
    say(line, flush=True)


def seconds(scheme_name: str, n: int, M: int, k: int) -> float:
    """Median kernel seconds for T networks (parameters drawn beforehand)."""
    spec = ShardSpec(scheme_name, n, k, T, M, seed=0)
    scheme = spec.scheme_object
    x, w, b = draw_networks(spec, scheme, np.arange(T), scheme.dtype)
    outs = kernel.allocate_outputs(T, k)
    settings = scheme.kernel_settings()
    kernel.run_networks(x[:1], w[:1], b[:1], settings, outs.rows(0, 1))  # compile
    times = []
    for _ in range(3):
        start = time.perf_counter()
        kernel.run_networks(x, w, b, settings, outs)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def fit(xs: list[int], ys: list[float]) -> float:
    """Slope of log y against log x."""
    return float(np.polyfit(np.log(xs), np.log(ys), 1)[0])


def exponents() -> None:
    say(f"T={T}")
    widths, points, depths = (
        [1, 2, 4, 8, 16, 24, 32, 48, 64],
        [64, 256, 1024, 4096, 8192],
        [32, 64, 128, 256],
    )
    ys = [seconds("signflip", n, 1024, 64) for n in widths]
    for n, y in zip(widths, ys, strict=True):
        say(f"n={n:3d} M=1024 k=64: {y / T / 64 * 1e6:8.2f} us per network and layer")
    e_n = fit(widths[3:], ys[3:])
    ys = [seconds("signflip", 8, m, 64) for m in points]
    for m, y in zip(points, ys, strict=True):
        say(f"n=8 M={m:5d} k=64: {y / T / 64 * 1e6:8.2f} us per network and layer")
    e_m = fit(points[2:], ys[2:])
    ys = [seconds("signflip", 8, 1024, k) for k in depths]
    for k, y in zip(depths, ys, strict=True):
        say(f"n=8 M=1024 k={k:4d}: {y / T / k * 1e6:8.2f} us per network and layer")
    e_k = fit(depths, ys)
    per_layer, per_network = np.polyfit(depths, np.array(ys) / T, 1)
    say(f"n=8 M=1024: {per_layer * 1e6:.2f} us per layer, {per_network * 1e6:.1f} us per network")
    dead = [seconds("iid", 2, 1024, k) for k in depths]
    for k, y in zip(depths, dead, strict=True):
        say(f"iid n=2 (dies) M=1024 k={k:4d}: {y / T * 1e6:8.1f} us per network")
    say(f"dying networks: exponent in k {fit(depths, dead):.2f} (0: cost stops at death)")
    say(f"exponent_n={e_n:.2f} exponent_M={e_m:.2f} exponent_k={e_k:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configfile", type=Path, action="append", default=[])
    parser.add_argument("--sample", type=int, default=32, help="networks measured per shard")
    parser.add_argument("--root", type=Path, default=Path("."), help="where results/ lies")
    parser.add_argument("--cost-only", action="store_true", help="skip the exponents")
    args = parser.parse_args()
    if args.sample < 1:
        parser.error(f"--sample must be >= 1, not {args.sample}")
    say(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    say(f"sgemm_gmacs={sgemm_gmacs():.1f} (2048^3 float32 matmul, all cores)", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        job_s = job_seconds(Path(scratch))
    for path in [None, *args.configfile]:
        name = "config/config.yaml" if path is None else str(path)
        cost_report(name, load_config(path), args.sample, args.root, job_s)
    if not args.cost_only:
        exponents()


if __name__ == "__main__":
    main()
