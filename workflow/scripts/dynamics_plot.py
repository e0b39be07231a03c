"""Draw every dynamics figure (params.figures: name -> its tables) from the named inputs."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging
from pathlib import Path

import pandas as pd

from reludeath.dynamics.registry import draw
from reludeath.io import log_to
from reludeath.plotting import save_figure

log_to(snakemake.log[0])

tables = {name: pd.read_parquet(path) for name, path in snakemake.input.items()}
# The output paths as Snakemake gives them (a module's prefix: included), by file name.
outputs = {Path(path).name: path for path in snakemake.output}
for figure, needs in snakemake.params.figures.items():
    fig = draw(figure, {name: tables[name] for name in needs}, snakemake.params.section)
    for ext in snakemake.params.formats:
        path = outputs[f"{figure}.{ext}"]
        save_figure(fig, path, dpi=snakemake.params.dpi)
        logging.info("wrote %s", path)
