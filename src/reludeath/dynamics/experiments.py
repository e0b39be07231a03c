"""The dynamics experiments: a config section in, tables (pandas DataFrames) out.

One function per experiment, each ``(section, seed) -> {table: DataFrame}`` as declared
in :mod:`reludeath.dynamics.registry`; seeds derive from the master seed and the experiment's name,
so each table is the same whatever else runs. Column meanings are in docs/outputs.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr

from reludeath.dynamics import experiment_generator, experiment_seed, lms, momentum, regression
from reludeath.stats import wilson_interval

__all__ = [
    "ar_basins",
    "ar_eigen",
    "ar_field",
    "ar_regression",
    "ar_trajectory",
    "basin_starts",
    "dy_act_init",
    "dy_lms",
]

MODELS = ("analysis", "original")


def _mu(cfg: dict) -> np.ndarray:
    return lms.default_mu(cfg["L"]) if cfg.get("mu") is None else np.asarray(cfg["mu"], float)


def dy_lms(cfg: dict, seed: int) -> dict[str, pd.DataFrame]:
    """DY-A and DY-B (Figs 6, 7): tables 'curves', 'theory' and 'modes'."""
    mu = _mu(cfg)
    a, eta, std = float(cfg["a"]), float(cfg["eta"]), float(cfg["init_std"])
    ps = list(cfg["p_d"])
    cs = np.array([lms.offset_for_probability(p, a, mu[-1]) for p in ps])
    run_seed = int(experiment_seed(seed, "dy", "lms").generate_state(1)[0])
    sim = lms.simulate_lms(
        mu, a, cs, eta, std, cfg["iterations"], cfg["runs"], cfg["record_every"], run_seed
    )
    k = sim["k"]
    curves, theory, modes = [], [], []
    for i, (p, c) in enumerate(zip(ps, cs, strict=True)):
        for m, model in enumerate(MODELS):
            if model not in cfg["models"]:
                continue
            msd = sim["msd_mean"][m, i]
            curves.append(
                pd.DataFrame(
                    {
                        "model": model,
                        "p_d": p,
                        "c": c,
                        "eta": eta,
                        "L": len(mu),
                        "k": k,
                        "msd_mean": msd,
                        "msd_se": sim["msd_se"][m, i],
                        "msd_db": 10 * np.log10(msd),
                        "p_active_mean": sim["p_active_mean"][i] if model == "original" else p,
                        "runs": cfg["runs"],
                        "seed": run_seed,
                    }
                )
            )
        A = lms.correlation_matrix(mu, a, c)
        theory.append(
            pd.DataFrame(
                {
                    "p_d": p,
                    "eta": eta,
                    "k": k,
                    "msd_first_order": lms.first_order_msd(A, eta, std, k),
                    "msd_exact": lms.second_moment_msd(mu, a, c, eta, std, k),
                }
            )
        )
        modes.append(pd.DataFrame({"p_d": p, "c": c, **lms.mode_table(mu, a, c, eta)}))
    return {
        "curves": pd.concat(curves, ignore_index=True),
        "theory": pd.concat(theory, ignore_index=True),
        "modes": pd.concat(modes, ignore_index=True),
    }


def dy_act_init(dy: dict, seed: int) -> dict[str, pd.DataFrame]:
    """DY-0: activation probability per layer at initialization, against E[alpha_(k-1)] / 2;
    table 'act_init'."""
    cfg = dy["act_init"]
    rows = []
    for n in cfg["widths"]:
        rng = experiment_generator(seed, "dy", "act_init", n)
        act, alpha_prev = lms.activation_at_init(
            n, cfg["depth"], cfg["networks"], cfg["data_points"], rng
        )
        T = act.shape[0]
        diff = act - alpha_prev / 2
        rows.append(
            pd.DataFrame(
                {
                    "n": n,
                    "k": np.arange(1, cfg["depth"] + 1),
                    "act_mean": act.mean(axis=0),
                    "act_se": act.std(axis=0, ddof=1) / np.sqrt(T),
                    "alpha_prev_mean": alpha_prev.mean(axis=0),
                    "diff_se": diff.std(axis=0, ddof=1) / np.sqrt(T),
                    "networks": T,
                }
            )
        )
    return {"act_init": pd.concat(rows, ignore_index=True)}


def ar_eigen(ar: dict, seed: int = 0) -> dict[str, pd.DataFrame]:
    """AR-A (Fig 2 left): both eigenvalues of A(eta, beta) on an even grid of beta in [0, 1);
    table 'eigen' (deterministic: `seed` is unused)."""
    eta = float(ar["eta"])
    betas = np.arange(ar["eigen"]["betas"]) / ar["eigen"]["betas"]
    l1, l2 = momentum.eigenvalues(eta, betas)
    table = pd.DataFrame(
        {
            "eta": eta,
            "beta": betas,
            "l1_re": l1.real,
            "l1_im": l1.imag,
            "l2_re": l2.real,
            "l2_im": l2.imag,
            "abs_max": np.maximum(np.abs(l1), np.abs(l2)),
            "is_complex": np.abs(l1.imag) > 0,
        }
    )
    return {"eigen": table}


def ar_trajectory(ar: dict, seed: int = 0) -> dict[str, pd.DataFrame]:
    """AR-B (Fig 2 right): b/|w| along affine momentum descent, one run per beta; table
    'trajectory' (deterministic: `seed` is unused)."""
    cfg = ar["trajectory"]
    rows = []
    for beta in cfg["betas"]:
        w, b = momentum.affine_descent(
            cfg["w0"], cfg["b0"], cfg["gamma"], cfg["delta"], ar["eta"], beta, cfg["steps"]
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = b / np.abs(w)
        rows.append(
            pd.DataFrame({"beta": beta, "t": np.arange(len(w)), "w": w, "b": b, "ratio": ratio})
        )
    return {"trajectory": pd.concat(rows, ignore_index=True)}


def ar_field(ar: dict, seed: int = 0) -> dict[str, pd.DataFrame]:
    """AR-C (Fig 3): the ReLU gradient on a grid of (w, b), per target scale gamma; table
    'field' (deterministic: `seed` is unused)."""
    cfg = ar["field"]
    axis = np.linspace(-cfg["lim"], cfg["lim"], cfg["grid"])
    w, b = (v.ravel() for v in np.meshgrid(axis, axis))
    rows = []
    for gamma in cfg["gammas"]:
        g_w, g_b = momentum.relu_gradient_1d(w, b, gamma, cfg["delta"])
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.where(w != 0, b / np.abs(w), np.sign(b) * np.inf)
        rows.append(
            pd.DataFrame(
                {
                    "gamma": gamma,
                    "w": w,
                    "b": b,
                    "g_w": g_w,
                    "g_b": g_b,
                    "grad_norm": np.hypot(g_w, g_b),
                    "s": s,
                    "p_active": ndtr(s),
                }
            )
        )
    return {"field": pd.concat(rows, ignore_index=True)}


def basin_starts(grid: int, lim: float) -> tuple[np.ndarray, np.ndarray]:
    """Cell-centred grid x grid starts on [-lim, lim]^2 (never w = 0 for even grid)."""
    axis = -lim + (np.arange(grid) + 0.5) * 2 * lim / grid
    w, b = np.meshgrid(axis, axis)
    return w.ravel(), b.ravel()


def classify(
    w: np.ndarray, b: np.ndarray, gamma: float, delta: float, eps_dead: float, r_opt: float
) -> tuple[np.ndarray, np.ndarray]:
    """(p_active_end, outcome): 'optimum' within r_opt gamma of (gamma, delta), else 'dead'
    if Phi(b/|w|) < eps_dead, else 'other'."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p_active = ndtr(np.where(w != 0, b / np.abs(w), np.sign(b) * np.inf))
    optimum = np.hypot(w - gamma, b - delta) <= r_opt * gamma
    outcome = np.where(optimum, "optimum", np.where(p_active < eps_dead, "dead", "other"))
    return p_active, outcome


