# Training dynamics (docs/dynamics.md): which experiments run, their tables and figures.
# Functions and lists only; the rules are in dynamics.smk.

DY = config["dy"]
AR = config["ar"]
DYN_DIR = "results/dynamics"

# experiment -> (runs?, its tables, threads)
DYN_EXPERIMENTS = {
    "dy_lms": (DY["enabled"], ["curves", "theory", "modes"], 2),
    "dy_act_init": (DY["enabled"] and DY["act_init"]["enabled"], ["act_init"], 1),
    "ar_eigen": (AR["enabled"] and AR["eigen"]["enabled"], ["eigen"], 1),
    "ar_trajectory": (AR["enabled"] and AR["trajectory"]["enabled"], ["trajectory"], 1),
    "ar_field": (AR["enabled"] and AR["field"]["enabled"], ["field"], 1),
    "ar_basins": (
        AR["enabled"] and AR["basins"]["enabled"],
        ["basins", "basin_summary"],
        2,
    ),
    "ar_regression": (AR["enabled"] and AR["regression"]["enabled"], ["regression"], 1),
}
# figure -> (experiment, tables it reads)
DYN_FIGURES = {
    "dy_fig6_7": ("dy_lms", ["curves", "theory"]),
    "dy_act_init": ("dy_act_init", ["act_init"]),
    "ar_eigen": ("ar_eigen", ["eigen"]),
    "ar_trajectory": ("ar_trajectory", ["trajectory"]),
    "ar_field": ("ar_field", ["field"]),
    "ar_basins_gamma": ("ar_basins", ["basins", "basin_summary"]),
    "ar_basins_beta": ("ar_basins", ["basins", "basin_summary"]),
    "ar_regression": ("ar_regression", ["regression"]),
}
DYN_RUN = [name for name, (runs, _, _) in DYN_EXPERIMENTS.items() if runs]


def dyn_table(experiment, table):
    return f"{DYN_DIR}/{experiment[:2]}/{table}.parquet"


def dyn_tables():
    """{table: path} of every experiment that runs."""
    return {
        table: dyn_table(name, table)
        for name in DYN_RUN
        for table in DYN_EXPERIMENTS[name][1]
    }
