"""The simulation shards a configuration needs, declared once: the workflow's file lists
(workflow/rules/common.smk) and the cost model (reludeath.cost, bench/scaling.py) read them.

Each (scheme, n) is simulated once, as deep as the grid (config `depth`) and the path
experiment (iid, n = ceil(n(k, p)) for k <= path.depth) need, in ceil(T / shard_networks)
replicates of at most shard_networks networks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from reludeath.bounds import path_width
from reludeath.schemes import configured_schemes

# Where a shard's table, its job's log and Snakemake's benchmark of the job live, by shard
# (the rule simulate_shard's output, log and benchmark; its wildcards label, n, k and rep).
SHARD_FILE = "results/shards/{label}/n{n}/k{k}/rep{rep}.parquet"
# The log's last line records the job's own CPU seconds (io.cpu_record).
SHARD_LOG = "results/logs/simulate_shard/{label}/n{n}/k{k}/rep{rep}.log"
# Columns s, ..., cpu_time.
SHARD_BENCHMARK = "results/benchmarks/simulate_shard/{label}/n{n}/k{k}/rep{rep}.tsv"
PATH_SCHEME = "iid"  # the path experiment's networks


@dataclass(frozen=True)
class PlannedShard:
    """One shard job: networks first_network .. first_network + networks - 1 of a scheme."""

    scheme: str
    options: tuple[tuple[str, object], ...]
    label: str
    width: int
    depth: int
    replicate: int
    first_network: int
    networks: int

    def _path(self, template: str) -> str:
        return template.format(label=self.label, n=self.width, k=self.depth, rep=self.replicate)

    @property
    def file(self) -> str:
        """The path of this shard's table."""
        return self._path(SHARD_FILE)

    @property
    def log(self) -> str:
        """The path of this shard job's log."""
        return self._path(SHARD_LOG)

    @property
    def benchmark(self) -> str:
        """The path of Snakemake's benchmark file of this shard's job."""
        return self._path(SHARD_BENCHMARK)


def shard_depths(
    schemes: Iterable[str],
    widths: Iterable[int],
    depth: int,
    path_p: Sequence[float],
    path_depth: int,
) -> dict[tuple[str, int], int]:
    """{(scheme, n): depth}: every scheme at every width to `depth`, and iid at each width of
    the path experiment as deep as its deepest cell, so no (scheme, n, k) runs twice."""
    depths = {(scheme, int(n)): int(depth) for scheme in schemes for n in widths}
    layers = np.arange(1, int(path_depth) + 1)
    for p in path_p:
        # ceil(n(k, p)) grows with k: each width's deepest cell is its last k on the path
        for n, k in zip(path_width(layers, p), layers, strict=True):
            key = (PATH_SCHEME, int(n))
            depths[key] = max(depths.get(key, 0), int(k))
    return depths


def replicates(networks: int, shard_networks: int) -> list[tuple[int, int]]:
    """(first network, networks) of each replicate: ceil(T / shard) of them, the last smaller."""
    count = math.ceil(networks / shard_networks)
    return [
        (rep * shard_networks, min(shard_networks, networks - rep * shard_networks))
        for rep in range(count)
    ]


def planned_shards(config: dict) -> list[PlannedShard]:
    """Every shard job of a checked configuration (defaults filled in), sorted as the
    workflow lists them."""
    configured = configured_schemes(config["schemes"])
    depths = shard_depths(
        configured, config["widths"], config["depth"], config["path"]["p"],
        config["path"]["depth"],
    )  # fmt: skip
    out = []
    for (scheme, n), k in sorted(depths.items()):
        options, label = configured.get(scheme, ({}, scheme))
        for rep, (first, count) in enumerate(
            replicates(config["networks"], config["shard_networks"])
        ):
            out.append(
                PlannedShard(scheme, tuple(sorted(options.items())), label, n, k, rep, first, count)
            )
    return out
