# Initializations in practice (docs/science.md section 2, docs/plugins.md): the library
# defaults, the folk small-positive-bias remedy and plug-ins, judged from the grid table
# against iid. On when iid and at least one practice scheme or plug-in are configured.
from reludeath.practice.claims import EQUIVALENCE_SCHEMES

PRACTICE_FIGURES = PLAN.figure_files("results/figures", ["practice"])


rule plot_practice:
    input:
        grid="results/aggregate/grid.parquet",
    output:
        [
            reported_figure("results/figures", "practice", ext)
            for ext in FIGURES_CONFIG["formats"]
        ],
    log:
        "results/logs/plot_practice.log",
    benchmark:
        "results/benchmarks/plot_practice.tsv"
    localrule: True
    params:
        dpi=FIGURES_CONFIG["dpi"],
    script:
        "../scripts/practice_figure.py"


rule practice_claims:
    input:
        grid="results/aggregate/grid.parquet",
        # the zero-bias sign-symmetric schemes' equivalence on S(n) reads their split layers
        shards=PLAN.shard_files_of(["iid", *EQUIVALENCE_SCHEMES]),
    output:
        claims="results/practice/claims.parquet",
        summary="results/practice/summary.md",
        equivalence="results/practice/equivalence.parquet",
    log:
        "results/logs/practice_claims.log",
    benchmark:
        "results/benchmarks/practice_claims.tsv"
    localrule: True
    params:
        evidence=["results/aggregate/grid.parquet", *PRACTICE_FIGURES],
        depth=config["depth"],
        seed=config["seed"],
        schemes=EQUIVALENCE_SCHEMES,
    script:
        "../scripts/practice_claims.py"
