"""Measure the errata's per-neuron quantities and judge their claims (results/errata/)."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging

from reludeath import __version__
from reludeath.claims import claims_table
from reludeath.errata.claims import errata_claims
from reludeath.errata.measure import errata_tables
from reludeath.io import log_to, write_table

log_to(snakemake.log[0])
p = snakemake.params
tables = errata_tables(
    list(p.widths), p.depth, p.networks, p.data_points, p.seed, dict(p.iid_bias or {})
)
meta = {"version": __version__, "widths": list(p.widths), "depth": p.depth}
for name, table in tables.items():
    write_table(table, snakemake.output[name], {**meta, "table": name})
claims = claims_table(errata_claims(tables))
write_table(claims, snakemake.output.claims, {**meta, "table": "claims"})
logging.info("%s", claims.verdict.value_counts().to_dict())
