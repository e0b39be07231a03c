# reludeath: ReLU network death at random initialization (Rister & Rubin), end to end.
# Run with `snakemake --cores all`; see README.md and config/README.md. Also usable as a
# Snakemake module from another workflow (README.md, "Use it in your own workflow").


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/constraints.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/aggregate.smk"
include: "workflow/rules/fit.smk"
include: "workflow/rules/plots.smk"
include: "workflow/rules/variants.smk"
include: "workflow/rules/practice.smk"
include: "workflow/rules/errata.smk"
include: "workflow/rules/deep.smk"
include: "workflow/rules/dynamics_setup.smk"
include: "workflow/rules/dynamics.smk"
include: "workflow/rules/claims.smk"
include: "workflow/rules/summary.smk"


rule all:
    default_target: True
    input:
        "results/aggregate/grid.parquet",
        "results/aggregate/path.parquet",
        "results/variance/assumption.json",
        "results/fit/convergence.json",
        figure_files(),
        "results/claims.html",
        "results/summary.html",
        "results/summary.md",
        "results/claims.md",
        FAMILY_TARGETS,
