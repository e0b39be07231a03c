# The headline numbers, in one Markdown page.


rule write_summary:
    input:
        grid="results/aggregate/grid.parquet",
        convergence="results/fit/convergence.json",
        assumption="results/variance/assumption.json",
        claims="results/claims/grid.parquet",
        sections=SUMMARY_SECTIONS,
    output:
        report(
            "results/summary.md", caption="../report/summary.rst", category="Summary"
        ),
    log:
        "results/logs/write_summary.log",
    benchmark:
        "results/benchmarks/write_summary.tsv"
    conda:
        "../envs/reludeath.yaml"
    script:
        "../scripts/write_summary.py"
