# The path to k = 10^9 through the split identity, and S(n), c(n) against M (issue 19;
# docs/science.md, "The deep method"). iid networks simulated until their splits stop, one
# job per (n, M); the grid's widths come from its iid shards. On when deep.enabled.
from reludeath.deep.claims import CLAIM_IDS as DEEP_CLAIM_IDS
from reludeath.deep.plan import bundles, check_widths, deep_runs

DEEP = config["deep"]
DEEP_ON = DEEP["enabled"]
if DEEP_ON:
    try:
        check_widths(DEEP, WIDTHS, PATH["p"])
    except ValueError as error:
        raise WorkflowError(f"{error}\nSee config/README.md, 'deep'.") from None
DEEP_WIDE, DEEP_SWEEP = deep_runs(DEEP, config["data_points"])
DEEP_BUNDLES = bundles(DEEP_WIDE, DEEP_SWEEP)  # {job name: its runs}
DEEP_FIGURES = [
    f"results/figures/{name}.{ext}"
    for name in ("deep_path", "deep_split")
    for ext in FIGURES_CONFIG["formats"]
]
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
        grid_widths=WIDTHS,
        grid_depth=config["depth"],
        p=PATH["p"],
        depths=DEEP["depths"],
        replicates=DEEP["replicates"],
        seed=config["seed"],
    script:
        "../scripts/deep_tables.py"


rule deep_claims:
    input:
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


if DEEP_ON:
    FAMILY_TARGETS += [
        "results/deep/split.parquet",
        "results/deep/path.parquet",
        "results/deep/data_points.parquet",
        "results/deep/networks.parquet",
        *DEEP_FIGURES,
    ]
    CLAIM_TABLES += ["results/deep/claims.parquet"]
    SUMMARY_SECTIONS += ["results/deep/summary.md"]
    GRID_OMITTED_CLAIMS += list(DEEP_CLAIM_IDS)
