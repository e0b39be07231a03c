"""The path table: P(n(k), k) and P / l with CIs, for n = ceil(n(k, p))."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging

import pandas as pd

from reludeath import __version__
from reludeath.grid.aggregate import path_table
from reludeath.io import log_to, write_table

log_to(snakemake.log[0])

path = path_table(pd.read_parquet(snakemake.input[0]), snakemake.params.p, snakemake.params.depth)
write_table(path, snakemake.output[0], {"version": __version__, "table": "path"})
logging.info("%d path cells", len(path))
