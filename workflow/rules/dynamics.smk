# Training dynamics beyond initialization (docs/dynamics.md): Douglas & Yu's single-unit LMS
# (dy) and Arnekvist et al.'s target scale and momentum (ar). Each experiment writes its
# tables under results/dynamics/, each figure has its report caption; the family adds its
# claims and a "Beyond initialization" section to the summary.

for dyn_name in DYN_RUN:

    rule:
        name:
            dyn_name
        output:
            **table_paths([dyn_name]),
        log:
            f"results/logs/{dyn_name}.log",
        benchmark:
            f"results/benchmarks/{dyn_name}.tsv"
        threads: DYN_EXPERIMENTS[dyn_name].threads
        params:
            experiment=dyn_name,
            section=config[DYN_EXPERIMENTS[dyn_name].section],
            seed=config["seed"],
        script:
            "../scripts/dynamics_experiment.py"


DYN_PLOTTED = PLAN.dynamics_figures

if DYN_PLOTTED:

    # One job draws every dynamics figure (imports once); each figure has its caption.
    rule plot_dynamics:
        input:
            **{
                table: DYN_EXPERIMENTS[DYN_FIGURES[name].experiment].path(table)
                for name in DYN_PLOTTED
                for table in DYN_FIGURES[name].tables
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
        localrule: True
        params:
            figures={name: list(DYN_FIGURES[name].tables) for name in DYN_PLOTTED},
            formats=FIGURES_CONFIG["formats"],
            dpi=FIGURES_CONFIG["dpi"],
            section=AR,
        script:
            "../scripts/dynamics_plot.py"


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
        localrule: True
        params:
            dy=DY,
            ar=AR,
        script:
            "../scripts/dynamics_report.py"
