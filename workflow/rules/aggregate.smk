# Step 2: collect the shards into per-cell sums, then the grid and path tables.


rule aggregate_cells:
    input:
        shard_files(),
    output:
        cells="results/aggregate/cells.parquet",
        near_constant="results/aggregate/near_constant.parquet",
    log:
        "results/logs/aggregate_cells.log",
    benchmark:
        "results/benchmarks/aggregate_cells.tsv"
    params:
        schemes=SCHEMES,
        widths=WIDTHS,
        depth=config["depth"],
        tolerances=config["near_constant"]["tolerances"],
    script:
        "../scripts/aggregate_cells.py"


rule aggregate_grid:
    input:
        "results/aggregate/cells.parquet",
    output:
        "results/aggregate/grid.parquet",
    log:
        "results/logs/aggregate_grid.log",
    benchmark:
        "results/benchmarks/aggregate_grid.tsv"
    localrule: True
    params:
        schemes=SCHEMES,
        traits=SCHEME_TRAITS,
        widths=WIDTHS,
        depth=config["depth"],
    script:
        "../scripts/aggregate_grid.py"


rule aggregate_path:
    input:
        "results/aggregate/cells.parquet",
    output:
        "results/aggregate/path.parquet",
    log:
        "results/logs/aggregate_path.log",
    benchmark:
        "results/benchmarks/aggregate_path.tsv"
    localrule: True
    params:
        p=PATH["p"],
        depth=PATH["depth"],
    script:
        "../scripts/aggregate_path.py"
