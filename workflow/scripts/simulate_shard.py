"""Simulate one shard and write it, with its definition as provenance, to Parquet."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging

from reludeath import ShardSpec, __version__, simulate_shard
from reludeath.io import cpu_record, log_to, write_table

log_to(snakemake.log[0])

first, networks = snakemake.params.networks
scheme, options = snakemake.params.scheme
spec = ShardSpec(
    scheme=scheme,
    options=tuple(sorted(options.items())),
    width=int(snakemake.wildcards.n),
    depth=int(snakemake.wildcards.k),
    networks=networks,
    data_points=snakemake.params.data_points,
    seed=snakemake.params.seed,
    first_network=first,
    shared_data=snakemake.params.shared_data,
)
logging.info("simulating %s", spec)
table = simulate_shard(spec, threads=snakemake.threads)
write_table(
    table,
    snakemake.output[0],
    {
        "version": __version__,
        "format": snakemake.params.shard_format,
        "spec": spec.as_metadata(),
    },
)
logging.info("wrote %d rows to %s", table.num_rows, snakemake.output[0])
logging.info(cpu_record())
