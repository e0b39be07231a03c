"""Draw one dynamics figure (params.figure) from the tables given as named inputs."""

import logging

import pandas as pd

from reludeath.dynamics import plots
from reludeath.io import log_to
from reludeath.plots import save_figure

log_to(snakemake.log[0])

tables = {name: pd.read_parquet(path) for name, path in snakemake.input.items()}
fig = plots.draw(snakemake.params.figure, tables, snakemake.params.section)
for path in snakemake.output:
    save_figure(fig, path, dpi=snakemake.params.dpi)
    logging.info("wrote %s", path)
