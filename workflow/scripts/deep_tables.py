"""The deep family's tables: split.parquet (grid widths and deep widths), path.parquet,
data_points.parquet (the M sweep) and networks.parquet (per-network last split, one ray)."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging
from collections import defaultdict
from pathlib import Path

import numpy as np

from reludeath import __version__
from reludeath.deep.estimate import monotone_violations, s_table
from reludeath.deep.identity import identity
from reludeath.deep.path import path_table
from reludeath.deep.settle import draw_grid_network
from reludeath.deep.store import read_record
from reludeath.deep.tables import m_steps, network_table, settled_width, split_table
from reludeath.grid.split import network_split_arrays
from reludeath.io import cpu_record, log_to, read_shard, write_table
from reludeath.simulate import ShardSpec

log_to(snakemake.log[0])
inputs, params = snakemake.input, snakemake.params
replicates, seed = params.replicates, params.seed

# The grid's widths, from its iid shards, cut at the grid's depth (as split_bootstrap does).
arrays, grid_points, origin = defaultdict(list), {}, defaultdict(list)
for path in inputs.grid:
    table, metadata = read_shard(path, columns=["alive_points", "split"])
    spec = metadata["spec"]
    if spec["width"] not in params.grid_widths:
        continue
    keep = min(params.grid_depth, spec["depth"])
    at_risk, split = network_split_arrays(
        table, spec["networks"], spec["depth"], spec["data_points"], keep=keep
    )
    points = table.column("alive_points").to_numpy().reshape(spec["networks"], spec["depth"])
    arrays[spec["width"]].append((at_risk, split, points[:, keep - 1] > 0))
    origin[spec["width"]] += [(spec, t) for t in range(spec["networks"])]
    grid_points[spec["width"]] = spec["data_points"]


def settled(at_risk, split, alive_last, draw, n, data_points, study, source, known=None):
    """settled_width, logged; its follows kept for networks.parquet, its row for split.parquet."""
    width = settled_width(
        at_risk, split, alive_last, draw, n, data_points, study, replicates, seed, known
    )
    ident = width.identity
    followed.append(width.followed)
    logging.info(
        "n = %d: %d late networks followed, %d on one ray, up to layer %d; tail bound %g",
        n,
        len(width.followed),
        int(width.followed["one_ray"].sum()),
        ident.depth,
        ident.tail_bound,
    )
    widths[n] = (width.influence, data_points, width.depth, source, ident.tail_bound)
    return ident


identities, followed, widths = {}, [], {}
for n, parts in sorted(arrays.items()):
    at_risk, split, alive_last = (np.concatenate(part) for part in zip(*parts, strict=True))
    identities[n] = settled(
        at_risk,
        split,
        alive_last,
        lambda t, n=n: draw_grid_network(*origin[n][t]),
        n,
        grid_points[n],
        "grid_late",
        "grid",
    )
wide = [read_record(p) for d in inputs.wide for p in sorted(Path(d).glob("*.parquet"))]
for r in wide:
    spec = ShardSpec("iid", r.n, r.depth, r.networks, r.data_points, seed).as_metadata()
    identities[r.n] = settled(
        r.at_risk,
        r.split,
        r.alive[:, -1],
        lambda t, spec=spec: draw_grid_network(spec, t),
        r.n,
        r.data_points,
        "path_late",
        "deep",
        r.one_ray,
    )
sweep = [read_record(p) for d in inputs.sweep for p in sorted(Path(d).glob("*.parquet"))]
meta = {"version": __version__, "replicates": replicates, "seed": seed}
table = s_table(widths)
write_table(table, snakemake.output.split, meta)
plateau = {int(r.n): (r.c_low, r.c_high) for r in table.itertuples()}
path = path_table(identities, params.p, params.depths, plateau)
write_table(path, snakemake.output.path, meta)
swept = [(identity(r, replicates, seed), r.data_points) for r in sweep]
write_table(split_table(swept), snakemake.output.data_points, meta)
by_width = defaultdict(dict)
for ident, m in swept:
    by_width[ident.n][m] = ident
write_table(m_steps(by_width), snakemake.output.m_steps, meta)
write_table(network_table(wide, sweep, followed), snakemake.output.networks, meta)
logging.info("widths %s; %d path rows; %d M-sweep rows", sorted(identities), len(path), len(swept))
logging.info("S(n) not monotone within its intervals at %s", monotone_violations(table) or "none")
logging.info(cpu_record())
