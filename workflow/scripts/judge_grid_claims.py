"""Judge the main grid's claims from its outputs (results/claims/grid.parquet)."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import json
import logging
from pathlib import Path

import pandas as pd

from reludeath import __version__
from reludeath.claims import claims_table
from reludeath.grid.claims import grid_claims
from reludeath.io import log_to, write_table

log_to(snakemake.log[0])
inputs = snakemake.input
claims = grid_claims(
    pd.read_parquet(inputs.grid),
    pd.read_parquet(inputs.cells),
    json.loads(Path(inputs.convergence).read_text()),
    json.loads(Path(inputs.assumption).read_text()),
    pd.read_parquet(inputs.near_constant),
)
# Ids another family judges (GRID_OMITTED_CLAIMS: the deep family's, when it runs).
table = claims_table(c for c in claims if c.claim_id not in snakemake.params.omit)
write_table(table, snakemake.output[0], {"version": __version__, "table": "claims"})
logging.info("%s", table.verdict.value_counts().to_dict())
