"""S_inf(n), the limit of S(n, M) as M grows, from the M sweep's nested runs.

The sweep runs the same networks at every M on prefixes of the same points, so S(n, M) is
nondecreasing in M network by network and its values at different M are correlated. The tail
model S(n, M) = S_inf - A M^(-beta), beta > 0, is fitted by generalized least squares with the
covariance of S over M from the bootstrap over networks (the replicates share their network
weights across M), profiled over beta on a grid:

    chi2(beta) = min_{S_inf, A} r' C^-1 r,  dof = (number of M) - 3,

its p-value from the chi-square law. The 95% interval of S_inf is the profile set
chi2 <= chi2_min + 3.84 over (A, beta); as beta -> 0 the model tends to a + b log M with
S_inf -> infinity, so when that limit lies inside the set (b > 0) the upper end is infinite.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from reludeath.bounds import lower_bound
from reludeath.deep.identity import Identity
from reludeath.deep.population import ArcRecord, exact_alive

__all__ = [
    "BETAS",
    "LIMIT_COLUMNS",
    "arc_anchor",
    "exact_anchor",
    "limit_table",
    "s_of_m",
    "tail_fit",
]

LIMIT_COLUMNS = {
    "n": "width",
    "method": "'exact' (n = 1), 'arc' (n = 2, every input, reludeath.deep.population) or "
    "'tail_model' (the M sweep fitted by S_inf - A M^-beta)",
    "S_inf": "S_inf(n) = lim_M S(n, M)",
    "S_inf_low": "95% interval, low end",
    "S_inf_high": "95% interval, high end (inf: the data allow unbounded growth in M)",
    "beta": "the tail model's exponent at its best fit (0: the limit a + b log M fits best, "
    "and S_inf is then inf)",
    "chi2": "the tail model's chi-square (correlated over M: bootstrap covariance)",
    "dof": "its degrees of freedom, M values - 3",
    "p_value": "P(chi2_dof >= chi2)",
    "log_chi2": "chi-square of a + b log M, the beta -> 0 limit (dof + 1 degrees of freedom)",
    "data_points": "the M values fitted, comma-separated ('every input' for 'exact', 'arc')",
}

BETAS = np.geomspace(1e-3, 4.0, 400)
_DELTA = stats.chi2.ppf(0.95, 1)  # 3.84: one parameter profiled
_MAX_CONDITION = 1e12


def s_of_m(by_m: dict[int, Identity]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(M values, S at each, bootstrap covariance of S over M) for one width's identities,
    keeping the M values where S varies over replicates (S = 0 at M = 1) and differs, in some
    replicate, from the last M kept (no split added: no new information, and a singular
    covariance)."""
    ms = np.array(sorted(by_m))
    replicates = np.stack([by_m[m].s_replicates() for m in ms], axis=1)
    s = np.array([_s(by_m[m]) for m in ms])
    keep = replicates.std(axis=0) > 0
    last = None
    for i in np.flatnonzero(keep):
        if last is not None and np.array_equal(replicates[:, i], replicates[:, last]):
            keep[i] = False
        else:
            last = i
    return ms[keep], s[keep], np.atleast_2d(np.cov(replicates[:, keep], rowvar=False))


def _s(ident: Identity) -> float:
    risk, cut = ident.risk, ident.cut
    return float(np.where(risk > 0, cut / np.maximum(risk, 1), 0.0).sum())


def _gls(design: np.ndarray, y: np.ndarray, inverse: np.ndarray):
    """(coefficients, their covariance, chi2) of y ~ design by GLS with C^-1 = inverse."""
    normal = design.T @ inverse @ design
    cov = np.linalg.inv(normal)
    theta = cov @ design.T @ inverse @ y
    r = y - design @ theta
    return theta, cov, float(r @ inverse @ r)


