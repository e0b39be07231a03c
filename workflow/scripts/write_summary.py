"""Write results/summary.md: the headline numbers of the run."""

import json
import logging
from pathlib import Path

import pandas as pd

from reludeath.io import atomic_path
from reludeath.summary import summary_markdown

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO, format="%(asctime)s %(message)s")

text = summary_markdown(
    pd.read_parquet(snakemake.input.grid),
    json.loads(Path(snakemake.input.convergence).read_text()),
    json.loads(Path(snakemake.input.assumption).read_text()),
)
with atomic_path(snakemake.output[0]) as tmp:
    tmp.write_text(text)
logging.info("wrote %s", snakemake.output[0])
