"""Simulate one run of the deep family (reludeath.deep.plan.Run): its networks' split history."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging

from reludeath import __version__
from reludeath.deep.networks import simulate_splits
from reludeath.deep.store import write_record
from reludeath.io import log_to

log_to(snakemake.log[0])
run, seed = snakemake.params.run, snakemake.params.seed
record = simulate_splits(
    run.n, run.data_points, run.depth, run.networks, seed, threads=snakemake.threads
)
write_record(record, snakemake.output[0], {"version": __version__, "seed": seed})
logging.info(
    "%s: S = %.4g, last split %d, %d of %d on one ray",
    run.name,
    record.split.sum() / max(record.networks, 1),
    int(record.last_split.max()),
    int(record.one_ray.sum()),
    record.networks,
)
