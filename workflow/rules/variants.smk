# Architecture variants of the paper's section 8 (docs/variants.md): one job per enabled
# variant simulates its grid and writes its table; one figure per variant; claims and a
# summary section from all of them. A variant's job reruns when its config section changes.
# The grids are checked with the config (reludeath.workflow_plan.checked_config).
from reludeath.variants.grid import VARIANTS as VARIANT_NAMES

VARIANTS = PLAN.variants


wildcard_constraints:
    variant="|".join(VARIANT_NAMES),


rule variant_table:
    output:
        "results/variants/{variant}.parquet",
    log:
        "results/logs/variant_table_{variant}.log",
    benchmark:
        "results/benchmarks/variant_table_{variant}.tsv"
    params:
        section=lambda wildcards: config["variants"][wildcards.variant],
        seed=config["seed"],
    script:
        "../scripts/variant_table.py"


# All figures in one job: importing the plotting stack once is most of a figure's cost.
rule plot_variants:
    input:
        **{variant: f"results/variants/{variant}.parquet" for variant in VARIANTS},
    output:
        [
            reported_figure("results/figures", f"variants_{variant}", ext)
            for variant in VARIANTS
            for ext in FIGURES_CONFIG["formats"]
        ],
    log:
        "results/logs/plot_variants.log",
    benchmark:
        "results/benchmarks/plot_variants.tsv"
    localrule: True
    params:
        dpi=FIGURES_CONFIG["dpi"],
    script:
        "../scripts/plot_variant.py"


rule variant_claims:
    input:
        **{variant: f"results/variants/{variant}.parquet" for variant in VARIANTS},
    output:
        claims="results/variants/claims.parquet",
        summary="results/variants/summary.md",
    log:
        "results/logs/variant_claims.log",
    benchmark:
        "results/benchmarks/variant_claims.tsv"
    localrule: True
    params:
        depth={
            variant: config["variants"][variant].get("depth") for variant in VARIANTS
        },
    script:
        "../scripts/variant_claims.py"
