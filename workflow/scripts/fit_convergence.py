"""Explain P / l along the path: split identity, S(n) and c(n), hazard model, legacy fit."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import json
import logging
from pathlib import Path

import pandas as pd

from reludeath import __version__
from reludeath.grid.aggregate import grid_table
from reludeath.grid.fit import convergence_report, sigma_of_n
from reludeath.io import log_to, write_json, write_table

log_to(snakemake.log[0])
params = snakemake.params
cells = pd.read_parquet(snakemake.input.cells)
# the schemes that obey the split identity, as the plan decides (reludeath.workflow_plan)
grid = pd.concat(
    [
        grid_table(rows, [scheme], sorted(rows["n"].unique()), params.depth, params.traits)
        for scheme, rows in cells.groupby("scheme", observed=True)
        if scheme in params.identity
    ],
    ignore_index=True,
)
path = pd.read_parquet(snakemake.input.path)
sigma = sigma_of_n(pd.read_parquet(snakemake.input.variance))
split = pd.read_parquet(snakemake.input.split)
report, table = convergence_report(path, grid, split, sigma, snakemake.params.data_points)
# O5 paired over the shared networks (reludeath.grid.identity), beside the unpaired check
paired = json.loads(Path(snakemake.input.identity).read_text())
for scheme, check in report["identity_check"].items():
    check["paired"] = paired.get(scheme)
write_json(report, snakemake.output.fit)
write_table(table, snakemake.output.table, {"version": __version__, "table": "convergence"})
logging.info("%s", report["hazard_model"]["verdict"])
