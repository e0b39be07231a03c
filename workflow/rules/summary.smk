# The headline numbers, in one Markdown page.


rule write_summary:
    input:
        grid="results/aggregate/grid.parquet",
        convergence="results/fit/convergence.json",
        assumption="results/variance/assumption.json",
        claims="results/claims/grid.parquet",
        near_constant="results/aggregate/near_constant.parquet",
        sections=SUMMARY_SECTIONS,
    output:
        markdown="results/summary.md",
        # The report's second entry: the summary as a self-contained page.
        html=reported("results/summary.html", "summary"),
    log:
        "results/logs/write_summary.log",
    benchmark:
        "results/benchmarks/write_summary.tsv"
    localrule: True
    script:
        "../scripts/write_summary.py"
