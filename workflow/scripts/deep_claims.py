"""Judge rr.p_to_l, lu.deep_born_dead and rr.p_to_l_population on the deep tables; write them
and the summary."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import json
import logging
from pathlib import Path

import pandas as pd

from reludeath import __version__
from reludeath.claims import claims_table
from reludeath.deep.claims import deep_claims
from reludeath.deep.summary import deep_markdown
from reludeath.io import atomic_path, log_to, write_table

log_to(snakemake.log[0])
inputs = snakemake.input
split, path = pd.read_parquet(inputs.split), pd.read_parquet(inputs.path)
limits = pd.read_parquet(inputs.limits)
law = json.loads(Path(inputs.law).read_text())
claims = claims_table(deep_claims(split, path, limits, law))
write_table(claims, snakemake.output.claims, {"version": __version__, "family": "deep"})
text = deep_markdown(
    split,
    path,
    pd.read_parquet(inputs.data_points),
    pd.read_parquet(inputs.m_steps),
    pd.read_parquet(inputs.networks),
    claims,
    pd.read_parquet(inputs.population),
    limits,
    law,
)
with atomic_path(snakemake.output.summary) as tmp:
    Path(tmp).write_text(text)
logging.info("%s", claims.verdict.value_counts().to_dict())
