"""A three-parameter hazard model of the split rate sigma_j(n), fitted to iid alive counts.

By the split identity a network alive after layer j-1 dies at layer j with probability
h_j(n) = 2^-n (1 - sigma_j(n)). The model

    sigma(j, n) = 1 / (1 + ((j - 1) / tau_n)^gamma),   tau_n = tau0 * n^a     (n >= 2)

(log-logistic in j: sigma = 1 at layer 1, falling to 0 on a scale tau_n) is fitted by the
exact conditional-binomial likelihood N_j | N_{j-1} ~ Binomial(N_{j-1}, 1 - h_j) over every
width n >= 2 and every layer of the grid. Networks are independent, so the likelihood
factorizes over layers. Goodness of fit: binned Pearson X^2 of the deaths per width.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from reludeath.stats import Z95

__all__ = [
    "HazardFit",
    "binned_pearson",
    "death_counts",
    "fit_hazard",
    "log_one_minus_sigma",
    "predict_ratio",
    "sigma_model",
]

_LN2 = math.log(2.0)
_START = (math.log(0.5), 1.7, math.log(3.0))  # (log tau0, a, log gamma)
PARAMETER_NAMES = ("tau0", "a", "gamma")


def log_one_minus_sigma(j: np.ndarray, n: np.ndarray, theta: tuple) -> np.ndarray:
    """log(1 - sigma(j, n)) = -log1p(x^-gamma), x = (j-1)/tau_n; -inf at j = 1."""
    tau0, a, gamma = theta
    x = (np.asarray(j, float) - 1) / (tau0 * np.asarray(n, float) ** a)
    with np.errstate(divide="ignore", over="ignore"):
        return np.where(x > 0, -np.log1p(np.where(x > 0, x, 1.0) ** -gamma), -np.inf)


def sigma_model(j: np.ndarray, n: np.ndarray, theta: tuple) -> np.ndarray:
    """sigma(j, n) = 1 / (1 + ((j - 1) / (tau0 n^a))^gamma)."""
    return -np.expm1(log_one_minus_sigma(j, n, theta))


def death_counts(grid: pd.DataFrame, scheme: str = "iid", min_width: int = 2) -> pd.DataFrame:
    """(n, k, at_risk, deaths) of `scheme`'s grid cells with networks at risk, n >= min_width."""
    rows = grid[(grid["scheme"] == scheme) & (grid["n"] >= min_width)]
    at_risk = rows["deaths"] + rows["alive_networks"]
    frame = pd.DataFrame(
        {"n": rows["n"], "k": rows["k"], "at_risk": at_risk, "deaths": rows["deaths"]}
    )
    return frame[frame["at_risk"] > 0].sort_values(["n", "k"]).reset_index(drop=True)


def _log_hazard(data: pd.DataFrame, theta: tuple) -> np.ndarray:
    return -data["n"].to_numpy(float) * _LN2 + log_one_minus_sigma(data["k"], data["n"], theta)


def _nll(params: np.ndarray, data: pd.DataFrame) -> float:
    theta = (math.exp(params[0]), params[1], math.exp(params[2]))
    log_h = _log_hazard(data, theta)
    d = data["deaths"].to_numpy(float)
    survivors = data["at_risk"].to_numpy(float) - d
    dead_term = np.where(d > 0, d * np.where(d > 0, log_h, 0.0), 0.0)
    value = -(survivors * np.log1p(-np.exp(log_h)) + dead_term).sum()
    return float(value) if math.isfinite(value) else 1e300


@dataclass(frozen=True)
class HazardFit:
    """Maximum-likelihood (tau0, a, gamma), their 95% intervals, and the negative log
    likelihood; covariance of (log tau0, a, log gamma) from the numerical Hessian."""

    theta: tuple[float, float, float]
    ci95: dict[str, list[float]]
    nll: float
    covariance: np.ndarray
    observations: int

    def as_dict(self) -> dict:
        return {
            name: {"value": value, "ci95": self.ci95[name]}
            for name, value in zip(PARAMETER_NAMES, self.theta, strict=True)
        } | {"negative_log_likelihood": self.nll, "layer_terms": self.observations}


def _hessian(f, x: np.ndarray, step: float = 1e-3) -> np.ndarray:
    """Central-difference Hessian of f at x."""
    d = len(x)
    out = np.empty((d, d))
    for i in range(d):
        for k in range(i, d):
            ei, ek = np.eye(d)[i] * step, np.eye(d)[k] * step
            value = (f(x + ei + ek) - f(x + ei - ek) - f(x - ei + ek) + f(x - ei - ek)) / (
                4 * step * step
            )
            out[i, k] = out[k, i] = value
    return out


