# Training dynamics beyond initialization (docs/dynamics.md): Douglas & Yu's single-unit LMS
# (dy) and Arnekvist et al.'s target scale and momentum (ar). Each experiment writes its
# tables under results/dynamics/, each figure has its report caption; the family adds its
# claims and a "Beyond initialization" section to the summary.

for dyn_name in DYN_RUN:

    rule:
        name:
            dyn_name
        output:
            **{
                table: dyn_table(dyn_name, table)
                for table in DYN_EXPERIMENTS[dyn_name][1]
            },
        log:
            f"results/logs/{dyn_name}.log",
        benchmark:
            f"results/benchmarks/{dyn_name}.tsv"
        conda:
            "../envs/reludeath.yaml"
        threads: DYN_EXPERIMENTS[dyn_name][2]
        params:
            experiment=dyn_name,
            section=DY if dyn_name.startswith("dy") else AR,
            seed=config["seed"],
        script:
            "../scripts/dynamics_experiment.py"


DYN_PLOTTED = [name for name, (source, _) in DYN_FIGURES.items() if source in DYN_RUN]

if DYN_PLOTTED:

    # One job draws every dynamics figure (imports once); each figure has its caption.
    rule plot_dynamics:
        input:
            **{
                table: dyn_table(DYN_FIGURES[name][0], table)
                for name in DYN_PLOTTED
                for table in DYN_FIGURES[name][1]
            },
        output:
            [
                reported_figure(f"{DYN_DIR}/figures", name, ext)
                for name in DYN_PLOTTED
                for ext in FIGURES_CONFIG["formats"]
            ],
        log:
            "results/logs/plot_dynamics.log",
        benchmark:
            "results/benchmarks/plot_dynamics.tsv"
        conda:
            "../envs/reludeath.yaml"
        params:
            figures={name: DYN_FIGURES[name][1] for name in DYN_PLOTTED},
            formats=FIGURES_CONFIG["formats"],
            dpi=FIGURES_CONFIG["dpi"],
            section=AR,
        script:
            "../scripts/dynamics_plot.py"


DYN_FIGURE_FILES = [
    f"{DYN_DIR}/figures/{name}.{ext}"
    for name, (source, _) in DYN_FIGURES.items()
    if source in DYN_RUN
    for ext in FIGURES_CONFIG["formats"]
]
FAMILY_TARGETS += list(dyn_tables().values()) + DYN_FIGURE_FILES


if DYN_RUN:

    rule dynamics_report:
        input:
            **dyn_tables(),
        output:
            claims="results/dynamics/claims.parquet",
            section="results/dynamics/summary.md",
        log:
            "results/logs/dynamics_report.log",
        benchmark:
            "results/benchmarks/dynamics_report.tsv"
        conda:
            "../envs/reludeath.yaml"
        params:
            dy=DY,
            ar=AR,
        script:
            "../scripts/dynamics_report.py"

    CLAIM_TABLES += ["results/dynamics/claims.parquet"]
    FAMILY_TARGETS += [
        "results/dynamics/claims.parquet",
        "results/dynamics/summary.md",
    ]
    SUMMARY_SECTIONS += ["results/dynamics/summary.md"]
