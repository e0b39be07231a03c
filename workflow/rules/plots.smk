# Step 4: one seaborn figure per rule, each with its caption in the report.

for figure_name, grid_figure in GRID_FIGURES.items():

    rule:
        name:
            f"plot_{figure_name}"
        input:
            **{table: GRID_TABLES[table] for table in grid_figure.tables},
        output:
            [
                reported_figure("results/figures", figure_name, ext)
                for ext in FIGURES_CONFIG["formats"]
            ],
        log:
            f"results/logs/plot_{figure_name}.log",
        benchmark:
            f"results/benchmarks/plot_{figure_name}.tsv"
        localrule: True
        params:
            figure=figure_name,
            dpi=FIGURES_CONFIG["dpi"],
        script:
            "../scripts/plot_figure.py"
