"""V(n, k) for iid networks, and the verdict on Sigma(n) = o(2^n) and exponential decay; the
decay rate's interval from a bootstrap over the iid networks (reludeath.grid.variance)."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging
from collections import defaultdict

import pandas as pd

from reludeath import __version__
from reludeath.grid.aggregate import variance_table
from reludeath.grid.fit import assumption_report
from reludeath.grid.variance import decay_bootstrap, network_v
from reludeath.io import log_to, read_shard, stack_by_network, write_json, write_table

log_to(snakemake.log[0])
p = snakemake.params
cells = pd.read_parquet(snakemake.input.cells)
in_grid = cells["n"].isin(p.widths) & (cells["k"] <= p.depth)
variance = variance_table(cells[in_grid])
write_table(variance, snakemake.output.table, {"version": __version__, "table": "variance"})
parts = defaultdict(list)  # n -> [(first network, v, counted)]
for path in snakemake.input.shards:
    table, metadata = read_shard(path, columns=["alive_points", "sum_var", "mean_sq"])
    spec = metadata["spec"]
    shape = (spec["networks"], spec["depth"])
    v, counted = network_v(
        *(table.column(name).to_numpy().reshape(shape)[:, : p.depth]
          for name in ("alive_points", "sum_var", "mean_sq"))
    )  # fmt: skip
    parts[spec["width"]].append((spec["first_network"], v, counted))
per_width = {n: stack_by_network(shards) for n, shards in parts.items()}
intervals = decay_bootstrap(per_width, variance, p.seed, p.replicates)
report = assumption_report(variance, p.data_points, p.depth, intervals)
write_json(report, snakemake.output.verdict)
logging.info(report["verdict"]["summary"])
