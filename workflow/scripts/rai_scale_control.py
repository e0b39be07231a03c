"""The rai_he control and the second-moment table, and lu.rai_scale_control (issue 30, 5)."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging

import pandas as pd

from reludeath import __version__
from reludeath.claims import claims_table
from reludeath.grid.claims_scale import rai_scale_control
from reludeath.grid.scale import (
    MOMENT_NETWORKS,
    MOMENT_POINTS,
    RAI_SIGMA,
    control_near_constant,
    mean_field_ratio,
    mean_field_sigma,
    second_moment_table,
)
from reludeath.io import cpu_record, log_to, write_table

log_to(snakemake.log[0])
p = snakemake.params
widths = list(p.widths)
control = control_near_constant(
    widths, p.depth, p.networks, p.data_points, p.seed, list(p.tolerances)
)
moments = second_moment_table(
    widths,
    p.seed,
    dict(p.iid_bias or {}),
    networks=min(MOMENT_NETWORKS, p.networks),
    points=min(MOMENT_POINTS, p.data_points),
)
meta = {"version": __version__, "widths": widths}
write_table(control, snakemake.output.control, {**meta, "table": "rai_control"})
write_table(moments, snakemake.output.moments, {**meta, "table": "second_moment"})
claim = rai_scale_control(
    pd.read_parquet(snakemake.input.near_constant),
    control,
    moments,
    (mean_field_ratio(RAI_SIGMA), mean_field_sigma()),
)
table = claims_table([claim])
write_table(table, snakemake.output.claims, {**meta, "table": "claims"})
logging.info("%s: %s", claim.claim_id, claim.verdict)
logging.info("%s", cpu_record())