def tail_fit(data_points: np.ndarray, s: np.ndarray, cov: np.ndarray) -> dict:
    """The tail model fitted to S at `data_points` with covariance `cov` (module docstring):
    {available, S_inf, S_inf_low, S_inf_high, beta, chi2, dof, p_value, log_chi2}; available is
    False (and the rest NaN) with fewer than 4 M values or a singular covariance."""
    m = np.asarray(data_points, float)
    y = np.asarray(s, float)
    out = dict.fromkeys(
        ("S_inf", "S_inf_low", "S_inf_high", "beta", "chi2", "p_value", "log_chi2"), math.nan
    )
    out.update(available=False, dof=len(m) - 3)
    if len(m) < 4 or np.linalg.cond(cov) > _MAX_CONDITION:
        return out
    inverse = np.linalg.inv(cov)
    fits = []
    for beta in BETAS:
        theta, theta_cov, chi2 = _gls(np.stack([np.ones_like(m), -(m**-beta)], 1), y, inverse)
        fits.append((chi2, theta[0], theta_cov[0, 0], beta))
    chi2s = np.array([f[0] for f in fits])
    best = int(np.argmin(chi2s))
    chi2_min, s_inf, _, beta = fits[best]
    ends = []
    for chi2, centre, var, _ in fits:
        if chi2 <= chi2_min + _DELTA:
            half = math.sqrt(max(chi2_min + _DELTA - chi2, 0.0) * var)
            ends += [centre - half, centre + half]
    log_theta, _, log_chi2 = _gls(np.stack([np.ones_like(m), np.log(m)], 1), y, inverse)
    high = max(ends)
    if log_chi2 <= chi2_min + _DELTA and log_theta[1] > 0:
        high = math.inf
        if log_chi2 <= chi2_min:  # the best fit is the limit beta -> 0 itself
            chi2_min, s_inf, beta = log_chi2, math.inf, 0.0
    out.update(
        available=True,
        S_inf=float(s_inf),
        S_inf_low=float(min(ends)),
        S_inf_high=float(high),
        beta=float(beta),
        chi2=float(chi2_min),
        p_value=float(stats.chi2.sf(chi2_min, len(m) - 3)),
        log_chi2=float(log_chi2),
    )
    return out


def limit_table(
    sweep: dict[int, dict[int, Identity]], anchors: list[dict] | tuple = ()
) -> pd.DataFrame:
    """LIMIT_COLUMNS rows: `anchors` (rows already in that form: the exact and arc widths),
    then the tail model per sweep width {n: {M: Identity}}."""
    rows = list(anchors)
    for n, by_m in sorted(sweep.items()):
        ms, s, cov = s_of_m(by_m)
        fit = tail_fit(ms, s, cov)
        fit.pop("available")
        rows.append(
            {
                "n": n,
                "method": "tail_model",
                **fit,
                "data_points": ",".join(str(int(v)) for v in ms),
            }
        )
    return pd.DataFrame(rows, columns=list(LIMIT_COLUMNS))


def exact_anchor() -> dict:
    """The n = 1 row: P_inf(1, k) / l(1, k) = 2^-(k-1) / 2^-k = 2 = 1 + S_inf(1), exactly."""
    ratio = exact_alive(1, 2) / float(lower_bound(1, 2))
    s_inf = (ratio - 1) * (2**1 - 1)
    return _anchor(1, "exact", s_inf, s_inf, s_inf)


def arc_anchor(record: ArcRecord, replicates: int, seed: int) -> dict:
    """The n = 2 row: S over every input from the arc construction's split flags (the split
    identity holds for any set of living inputs), with its bootstrap interval over networks
    and the tail bound on the layers after the record's depth."""
    ident = Identity(record.at_risk, record.split, 2, replicates, seed)
    row = ident.row(0)
    return _anchor(2, "arc", row["S"], row["S_low"], row["S_high"])


def _anchor(n: int, method: str, s: float, low: float, high: float) -> dict:
    empty = dict.fromkeys(("beta", "chi2", "dof", "p_value", "log_chi2"), math.nan)
    return {"n": n, "method": method, "S_inf": s, "S_inf_low": low, "S_inf_high": high,
            **empty, "data_points": "every input"}  # fmt: skip
