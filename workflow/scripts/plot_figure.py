"""Draw one figure (named by params.figure) from the tables given as named inputs."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging

import pandas as pd

from reludeath.grid.figures import draw
from reludeath.io import log_to
from reludeath.plotting import save_figure

log_to(snakemake.log[0])

tables = {name: pd.read_parquet(path) for name, path in snakemake.input.items()}
for path in snakemake.output:
    save_figure(draw(snakemake.params.figure, tables), path, dpi=snakemake.params.dpi)
    logging.info("wrote %s", path)
