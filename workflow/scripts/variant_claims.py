"""Judge the section 8 claims from the variants' tables; write the claims and a summary."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging
from pathlib import Path

import pandas as pd

from reludeath.io import atomic_path, log_to, write_table
from reludeath.variants.claims import variant_claims
from reludeath.variants.summary import variants_markdown

log_to(snakemake.log[0])

tables = {name: pd.read_parquet(path) for name, path in snakemake.input.items()}
claims = variant_claims(tables, evidence={name: str(p) for name, p in snakemake.input.items()})
write_table(claims, snakemake.output.claims, {"family": "variants"})
with atomic_path(snakemake.output.summary) as tmp:
    Path(tmp).write_text(variants_markdown(tables, claims))
logging.info("wrote %d claims", len(claims))
