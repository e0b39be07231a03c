"""What a run costs in CPU-seconds, predicted before it runs and read back after.

A shard job of T networks costs

    C = c_job + T * (c_kernel + c_draw + c_table)

CPU-seconds, where c_kernel is the kernel's cost of one network, c_draw that of drawing its
parameters and data (everything spent outside the kernel call to make its inputs), c_table
that of its rows in the shard's table and Parquet file, all three measured at the shard's own
(scheme, n, k, M) on a sample of its networks (bench/scaling.py), and c_job the fixed cost of
a job (interpreter, imports, Snakemake's script wrapper). The run's prediction is the sum over
its shards (reludeath.plan); the measured figure is the sum over the shards of the CPU seconds
each job logged last (user + system of its process, ``io.cpu_record``), or, for logs without
that record, of Snakemake's per-job `cpu_time` (polled every 0.5 s, so 0-0.5 s short a job).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from reludeath.io import read_cpu_record
from reludeath.plan import PlannedShard

Key = tuple[str, int, int]  # (label, n, k): what a shard's rates depend on, with M


@dataclass(frozen=True)
class Rates:
    """CPU-seconds per network of one (label, n, k): kernel, drawing, table and Parquet."""

    kernel: float
    draw: float
    table: float = 0.0

    def __post_init__(self) -> None:
        for name in ("kernel", "draw", "table"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"Rates.{name} must be a finite number >= 0, got {value!r}")


@dataclass(frozen=True)
class Cost:
    """CPU-seconds of a shard or a run: kernel, drawing, and the rest (job + table)."""

    kernel: float = 0.0
    draw: float = 0.0
    other: float = 0.0

    @property
    def total(self) -> float:
        return self.kernel + self.draw + self.other

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.kernel + other.kernel, self.draw + other.draw, self.other + other.other)


def key(shard: PlannedShard) -> Key:
    """The rates' key of a shard."""
    return (shard.label, shard.width, shard.depth)


def shard_cost(networks: int, rates: Rates, job_s: float) -> Cost:
    """C = c_job + T * (c_kernel + c_draw + c_table), split as (kernel, draw, other)."""
    if networks < 0 or job_s < 0:
        raise ValueError(f"networks and job_s must be >= 0, got {networks!r} and {job_s!r}")
    return Cost(networks * rates.kernel, networks * rates.draw, job_s + networks * rates.table)


def run_cost(
    shards: Iterable[PlannedShard], rates: Mapping[Key, Rates], job_s: float
) -> dict[Key, Cost]:
    """{(label, n, k): predicted cost of its shards}, summed over replicates."""
    out: dict[Key, Cost] = {}
    for shard in shards:
        if key(shard) not in rates:
            raise KeyError(f"no measured rates for shard {key(shard)}")
        out[key(shard)] = out.get(key(shard), Cost()) + shard_cost(
            shard.networks, rates[key(shard)], job_s
        )
    return out


def read_benchmark(path: str | Path) -> float:
    """Snakemake's `cpu_time` of a job from its benchmark file (the mean over repeats)."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if not rows or "cpu_time" not in rows[0]:
        raise ValueError(f"{path}: not a Snakemake benchmark file (no cpu_time column)")
    values = [float(row["cpu_time"]) for row in rows if row["cpu_time"] not in ("", "NA")]
    if not values:
        raise ValueError(f"{path}: no cpu_time recorded")
    return sum(values) / len(values)


def shard_cpu(shard: PlannedShard, root: str | Path = ".") -> float | None:
    """CPU-seconds of a shard's job: the record its script logged last (``io.cpu_record``, the
    process's own CPU time, exact), else Snakemake's benchmark ``cpu_time`` (psutil polled every
    0.5 s, so it misses the CPU after the last poll: 0-0.5 s a job), else None."""
    logged = read_cpu_record(Path(root) / shard.log)
    if logged is not None:
        return logged
    path = Path(root) / shard.benchmark
    return read_benchmark(path) if path.exists() else None


def measured_cost(shards: Iterable[PlannedShard], root: str | Path = ".") -> dict[Key, float]:
    """{(label, n, k): CPU-seconds measured (``shard_cpu``)}, for the keys whose every shard
    has a measurement under `root`."""
    found: dict[Key, float] = {}
    missing: set[Key] = set()
    for shard in shards:
        seconds = shard_cpu(shard, root)
        if seconds is None:
            missing.add(key(shard))
        else:
            found[key(shard)] = found.get(key(shard), 0.0) + seconds
    return {k: v for k, v in found.items() if k not in missing}
