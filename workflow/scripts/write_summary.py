"""Write the summary, the headline numbers of the run, as Markdown and as an HTML page."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import json
import logging
from pathlib import Path

import pandas as pd

from reludeath.grid.summary import summary_markdown
from reludeath.io import atomic_path, log_to
from reludeath.pages import summary_html

log_to(snakemake.log[0])

text = summary_markdown(
    pd.read_parquet(snakemake.input.grid),
    json.loads(Path(snakemake.input.convergence).read_text()),
    json.loads(Path(snakemake.input.assumption).read_text()),
    pd.read_parquet(snakemake.input.claims),
)
for section in snakemake.input.sections:  # other families' sections, in registration order
    text += "\n" + Path(section).read_text()
with atomic_path(snakemake.output.markdown) as tmp:
    tmp.write_text(text)
with atomic_path(snakemake.output.html) as tmp:
    tmp.write_text(summary_html(text))
logging.info("wrote %s and %s", snakemake.output.markdown, snakemake.output.html)
