"""O5 paired: the split identity against the direct P / l, bootstrap over shared networks."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging
from collections import defaultdict

from reludeath import __version__
from reludeath.grid.identity import identity_summary, network_arrays_from_shard, paired_identity_row
from reludeath.io import log_to, read_shard, stack_by_network, write_json, write_table

log_to(snakemake.log[0])
p = snakemake.params
parts = defaultdict(list)  # (scheme, n) -> [(first network, alive, at_risk, split)]
for path in snakemake.input:
    table, metadata = read_shard(path, columns=["alive_points", "split"])
    spec = metadata["spec"]
    shape = (spec["networks"], spec["depth"])
    alive = table.column("alive_points").to_numpy().reshape(shape)
    split = table.column("split").to_numpy(zero_copy_only=False).reshape(shape)
    arrays = network_arrays_from_shard(alive, split, spec["data_points"], p.depth)
    parts[(spec["scheme"], spec["width"])].append((spec["first_network"], *arrays))
rows = []
for (scheme, n), shards in sorted(parts.items()):
    row = paired_identity_row(scheme, n, stack_by_network(shards), p.seed, p.replicates)
    if row is not None:
        rows.append(row)
table, summary = identity_summary(rows)
write_table(table, snakemake.output.table, {"version": __version__, "table": "identity_paired"})
write_json(summary, snakemake.output.summary)
logging.info("%s", summary)
