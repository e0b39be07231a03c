# The claims ledger: the main grid's claims, then every family's, in one table and page.


rule judge_grid_claims:
    input:
        grid="results/aggregate/grid.parquet",
        cells="results/aggregate/cells.parquet",
        convergence="results/fit/convergence.json",
        assumption="results/variance/assumption.json",
        near_constant="results/aggregate/near_constant.parquet",
    output:
        "results/claims/grid.parquet",
    log:
        "results/logs/judge_grid_claims.log",
    benchmark:
        "results/benchmarks/judge_grid_claims.tsv"
    localrule: True
    params:
        omit=GRID_OMITTED_CLAIMS,
    script:
        "../scripts/judge_grid_claims.py"


rule collect_claims:
    input:
        CLAIM_TABLES,
    output:
        table="results/claims.parquet",
        markdown="results/claims.md",
        # The report's first entry: the ledger as a self-contained page.
        html=reported("results/claims.html", "claims"),
    log:
        "results/logs/collect_claims.log",
    benchmark:
        "results/benchmarks/collect_claims.tsv"
    localrule: True
    script:
        "../scripts/collect_claims.py"
