# The path to k = 10^9 through the split identity, and S(n), c(n) against M (issue 19;
# docs/science.md, "The deep method"); the population probability P_inf and S_inf(n), the
# M -> infinity limit (issue 31; docs/science.md, "The population probability"). iid networks
# simulated until their splits stop, one job per (n, M); the grid's widths come from its iid
# shards. On when deep.enabled.
from reludeath.config import grid_iid_widths

# Its widths are checked, and derived when left out, with the config (reludeath.config).
DEEP = config["deep"]
DEEP_BUNDLES = PLAN.deep_bundles  # {job name: its runs}
DEEP_WIDE_FILES = [
    f"results/deep/runs/{b}" for b in DEEP_BUNDLES if b.startswith("wide_")
]
DEEP_SWEEP_FILES = [
    f"results/deep/runs/{b}" for b in DEEP_BUNDLES if b.startswith("sweep_")
]


rule deep_simulate:
    output:
        directory("results/deep/runs/{bundle}"),
    log:
        "results/logs/deep_simulate/{bundle}.log",
    benchmark:
        "results/benchmarks/deep_simulate/{bundle}.tsv"
    threads: 1
    resources:
        mem_mb=lambda wildcards: max(
            r.memory_mb for r in DEEP_BUNDLES[wildcards.bundle]
        ),
        runtime=60,
    params:
        runs=lambda wildcards: DEEP_BUNDLES[wildcards.bundle],
        seed=config["seed"],
        # how the sampler draws: another sampler reruns this rule (normals.DRAWS)
        sampler=SAMPLER,
    script:
        "../scripts/deep_simulate.py"


rule deep_tables:
    input:
        wide=DEEP_WIDE_FILES,
        sweep=DEEP_SWEEP_FILES,
        grid=iid_shard_files(),
    output:
        split="results/deep/split.parquet",
        path="results/deep/path.parquet",
        data_points="results/deep/data_points.parquet",
        networks="results/deep/networks.parquet",
        m_steps="results/deep/m_steps.parquet",
    log:
        "results/logs/deep_tables.log",
    benchmark:
        "results/benchmarks/deep_tables.tsv"
    localrule: True
    params:
        grid_widths=grid_iid_widths(config),
        grid_depth=config["depth"],
        p=PATH["p"],
        depths=DEEP["depths"],
        replicates=DEEP["replicates"],
        seed=config["seed"],
    script:
        "../scripts/deep_tables.py"


rule deep_population:
    input:
        sweep=DEEP_SWEEP_FILES,
    output:
        population="results/deep/population.parquet",
        limits="results/deep/s_infinity.parquet",
    log:
        "results/logs/deep_population.log",
    benchmark:
        "results/benchmarks/deep_population.tsv"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        population=DEEP["population"],
        depth=config["depth"],
        grid_widths=WIDTHS,
        replicates=DEEP["replicates"],
        seed=config["seed"],
        # how the sampler draws: another sampler reruns this rule (normals.DRAWS)
        sampler=SAMPLER,
    script:
        "../scripts/deep_population.py"


rule deep_law:
    input:
        split="results/deep/split.parquet",
        sweep=DEEP_SWEEP_FILES,
    output:
        "results/deep/s_law.json",
    log:
        "results/logs/deep_law.log",
    benchmark:
        "results/benchmarks/deep_law.tsv"
    localrule: True
    params:
        replicates=DEEP["replicates"],
        seed=config["seed"],
    script:
        "../scripts/deep_law.py"


rule deep_claims:
    input:
        law="results/deep/s_law.json",
        population="results/deep/population.parquet",
        limits="results/deep/s_infinity.parquet",
        split="results/deep/split.parquet",
        path="results/deep/path.parquet",
        data_points="results/deep/data_points.parquet",
        networks="results/deep/networks.parquet",
        m_steps="results/deep/m_steps.parquet",
    output:
        claims="results/deep/claims.parquet",
        summary="results/deep/summary.md",
    log:
        "results/logs/deep_claims.log",
    benchmark:
        "results/benchmarks/deep_claims.tsv"
    localrule: True
    script:
        "../scripts/deep_claims.py"


rule plot_deep:
    input:
        split="results/deep/split.parquet",
        law="results/deep/s_law.json",
        path="results/deep/path.parquet",
        measured="results/aggregate/path.parquet",
    output:
        path=[
            reported_figure("results/figures", "deep_path", ext)
            for ext in FIGURES_CONFIG["formats"]
        ],
        split=[
            reported_figure("results/figures", "deep_split", ext)
            for ext in FIGURES_CONFIG["formats"]
        ],
    log:
        "results/logs/plot_deep.log",
    benchmark:
        "results/benchmarks/plot_deep.tsv"
    localrule: True
    params:
        dpi=FIGURES_CONFIG["dpi"],
    script:
        "../scripts/deep_figures.py"
