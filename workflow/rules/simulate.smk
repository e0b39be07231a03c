# Step 1: simulation shards, one per (scheme, n, depth k, replicate), fanned out.


rule simulate_shard:
    output:
        SHARD_FILE,
    log:
        SHARD_LOG,
    benchmark:
        SHARD_BENCHMARK
    group:
        "simulate"
    threads: 1
    resources:
        mem_mb=lambda wildcards: 1000 + int(wildcards.n) ** 2 * int(wildcards.k) // 200,
        runtime=30,
    params:
        scheme=shard_scheme,
        seed=config["seed"],
        data_points=config["data_points"],
        shared_data=config["shared_data"],
        networks=shard_networks,
        shard_format=SHARD_FORMAT,
    script:
        "../scripts/simulate_shard.py"