def ar_basins(ar: dict, seed: int = 0) -> dict[str, pd.DataFrame]:
    """AR-D (Fig 4: each gamma, beta = 0) and AR-E (Fig 5: each beta, gamma = momentum_gamma):
    the end point and outcome of ReLU momentum descent from every start of the grid; tables
    'basins' and 'basin_summary' (deterministic: `seed` is unused)."""
    cfg = ar["basins"]
    runs = [(float(g), 0.0) for g in cfg["gammas"]]
    runs += [(float(cfg["momentum_gamma"]), float(b)) for b in cfg["betas"]]
    runs = list(dict.fromkeys(runs))
    w0, b0 = basin_starts(cfg["grid"], cfg["lim"])
    delta = 0.0
    rows, summary = [], []
    for gamma, beta in runs:
        tol = cfg["tol"] * (gamma if cfg["tol_relative"] else 1.0)
        w, b, iters = momentum.descend(w0, b0, gamma, delta, ar["eta"], beta, tol, cfg["max_iter"])
        p_active, outcome = classify(w, b, gamma, delta, cfg["eps_dead"], cfg["r_opt"])
        rows.append(
            pd.DataFrame(
                {
                    "gamma": gamma,
                    "beta": beta,
                    "w0": w0,
                    "b0": b0,
                    "w_end": w,
                    "b_end": b,
                    "iters": iters,
                    "p_active_end": p_active,
                    "outcome": outcome,
                }
            )
        )
        n = len(w0)
        row = {"gamma": gamma, "beta": beta, "n_points": n}
        for name in ("optimum", "dead", "other"):
            hits = int(np.sum(outcome == name))
            low, high = wilson_interval(hits, n)
            row |= {f"frac_{name}": hits / n, f"{name}_low": low, f"{name}_high": high}
        row["max_iter_reached"] = int(np.sum(iters >= cfg["max_iter"]))
        summary.append(row)
    return {"basins": pd.concat(rows, ignore_index=True), "basin_summary": pd.DataFrame(summary)}


