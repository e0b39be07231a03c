"""Sum every shard's per-layer statistics into one row per (scheme, n, k)."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging

from reludeath import __version__
from reludeath.grid.aggregate import combine, summarize_shard
from reludeath.io import log_to, read_shard, write_table

log_to(snakemake.log[0])

columns = ["alive_points", "sum_var", "mean_sq", "collapsed", "output_nonzero", "split"]
summaries = []
for path in snakemake.input:
    table, metadata = read_shard(path, columns=columns)
    summaries.append(summarize_shard(table, metadata["spec"]))
cells = combine(summaries)
write_table(cells, snakemake.output[0], {"version": __version__, "shards": len(summaries)})
logging.info("combined %d shards into %d cells", len(summaries), len(cells))
