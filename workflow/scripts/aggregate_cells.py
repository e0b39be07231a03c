"""Sum every shard's per-layer statistics into one row per (scheme, n, k), and count the
near-constant networks per (scheme, n, tau, k) of the grid."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging

from reludeath import __version__
from reludeath.grid.aggregate import combine, summarize_shard
from reludeath.grid.constancy import (
    combine_near_constant,
    near_constant_counts,
    near_constant_table,
)
from reludeath.io import log_to, read_shard, write_table

log_to(snakemake.log[0])

columns = [
    *("alive_points", "sum_var", "mean_sq", "collapsed", "output_nonzero", "split"),
    *("constant", "output_spread"),
]
params = snakemake.params
summaries, near = [], []
for path in snakemake.input:
    table, metadata = read_shard(path, columns=columns)
    spec = metadata["spec"]
    summaries.append(summarize_shard(table, spec))
    spread = table.column("output_spread").to_numpy().reshape(spec["networks"], spec["depth"])
    near.append(near_constant_counts(spread, spec, params.tolerances))
cells = combine(summaries)
write_table(cells, snakemake.output.cells, {"version": __version__, "shards": len(summaries)})
near_constant = near_constant_table(
    combine_near_constant(near), params.schemes, params.widths, params.depth
)
write_table(near_constant, snakemake.output.near_constant, {"version": __version__})
logging.info("combined %d shards into %d cells", len(summaries), len(cells))
