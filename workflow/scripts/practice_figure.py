"""Draw the figure "initializations in practice" from the grid table."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging

import pandas as pd

from reludeath.io import log_to
from reludeath.plotting import save_figure
from reludeath.practice.plots import practice_figure

log_to(snakemake.log[0])

grid = pd.read_parquet(snakemake.input.grid)
for path in snakemake.output:
    save_figure(practice_figure(grid), path, dpi=snakemake.params.dpi)
    logging.info("wrote %s", path)
