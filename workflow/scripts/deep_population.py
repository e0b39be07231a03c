"""The population probability and S_inf: results/deep/population.parquet (closed forms, the
n = 2 arc construction, nested estimates in M) and results/deep/s_infinity.parquet (the
anchors n = 1, 2 and the M sweep's tail model)."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging
from collections import defaultdict
from pathlib import Path

from reludeath import __version__
from reludeath.deep.identity import identity
from reludeath.deep.m_limit import arc_anchor, exact_anchor, limit_table
from reludeath.deep.population import population_table
from reludeath.deep.store import read_record
from reludeath.io import cpu_record, log_to, write_table

log_to(snakemake.log[0])
params = snakemake.params
options, seed = params.population, params.seed
table, record = population_table(
    seed,
    params.depth,
    options["networks"],
    options["widths"],
    sorted(options["data_points"]),
    params.grid_widths,
    threads=snakemake.threads,
)
meta = {"version": __version__, "seed": seed, "replicates": params.replicates}
write_table(table, snakemake.output.population, meta)
anchors = [exact_anchor()]
if record is not None:
    anchors.append(arc_anchor(record, params.replicates, seed))
sweep = defaultdict(dict)
for directory in snakemake.input.sweep:
    for path in sorted(Path(directory).glob("*.parquet")):
        r = read_record(path)
        sweep[r.n][r.data_points] = identity(r, params.replicates, seed)
limits = limit_table(sweep, anchors)
write_table(limits, snakemake.output.limits, meta)
logging.info("%d population rows; S_inf rows:\n%s", len(table), limits.to_string())
logging.info(cpu_record())
