"""S(n) = sum_j sigma_j(n) and c(n) for iid networks, with bootstrap intervals over networks."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging
from collections import defaultdict

import numpy as np
import pandas as pd

from reludeath import __version__
from reludeath.grid.split import bootstrap_split, network_split_arrays
from reludeath.io import log_to, read_shard, write_table

log_to(snakemake.log[0])
params = snakemake.params
arrays = defaultdict(list)
for path in snakemake.input:
    table, metadata = read_shard(path, columns=["alive_points", "split"])
    spec = metadata["spec"]
    arrays[spec["width"]].append(
        network_split_arrays(
            table, spec["networks"], spec["depth"], spec["data_points"], keep=params.depth
        )
    )
rows = []
for n, parts in sorted(arrays.items()):
    at_risk = np.concatenate([a for a, _ in parts])
    split = np.concatenate([s for _, s in parts])
    rows.append(bootstrap_split(at_risk, split, n, params.replicates, params.seed))
    logging.info("n=%d: S=%.4g c=%.5g", n, rows[-1]["S"], rows[-1]["c"])
write_table(
    pd.DataFrame(rows), snakemake.output[0], {"version": __version__, "table": "split_bootstrap"}
)
