"""Concatenate every family's claims into the ledger: Parquet, Markdown and an HTML page."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging

import pandas as pd

from reludeath import __version__
from reludeath.claims import claims_markdown, claims_table
from reludeath.io import atomic_path, log_to, write_table
from reludeath.pages import claims_html

log_to(snakemake.log[0])
table = claims_table(pd.read_parquet(path) for path in snakemake.input)
write_table(table, snakemake.output.table, {"version": __version__, "table": "claims"})
with atomic_path(snakemake.output.markdown) as tmp:
    tmp.write_text(claims_markdown(table))
with atomic_path(snakemake.output.html) as tmp:
    tmp.write_text(claims_html(table))
logging.info("%d claims: %s", len(table), table.verdict.value_counts().to_dict())
