"""Columns of every dynamics table (results/dynamics/<paper>/<table>.parquet), with meanings.

docs/outputs.md lists the same columns; a test keeps the two and the tables in step.
"""

from __future__ import annotations

__all__ = ["TABLE_COLUMNS", "markdown_columns"]

TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "dy/curves": {
        "model": "analysis (update gated by u(d), DY eqs 7-8) or original (gated by u(y), eqs 3-4)",
        "p_d": "Pr[d > 0] of the target",
        "c": "target offset giving that Pr[d > 0]",
        "eta": "LMS step size",
        "L": "input dimension",
        "k": "iteration",
        "msd_mean": "mean over runs of ||w_k - w*||^2 (bias included)",
        "msd_se": "its standard error",
        "msd_db": "10 log10 msd_mean",
        "p_active_mean": "mean over runs of Pr[y > 0] = Phi((b + w'mu)/||w||) (original model; "
        "p_d for the analysis model)",
        "runs": "independent runs",
        "seed": "seed of run 0 (run r uses seed + r)",
    },
    "dy/theory": {
        "p_d": "Pr[d > 0]",
        "eta": "LMS step size",
        "k": "iteration",
        "msd_first_order": "first-order theory init_std^2 sum_i (1 - eta lambda_i)^(2k)",
        "msd_exact": "exact E||v_k||^2 from the second-moment recursion",
    },
    "dy/modes": {
        "p_d": "Pr[d > 0]",
        "c": "target offset",
        "mode": "index of the eigenvalue of A = E[u(d) xb xb'], ascending",
        "eigenvalue": "the eigenvalue lambda",
        "is_p_mode": "lambda equals Pr[d > 0] (to 1e-9)",
        "rate": "1 - eta lambda, the mode's factor per iteration in the mean",
        "tau": "-1 / ln|1 - eta lambda|, its time constant in iterations",
        "eta_max_mean": "2 / lambda_max: stability limit of the mean",
        "eta_max_ms": "stability limit of the second moment",
    },
    "dy/act_init": {
        "n": "width",
        "k": "layer",
        "act_mean": "mean over networks of the fraction of (unit, point) pairs with positive "
        "pre-activation in layer k",
        "act_se": "its standard error",
        "alpha_prev_mean": "mean fraction of points alive after layer k - 1 (1 at k = 1)",
        "diff_se": "standard error of act - alpha_prev / 2 (expected 0)",
        "networks": "networks per width",
    },
    "ar/eigen": {
        "eta": "step size",
        "beta": "momentum",
        "l1_re": "real part of the first eigenvalue of A (the + root)",
        "l1_im": "its imaginary part",
        "l2_re": "real part of the second eigenvalue",
        "l2_im": "its imaginary part",
        "abs_max": "largest modulus",
        "is_complex": "the eigenvalues are a complex pair",
    },
    "ar/trajectory": {
        "beta": "momentum",
        "t": "step",
        "w": "weight",
        "b": "bias",
        "ratio": "b / |w|",
    },
    "ar/field": {
        "gamma": "target scale",
        "w": "weight",
        "b": "bias",
        "g_w": "dL/dw of the ReLU unit",
        "g_b": "dL/db",
        "grad_norm": "||grad L||",
        "s": "b / |w|",
        "p_active": "Phi(b / |w|), the fraction of inputs on which the unit is alive",
    },
    "ar/basins": {
        "gamma": "target scale",
        "beta": "momentum",
        "w0": "start weight",
        "b0": "start bias",
        "w_end": "end weight",
        "b_end": "end bias",
        "iters": "steps taken",
        "p_active_end": "Phi(b_end / |w_end|)",
        "outcome": "optimum (within r_opt gamma of (gamma, 0)), dead (p_active_end < eps_dead) "
        "or other",
    },
    "ar/basin_summary": {
        "gamma": "target scale",
        "beta": "momentum",
        "n_points": "starts",
        "frac_optimum": "fraction ending at the optimum",
        "optimum_low": "95% Wilson lower bound",
        "optimum_high": "95% Wilson upper bound",
        "frac_dead": "fraction ending in the dead cone",
        "dead_low": "95% Wilson lower bound",
        "dead_high": "95% Wilson upper bound",
        "frac_other": "fraction ending elsewhere",
        "other_low": "95% Wilson lower bound",
        "other_high": "95% Wilson upper bound",
        "max_iter_reached": "starts stopped by max_iter rather than the step tolerance",
    },
    "ar/regression": {
        "optimizer": "adam, sgd or sgd_momentum",
        "gamma": "target scale",
        "delta": "target offset",
        "seed": "replicate",
        "step": "training step",
        "mse_z": "mean squared error on the evaluation points over gamma^2",
        "dead_frac": "fraction of hidden units with pre-activation <= 0 on every evaluation point",
    },
}


def markdown_columns() -> str:
    """The tables and columns as Markdown, for docs/outputs.md."""
    lines = []
    for table, columns in TABLE_COLUMNS.items():
        header = ["| column | meaning |", "|---|---|"]
        lines += [f"### `results/dynamics/{table}.parquet`", "", *header]
        lines += [f"| `{name}` | {meaning} |" for name, meaning in columns.items()]
        lines.append("")
    return "\n".join(lines)
