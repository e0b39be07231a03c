"""The dynamics family's claims table and its "Beyond initialization" summary section."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging
from pathlib import Path

import pandas as pd

from reludeath import __version__
from reludeath.dynamics.claims import dynamics_claims
from reludeath.dynamics.summary import dynamics_markdown
from reludeath.io import atomic_path, log_to, write_table

log_to(snakemake.log[0])

tables = {name: pd.read_parquet(path) for name, path in snakemake.input.items()}
claims = dynamics_claims(tables, snakemake.params.dy, snakemake.params.ar)
write_table(claims, snakemake.output.claims, {"version": __version__, "table": "claims"})
with atomic_path(snakemake.output.section) as tmp:
    Path(tmp).write_text(dynamics_markdown(tables, claims))
logging.info("%d dynamics claims: %s", len(claims), claims.verdict.value_counts().to_dict())
