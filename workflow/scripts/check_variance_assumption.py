"""V(n, k) for iid networks, and the verdict on Sigma(n) = o(2^n) and exponential decay."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging

import pandas as pd

from reludeath import __version__
from reludeath.grid.aggregate import variance_table
from reludeath.grid.fit import assumption_report
from reludeath.io import log_to, write_json, write_table

log_to(snakemake.log[0])

cells = pd.read_parquet(snakemake.input[0])
in_grid = cells["n"].isin(snakemake.params.widths) & (cells["k"] <= snakemake.params.depth)
variance = variance_table(cells[in_grid])
write_table(variance, snakemake.output.table, {"version": __version__, "table": "variance"})
report = assumption_report(variance, snakemake.params.data_points, snakemake.params.depth)
write_json(report, snakemake.output.verdict)
logging.info(report["verdict"]["summary"])
