"""Draw one figure (named by params.figure) from the tables given as named inputs."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging

import pandas as pd

from reludeath import plots
from reludeath.io import log_to

log_to(snakemake.log[0])

tables = {name: pd.read_parquet(path) for name, path in snakemake.input.items()}
draw = getattr(plots, snakemake.params.figure)
for path in snakemake.output:
    plots.save_figure(draw(**tables), path, dpi=snakemake.params.dpi)
    logging.info("wrote %s", path)
