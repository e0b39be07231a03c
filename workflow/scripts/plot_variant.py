"""Draw each architecture variant's figure, results/figures/variants_<variant>.<ext>."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging
from pathlib import Path

import pandas as pd

from reludeath.io import log_to
from reludeath.plotting import save_figure
from reludeath.variants import plots

log_to(snakemake.log[0])

tables = {name: pd.read_parquet(path) for name, path in snakemake.input.items()}
for path in snakemake.output:
    variant = Path(path).stem.removeprefix("variants_")
    save_figure(plots.variant_figure(variant, tables[variant]), path, dpi=snakemake.params.dpi)
    logging.info("wrote %s", path)
