# Initializations in practice (docs/science.md section 2, docs/plugins.md): the library
# defaults, the folk small-positive-bias remedy and plug-ins, judged from the grid table
# against iid. On when iid and at least one practice scheme or plug-in are configured.
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
    output:
        claims="results/practice/claims.parquet",
        summary="results/practice/summary.md",
    log:
        "results/logs/practice_claims.log",
    benchmark:
        "results/benchmarks/practice_claims.tsv"
    localrule: True
    params:
        evidence=["results/aggregate/grid.parquet", *PRACTICE_FIGURES],
    script:
        "../scripts/practice_claims.py"
