"""The dynamics experiments: a config section in, tables (pandas DataFrames) out.

One function per experiment; seeds derive from the master seed and the experiment's name,
so each table is the same whatever else runs. Column meanings are in docs/outputs.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reludeath.dynamics import experiment_seed, lms

__all__ = ["dy_act_init", "dy_lms", "run_experiment"]

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


def dy_act_init(cfg: dict, seed: int) -> pd.DataFrame:
    """DY-0: activation probability per layer at initialization, against E[alpha_(k-1)] / 2."""
    rows = []
    for n in cfg["widths"]:
        rng = np.random.default_rng(experiment_seed(seed, "dy", "act_init", n))
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
    return pd.concat(rows, ignore_index=True)


def run_experiment(name: str, section: dict, seed: int) -> dict[str, pd.DataFrame]:
    """The tables of experiment `name` from its config section (`dy` or `ar`)."""
    if name == "dy_lms":
        return dy_lms(section, seed)
    if name == "dy_act_init":
        return {"act_init": dy_act_init(section["act_init"], seed)}
    raise ValueError(f"unknown dynamics experiment {name!r}")
