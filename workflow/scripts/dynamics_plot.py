"""Draw every dynamics figure (params.figures: name -> its tables) from the named inputs."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging

import pandas as pd

from reludeath.dynamics.registry import draw
from reludeath.io import log_to
from reludeath.plotting import save_figure

log_to(snakemake.log[0])

tables = {name: pd.read_parquet(path) for name, path in snakemake.input.items()}
for figure, needs in snakemake.params.figures.items():
    fig = draw(figure, {name: tables[name] for name in needs}, snakemake.params.section)
    for ext in snakemake.params.formats:
        path = f"results/dynamics/figures/{figure}.{ext}"
        assert path in snakemake.output, path
        save_figure(fig, path, dpi=snakemake.params.dpi)
        logging.info("wrote %s", path)
