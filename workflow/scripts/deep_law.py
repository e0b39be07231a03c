"""results/deep/s_law.json: the S(n) candidates over n = 3..34 at the grid's M, a law published
only if it passes its own test, and S(n, M) = a + b n + c ln M on the M sweep."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import json
import logging
from collections import defaultdict
from pathlib import Path

import pandas as pd

from reludeath import __version__
from reludeath.deep.identity import identity
from reludeath.deep.s_law import law_json
from reludeath.deep.store import read_record
from reludeath.io import atomic_path, cpu_record, log_to

log_to(snakemake.log[0])
params = snakemake.params
sweep = defaultdict(dict)
for directory in snakemake.input.sweep:
    for path in sorted(Path(directory).glob("*.parquet")):
        r = read_record(path)
        sweep[r.n][r.data_points] = identity(r, params.replicates, params.seed)
law = {"version": __version__, **law_json(pd.read_parquet(snakemake.input.split), sweep)}
with atomic_path(snakemake.output[0]) as tmp:
    Path(tmp).write_text(json.dumps(law, indent=1, allow_nan=False) + "\n")
logging.info("%s", law["verdict"])
logging.info(cpu_record())