def fit_hazard(data: pd.DataFrame) -> HazardFit:
    """Maximize the conditional-binomial likelihood (Nelder-Mead, then a Hessian)."""
    if data.empty:
        raise ValueError("no iid cells with n >= 2 and networks at risk: nothing to fit")
    result = optimize.minimize(
        _nll, np.array(_START), args=(data,), method="Nelder-Mead",
        options={"xatol": 1e-7, "fatol": 1e-7, "maxiter": 20000, "maxfev": 40000},
    )  # fmt: skip
    x = result.x
    cov = np.linalg.pinv(_hessian(lambda p: _nll(p, data), x))
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    ci = {
        "tau0": [math.exp(x[0] - Z95 * se[0]), math.exp(x[0] + Z95 * se[0])],
        "a": [x[1] - Z95 * se[1], x[1] + Z95 * se[1]],
        "gamma": [math.exp(x[2] - Z95 * se[2]), math.exp(x[2] + Z95 * se[2])],
    }
    theta = (math.exp(x[0]), float(x[1]), math.exp(x[2]))
    return HazardFit(theta, ci, float(result.fun), cov, len(data))


def binned_pearson(
    data: pd.DataFrame, theta: tuple, min_expected: float = 5.0, parameters: int = 3
) -> dict:
    """Pearson X^2 of deaths in bins of consecutive layers per width, each with at least
    `min_expected` expected deaths (a short remainder joins the last bin):
    X^2 = sum_bins (O - E)^2 / V, E = sum N_{j-1} h_j, V = sum N_{j-1} h_j (1 - h_j),
    on (bins - parameters) degrees of freedom. The layer terms are martingale increments,
    so the bins are asymptotically independent."""
    h = np.exp(_log_hazard(data, theta))
    frame = data.assign(
        expected=data["at_risk"] * h, variance=data["at_risk"] * h * (1 - h)
    ).sort_values(["n", "k"])
    bins = []
    for n, rows in frame.groupby("n"):
        current = None
        for row in rows.itertuples(index=False):
            if current is None:
                current = {"n": int(n), "k_first": int(row.k), "observed": 0.0}
                current |= {"expected": 0.0, "variance": 0.0}
            current["observed"] += row.deaths
            current["expected"] += row.expected
            current["variance"] += row.variance
            current["k_last"] = int(row.k)
            if current["expected"] >= min_expected:
                bins.append(current)
                current = None
        if current is not None and current["variance"] > 0:
            if bins and bins[-1]["n"] == n:
                last = bins[-1]
                for key in ("observed", "expected", "variance"):
                    last[key] += current[key]
                last["k_last"] = current["k_last"]
            else:
                bins.append(current)
    table = pd.DataFrame(bins)
    table = table[table["variance"] > 0]
    table["z"] = (table["observed"] - table["expected"]) / np.sqrt(table["variance"])
    chi2 = float((table["z"] ** 2).sum())
    dof = len(table) - parameters
    return {
        "chi2": chi2,
        "dof": dof,
        "reduced_chi2": chi2 / dof if dof > 0 else math.nan,
        "p_value": float(stats.chi2.sf(chi2, dof)) if dof > 0 else math.nan,
        "bins": len(table),
        "min_expected": min_expected,
        "by_n": {
            int(n): {"chi2": float((g["z"] ** 2).sum()), "bins": len(g)}
            for n, g in table.groupby("n")
        },
    }


def predict_ratio(
    n: np.ndarray, k: np.ndarray, theta: tuple, data_points: int | None = None
) -> np.ndarray:
    """Model P/l(n, k) = prod_{j<=k} (1 + sigma(j, n) / (2^n - 1)). At n = 1 the exact value
    2 - 2^(1-M) for k >= 1 (sigma_1 = 1 - 2^(1-M), later layers never split) when M is given,
    else the model's sigma."""
    n = np.asarray(n, int)
    k = np.asarray(k, int)
    out = np.empty(len(n))
    for i, (width, depth) in enumerate(zip(n, k, strict=True)):
        if width == 1 and data_points is not None:
            out[i] = 2 - 2.0 ** (1 - data_points)
            continue
        j = np.arange(1, depth + 1)
        sigma = sigma_model(j, np.full(depth, width), theta)
        out[i] = math.exp(np.log1p(sigma / (2.0**width - 1)).sum())
    return out