def ar_regression(ar: dict, seed: int) -> dict[str, pd.DataFrame]:
    """AR-G: the Fig 1 surrogate; one training run per (optimizer, gamma, delta, seed).

    The data of replicate s are the same for every setting; so are the initial weights and
    mini-batches (common random numbers), and only the target's scale and shift change."""
    cfg = ar["regression"]
    rows = []
    for rep in range(cfg["seeds"]):
        x, y_star = regression.synthetic_data(
            cfg["n_in"], cfg["n_train"], experiment_generator(seed, "ar_g", rep)
        )
        for optimizer in cfg["optimizers"]:
            lr = cfg["lr_adam"] if optimizer == "adam" else cfg["lr_sgd"]
            for gamma in cfg["gammas"]:
                for delta in cfg["deltas"]:
                    rng = experiment_generator(seed, "ar_g_train", rep)
                    out = regression.train(
                        x, gamma * y_star + delta, optimizer, rng, width=cfg["width"],
                        steps=cfg["steps"], batch=cfg["batch"], n_eval=cfg["n_eval"], lr=lr,
                        momentum=cfg["momentum"], record_every=cfg["record_every"],
                    )  # fmt: skip
                    rows.append(
                        pd.DataFrame(
                            {
                                "optimizer": optimizer,
                                "gamma": gamma,
                                "delta": delta,
                                "seed": rep,
                                "step": out["step"],
                                "mse_z": out["mse"] / gamma**2,
                                "dead_frac": out["dead_frac"],
                            }
                        )
                    )
    return {"regression": pd.concat(rows, ignore_index=True)}
