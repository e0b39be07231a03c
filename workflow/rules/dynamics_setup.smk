# Training dynamics (docs/dynamics.md): which experiments run, their tables and figures.
# The experiments and figures are declared once, in reludeath.dynamics.registry; the
# rules are in dynamics.smk.
from reludeath.dynamics.registry import (
    DIRECTORY as DYN_DIR,
    EXPERIMENTS as DYN_EXPERIMENTS,
    FIGURES as DYN_FIGURES,
    table_paths,
)

DY = config["dy"]
AR = config["ar"]
DYN_RUN = PLAN.dynamics


def dyn_tables():
    """{table: path} of every experiment that runs."""
    return table_paths(DYN_RUN)
