"""results/config.resolved.yaml: the configuration the run used, derived defaults named; also
printed, so the log shows what "default" meant."""

import sys

from reludeath.config import resolved_text
from reludeath.io import atomic_path

text = resolved_text(snakemake.params.config, snakemake.params.derived)
with atomic_path(snakemake.output[0]) as tmp:
    tmp.write_text(text)
with open(snakemake.log[0], "w") as log:
    log.write(text)
print(text, file=sys.stderr, end="")
