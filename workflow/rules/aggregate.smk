# Step 2: collect the shards into per-cell sums, then the grid and path tables.


rule aggregate_cells:
    input:
        shard_files(),
    output:
        "results/aggregate/cells.parquet",
    log:
        "results/logs/aggregate_cells.log",
    benchmark:
        "results/benchmarks/aggregate_cells.tsv"
    script:
        "../scripts/aggregate_cells.py"


rule aggregate_grid:
    input:
        "results/aggregate/cells.parquet",
    output:
        report(
            "results/aggregate/grid.parquet",
            caption="../report/grid.rst",
            category="Tables",
        ),
    params:
        schemes=SCHEMES,
        widths=WIDTHS,
        depth=config["depth"],
    log:
        "results/logs/aggregate_grid.log",
    benchmark:
        "results/benchmarks/aggregate_grid.tsv"
    script:
        "../scripts/aggregate_grid.py"


rule aggregate_path:
    input:
        "results/aggregate/cells.parquet",
    output:
        report(
            "results/aggregate/path.parquet",
            caption="../report/path.rst",
            category="Tables",
        ),
    params:
        p=PATH["p"],
        depth=PATH["depth"],
    log:
        "results/logs/aggregate_path.log",
    benchmark:
        "results/benchmarks/aggregate_path.tsv"
    script:
        "../scripts/aggregate_path.py"
