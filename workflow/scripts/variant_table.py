"""Simulate one architecture variant's grid and write results/variants/<variant>.parquet."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging
import time

from reludeath.io import log_to, write_table
from reludeath.variants.tables import variant_table

log_to(snakemake.log[0])

variant = snakemake.wildcards.variant
section = dict(snakemake.params.section)
start = time.perf_counter()
table = variant_table(variant, section, snakemake.params.seed)
write_table(
    table,
    snakemake.output[0],
    {"variant": variant, "config": section, "seed": snakemake.params.seed},
)
logging.info("%s: %d rows in %.1f s", variant, len(table), time.perf_counter() - start)
