"""Draw one architecture variant's figure (params.variant) from its table."""

import logging

import pandas as pd

from reludeath.io import log_to
from reludeath.plots import save_figure
from reludeath.variants import plots

log_to(snakemake.log[0])

table = pd.read_parquet(snakemake.input[0])
for path in snakemake.output:
    save_figure(plots.FIGURES[snakemake.params.variant](table), path, dpi=snakemake.params.dpi)
    logging.info("wrote %s", path)
