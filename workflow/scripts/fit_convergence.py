"""Fit P / l -> 1 along the path and compare with the bound 1 / (1 - r(n))."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging

import pandas as pd

from reludeath import __version__
from reludeath.fit import convergence_report, sigma_of_n
from reludeath.io import log_to, write_json, write_table

log_to(snakemake.log[0])

path = pd.read_parquet(snakemake.input.path)
sigma = sigma_of_n(pd.read_parquet(snakemake.input.variance))
report, table = convergence_report(path, sigma, snakemake.params.data_points)
write_json(report, snakemake.output.fit)
write_table(table, snakemake.output.table, {"version": __version__, "table": "convergence"})
logging.info("fit: %s", report["parameters"])
