"""The path table: P(n(k), k) and P / l with CIs, for n = ceil(n(k, p))."""

import logging

import pandas as pd

from reludeath import __version__
from reludeath.aggregate import path_table
from reludeath.io import write_table

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO, format="%(asctime)s %(message)s")

path = path_table(pd.read_parquet(snakemake.input[0]), snakemake.params.p, snakemake.params.depth)
write_table(path, snakemake.output[0], {"version": __version__, "table": "path"})
logging.info("%d path cells", len(path))
