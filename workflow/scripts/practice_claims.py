"""Judge the practice claims from the grid table; write them and the summary section."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging
from pathlib import Path

import pandas as pd

from reludeath.io import atomic_path, log_to, write_table
from reludeath.practice.claims import practice_claims
from reludeath.practice.summary import practice_markdown

log_to(snakemake.log[0])

grid = pd.read_parquet(snakemake.input.grid)
claims = practice_claims(grid, evidence="; ".join(snakemake.params.evidence))
write_table(claims, snakemake.output.claims, {"family": "practice"})
with atomic_path(snakemake.output.summary) as tmp:
    Path(tmp).write_text(practice_markdown(grid, claims))
logging.info("wrote %d claims", len(claims))
