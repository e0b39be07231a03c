# Step 3: the normalized-variance assumption, and the convergence of P / l along the path.


rule check_variance_assumption:
    input:
        cells="results/aggregate/cells.parquet",
        # the decay rate's bootstrap over networks reads each iid network's v_k
        shards=PLAN.shard_files_of(["iid"]),
    output:
        table="results/variance/normalized_variance.parquet",
        verdict="results/variance/assumption.json",
    log:
        "results/logs/check_variance_assumption.log",
    benchmark:
        "results/benchmarks/check_variance_assumption.tsv"
    localrule: True
    params:
        data_points=config["data_points"],
        depth=config["depth"],
        widths=WIDTHS,
        seed=config["seed"],
        replicates=1000,
    script:
        "../scripts/check_variance_assumption.py"


rule split_bootstrap:
    input:
        iid_shard_files(),
    output:
        "results/fit/split_bootstrap.parquet",
    log:
        "results/logs/split_bootstrap.log",
    benchmark:
        "results/benchmarks/split_bootstrap.tsv"
    localrule: True
    params:
        depth=config["depth"],
        seed=config["seed"],
        replicates=1000,
    script:
        "../scripts/split_bootstrap.py"


rule identity_paired:
    input:
        PLAN.shard_files_of(PLAN.identity_schemes),
    output:
        table="results/fit/identity_paired.parquet",
        summary="results/fit/identity_paired.json",
    log:
        "results/logs/identity_paired.log",
    benchmark:
        "results/benchmarks/identity_paired.tsv"
    localrule: True
    params:
        depth=config["depth"],
        seed=config["seed"],
        replicates=1000,
    script:
        "../scripts/identity_paired.py"


rule fit_convergence:
    input:
        identity="results/fit/identity_paired.json",
        path="results/aggregate/path.parquet",
        variance="results/variance/normalized_variance.parquet",
        cells="results/aggregate/cells.parquet",
        split="results/fit/split_bootstrap.parquet",
    output:
        fit="results/fit/convergence.json",
        table="results/fit/convergence.parquet",
    log:
        "results/logs/fit_convergence.log",
    benchmark:
        "results/benchmarks/fit_convergence.tsv"
    localrule: True
    params:
        data_points=config["data_points"],
        depth=config["depth"],
        identity=PLAN.identity_schemes,
        traits=SCHEME_TRAITS,
    script:
        "../scripts/fit_convergence.py"
