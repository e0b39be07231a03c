"""Simulate a bundle of the deep family's runs (reludeath.deep.plan): each run's networks'
split history, one file per run in the bundle's directory."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging
from pathlib import Path

from reludeath import __version__
from reludeath.deep.networks import late_mask, simulate_splits
from reludeath.deep.store import write_record
from reludeath.io import cpu_record, log_to

log_to(snakemake.log[0])
seed = snakemake.params.seed
directory = Path(snakemake.output[0])
directory.mkdir(parents=True, exist_ok=True)
for run in snakemake.params.runs:
    record = simulate_splits(
        run.n,
        run.data_points,
        run.depth,
        run.networks,
        seed,
        threads=snakemake.threads,
        checks="late",
    )
    write_record(record, directory / f"{run.name}.parquet", {"version": __version__, "seed": seed})
    logging.info(
        "%s: %d splits, last at layer %d, %d of %d late networks on one ray",
        run.name,
        int(record.split.sum()),
        int(record.last_split.max()),
        int(record.one_ray.sum()),
        int(late_mask(record.split).sum()),
    )
logging.info(cpu_record())
