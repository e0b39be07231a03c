"""Draw deep_path (P/l along the path to k = 10^9) and deep_split (S(n) with s_law.json's law,
c(n) - 1)."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import json
import logging
from pathlib import Path

import pandas as pd

from reludeath.deep.plots import path_figure, split_figure
from reludeath.io import log_to
from reludeath.plotting import save_figure

log_to(snakemake.log[0])
inputs, output = snakemake.input, snakemake.output
split, path = pd.read_parquet(inputs.split), pd.read_parquet(inputs.path)
measured = pd.read_parquet(inputs.measured)
law = json.loads(Path(inputs.law).read_text())
for target in output.path:
    save_figure(path_figure(path, measured), target, dpi=snakemake.params.dpi)
for target in output.split:
    save_figure(split_figure(split, law), target, dpi=snakemake.params.dpi)
logging.info("wrote %s", list(output))
