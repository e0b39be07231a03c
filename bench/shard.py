"""Where a shard job's time goes: import, draw, kernel, table, write and exit.

Usage: python bench/shard.py [--scheme S] [--width N] [--depth K] [--networks T] [--repeats R]

Each repeat starts a fresh Python process (as Snakemake starts a shard job) that imports what
the job script imports (workflow/scripts/simulate_shard.py), draws the shard's networks, runs
the kernel (one thread), builds the table and writes the Parquet file, timing each phase with
the wall clock; the parent times the whole process, so `exit` is what is left after the write
(interpreter shutdown) and `import` includes the interpreter's start. The kernel is compiled
(or loaded from the disk cache) before the timed kernel call. Medians over the repeats, the
sgemm rate beside them. The last line is:
shard scheme=S n=N k=K T=T import_s=.. draw_s=.. kernel_s=.. table_s=.. write_s=.. exit_s=..
total_s=.. sgemm_gmacs=.. cpu=...
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

PHASES = ("import", "draw", "kernel", "table", "write", "exit")


def child(args: argparse.Namespace, path: str) -> None:
    """One shard job's phases, printed as JSON seconds since the process started."""
    marks = {"start": float(os.environ["RELUDEATH_BENCH_START"])}
    from reludeath.threads import limit_threads

    limit_threads(1)
    import numpy as np

    from reludeath import ShardSpec, __version__, kernel
    from reludeath.io import write_table
    from reludeath.simulate import draw_networks, shard_table

    marks["import"] = time.time()
    spec = ShardSpec(args.scheme, args.width, args.depth, args.networks, 1024, seed=0)
    scheme = spec.scheme_object
    dtype = scheme.dtype
    settings = scheme.kernel_settings(dtype)
    networks = np.arange(spec.networks)
    out = kernel.allocate_outputs(spec.networks, spec.depth)
    warm = draw_networks(spec, scheme, networks[:1], dtype)
    kernel.run_networks(*warm, settings, out.rows(0, 1), threads=1)  # compile or load
    marks["warm"] = time.time()
    arrays = draw_networks(spec, scheme, networks, dtype, threads=1)
    marks["draw"] = time.time()
    kernel.run_networks(*arrays, settings, out, threads=1)
    marks["kernel"] = time.time()
    table = shard_table(spec, out)
    marks["table"] = time.time()
    write_table(table, path, {"version": __version__, "spec": spec.as_metadata()})
    marks["write"] = time.time()
    print(json.dumps(marks), flush=True)


def phases(args: argparse.Namespace) -> dict[str, float]:
    """One fresh process's phase seconds."""
    with tempfile.TemporaryDirectory() as scratch:
        start = time.time()
        env = {**os.environ, "RELUDEATH_BENCH_START": repr(start)}
        command = [sys.executable, __file__, "--child", os.path.join(scratch, "s.parquet")]
        command += [f"--{k}={v}" for k in ("scheme", "width", "depth", "networks")
                    for v in [getattr(args, k)]]  # fmt: skip
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        end = time.time()
    m = json.loads(result.stdout.splitlines()[-1])
    return {
        "import": m["import"] - m["start"],
        "draw": m["draw"] - m["warm"],
        "kernel": m["kernel"] - m["draw"],
        "table": m["table"] - m["kernel"],
        "write": m["write"] - m["table"],
        "exit": end - m["write"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scheme", default="iid")
    parser.add_argument("--width", type=int, default=15)
    parser.add_argument("--depth", type=int, default=256)
    parser.add_argument("--networks", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args, args.child)
        return
    sys.path.insert(0, os.path.dirname(__file__))
    from machine import say, sgemm_gmacs

    runs = [phases(args) for _ in range(args.repeats)]
    median = {p: statistics.median(r[p] for r in runs) for p in PHASES}
    total = statistics.median(sum(r.values()) for r in runs)
    say(
        f"shard scheme={args.scheme} n={args.width} k={args.depth} T={args.networks} "
        + " ".join(f"{p}_s={median[p]:.3f}" for p in PHASES)
        + f" total_s={total:.3f} (without the warm-up) sgemm_gmacs={sgemm_gmacs():.1f} "
        f"load={os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
