"""Run one dynamics experiment (params.experiment) and write each of its tables."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging

from reludeath import __version__
from reludeath.dynamics.registry import run_experiment
from reludeath.io import log_to, write_table

log_to(snakemake.log[0])

name = snakemake.params.experiment
tables = run_experiment(name, snakemake.params.section, snakemake.params.seed)
for table, path in snakemake.output.items():
    meta = {"version": __version__, "experiment": name, "table": table}
    write_table(tables[table], path, meta)
    logging.info("%s: wrote %s (%d rows)", name, path, len(tables[table]))
