"""Judge the practice claims from the grid table and, for the zero-bias sign-symmetric
schemes, the equivalence on S(n) from their shards; write them and the summary section."""

from reludeath.threads import limit_threads

limit_threads(snakemake.threads)

import logging
from collections import defaultdict
from pathlib import Path

import pandas as pd

from reludeath import __version__
from reludeath.grid.split import network_split_arrays
from reludeath.io import atomic_path, log_to, read_shard, stack_by_network, write_table
from reludeath.practice.claims import practice_claims
from reludeath.practice.equivalence import equivalence_row, equivalence_table
from reludeath.practice.summary import practice_markdown

log_to(snakemake.log[0])
p = snakemake.params
parts = defaultdict(list)  # (scheme, n) -> [(first network, at_risk, split)]
for path in snakemake.input.shards:
    table, metadata = read_shard(path, columns=["alive_points", "split"])
    spec = metadata["spec"]
    arrays = network_split_arrays(table, spec["networks"], spec["depth"], spec["data_points"],
                                  p.depth)  # fmt: skip
    parts[(spec["scheme"], spec["width"])].append((spec["first_network"], *arrays))
arrays = {key: stack_by_network(value) for key, value in parts.items()}
rows = [
    equivalence_row(scheme, "iid", n, arrays[(scheme, n)], arrays[("iid", n)], p.seed)
    for scheme in p.schemes
    for (name, n) in sorted(arrays)
    if name == scheme and ("iid", n) in arrays
]
equivalence = equivalence_table(rows)
write_table(equivalence, snakemake.output.equivalence, {"version": __version__})
grid = pd.read_parquet(snakemake.input.grid)
claims = practice_claims(grid, "; ".join(p.evidence), equivalence=equivalence)
write_table(claims, snakemake.output.claims, {"family": "practice"})
with atomic_path(snakemake.output.summary) as tmp:
    Path(tmp).write_text(practice_markdown(grid, claims))
logging.info("wrote %d claims", len(claims))
