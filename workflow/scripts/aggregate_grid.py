"""The grid table: P(alive) with Wilson CI, living fractions, collapse and bounds per cell."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging

import pandas as pd

from reludeath import __version__
from reludeath.grid.aggregate import grid_table
from reludeath.io import log_to, write_table

log_to(snakemake.log[0])

params = snakemake.params
grid = grid_table(
    pd.read_parquet(snakemake.input[0]), params.schemes, params.widths, params.depth, params.traits
)
write_table(grid, snakemake.output[0], {"version": __version__, "table": "grid"})
logging.info(
    "%d cells, %d violate a bound", len(grid), (grid.violates_lower | grid.violates_upper).sum()
)
