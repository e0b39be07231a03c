"""What each family of a finished run cost: job-seconds and CPU-seconds per rule file.

Usage: python bench/run_costs.py [--root DIR] [--no-sgemm]

Reads the benchmark files Snakemake wrote under DIR/results/benchmarks (default DIR = .) and
groups them by the rule file whose `benchmark:` template they match (workflow/rules/*.smk, the
shard jobs through `reludeath.plan.SHARD_BENCHMARK`), so the grouping is the rule files' own.
`job_s` is the sum of the jobs' wall seconds (Snakemake's `s`), `cpu_s` the sum of their CPU
seconds (`cpu_time`); with --cores 2 the run's wall time is at least job_s / 2. The machine's
sgemm rate is printed first (bench/machine.py) unless --no-sgemm. Lines:
family=F jobs=J job_s=S cpu_s=C ... cpu=...
total jobs=J job_s=S cpu_s=C unmatched=U ... cpu=...
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from machine import say, sgemm_gmacs

from reludeath.plan import SHARD_BENCHMARK

RULES = Path(__file__).resolve().parent.parent / "workflow" / "rules"
TEMPLATE = re.compile(r'benchmark:\s*\n\s*f?"(results/benchmarks/[^"]+)"')


class Template:
    """A benchmark path template ('{wildcard}' parts, f-string fields alike) as a regex, with
    its literal text's length (the longer, the more specific)."""

    def __init__(self, template: str) -> None:
        parts = re.split(r"\{[^}]*\}", template)
        self.regex = re.compile("[^/]+?".join(re.escape(p) for p in parts) + r"$")
        self.literal = sum(map(len, parts))

    def match(self, path: str) -> bool:
        return self.regex.match(path) is not None


def families() -> dict[str, list[Template]]:
    """Rule file stem -> the regexes of the benchmark files its rules write."""
    found = {
        path.stem: [Template(t) for t in TEMPLATE.findall(path.read_text())]
        for path in sorted(RULES.glob("*.smk"))
    }
    found["simulate"] = [Template(SHARD_BENCHMARK)]
    return {name: regexes for name, regexes in found.items() if regexes}


def read_benchmark(path: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one Snakemake benchmark file (its last row)."""
    with path.open() as f:
        row = list(csv.DictReader(f, delimiter="\t"))[-1]
    return float(row["s"]), float(row["cpu_time"])


def costs(root: Path) -> tuple[dict[str, list[float]], int]:
    """Family -> [jobs, job seconds, CPU seconds], and the count of unmatched files."""
    groups = families()
    totals = {name: [0, 0.0, 0.0] for name in groups}
    unmatched = 0
    for path in sorted((root / "results" / "benchmarks").rglob("*.tsv")):
        relative = path.relative_to(root).as_posix()
        matches = [(r.literal, n) for n, rs in groups.items() for r in rs if r.match(relative)]
        if not matches:
            unmatched += 1
            continue
        name = max(matches)[1]  # the most specific template (an f-string field matches any name)
        wall, cpu = read_benchmark(path)
        totals[name][0] += 1
        totals[name][1] += wall
        totals[name][2] += cpu
    return {n: t for n, t in totals.items() if t[0]}, unmatched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--no-sgemm", action="store_true")
    args = parser.parse_args()
    if not args.no_sgemm:
        say(f"sgemm_gmacs={sgemm_gmacs():.1f}")
    totals, unmatched = costs(args.root)
    for name, (jobs, wall, cpu) in sorted(totals.items(), key=lambda item: -item[1][1]):
        say(f"family={name} jobs={jobs} job_s={wall:.1f} cpu_s={cpu:.1f}")
    jobs, wall, cpu = (sum(t[i] for t in totals.values()) for i in range(3))
    say(f"total jobs={jobs} job_s={wall:.1f} cpu_s={cpu:.1f} unmatched={unmatched}")


if __name__ == "__main__":
    main()
