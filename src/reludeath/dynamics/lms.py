"""Douglas & Yu: one ReLU unit trained by LMS on a noiseless linear target.

Input ``x ~ N(mu, I_L)``, augmented ``xb = [1; x]``, target ``d = a x_L + c``, so the optimum
is ``wb* = [c; a e_L]`` and ``Pr[d > 0] = Phi(mu_d / |a|)`` with ``mu_d = a mu_L + c``.
With ``v = wb - wb*`` (so ``d - y = -xb'v``) the two updates are exactly

* analysis model (DY eqs 7-8):  ``v <- v - eta u(d) (xb'v) xb``,   ``u(d) = 1{d > 0}``;
* original model (DY eqs 3-4):  ``v <- v - eta u(y) (xb'v) xb``,   ``y = wb'xb``.

Mean dynamics ``E v_{k+1} = (I - eta A) E v_k`` with ``A = E[u(d) xb xb']``; second moment
``K_{k+1} = K_k - eta (A K_k + K_k A) + eta^2 E[u(d) (xb'K_k xb) xb xb']`` (exact: x_k are iid).
"""

from __future__ import annotations

import math
from math import comb

import numba
import numpy as np
from scipy.special import ndtr, ndtri

__all__ = [
    "activation_at_init",
    "active_moments",
    "correlation_matrix",
    "default_mu",
    "first_order_msd",
    "fourth_moment_tensor",
    "mean_square_limit",
    "mode_table",
    "offset_for_probability",
    "probability_active",
    "second_moment_msd",
    "simulate_lms",
    "truncated_moments",
]

SQRT_2PI = math.sqrt(2 * math.pi)


def default_mu(L: int) -> np.ndarray:
    """The paper's input means: linspace(2, -2, L) (L = 11: 2, 1.6, ..., -2)."""
    return np.linspace(2.0, -2.0, L)


def offset_for_probability(p: float, a: float, mu_L: float) -> float:
    """Target offset c with Pr[d > 0] = p: ``c = |a| Phi^-1(p) - a mu_L``."""
    if not 0 < p < 1:
        raise ValueError(f"p must lie in (0, 1), got {p!r}")
    return float(abs(a) * ndtri(p) - a * mu_L)


def probability_active(a: float, mu_L: float, c: float) -> float:
    """``Pr[d > 0] = Phi((a mu_L + c) / |a|)``."""
    return float(ndtr((a * mu_L + c) / abs(a)))


def truncated_moments(s: float, n: int) -> np.ndarray:
    """``M_j = E[1{t > -s} t^j]``, t ~ N(0, 1), j = 0..n.

    ``M_0 = Phi(s)``, ``M_1 = phi(s)``, ``M_j = (-s)^(j-1) phi(s) + (j-1) M_(j-2)``.
    """
    phi = math.exp(-s * s / 2) / SQRT_2PI
    M = np.zeros(n + 1)
    M[0] = ndtr(s)
    if n >= 1:
        M[1] = phi
    for j in range(2, n + 1):
        M[j] = (-s) ** (j - 1) * phi + (j - 1) * M[j - 2]
    return M


def active_moments(a: float, mu_L: float, c: float, n: int) -> np.ndarray:
    """``E[u(d) z^j]``, z = x_L ~ N(mu_L, 1), j = 0..n (DY eqs 16-19, corrected 25-27).

    With ``z = mu_L + sgn(a) t``: ``E[u z^n] = sum_j C(n, j) mu_L^(n-j) sgn(a)^j M_j``.
    """
    s = (a * mu_L + c) / abs(a)
    M = truncated_moments(s, n)
    sign = math.copysign(1.0, a)
    return np.array(
        [
            sum(comb(m, j) * mu_L ** (m - j) * sign**j * M[j] for j in range(m + 1))
            for m in range(n + 1)
        ]
    )


def correlation_matrix(mu: np.ndarray, a: float, c: float) -> np.ndarray:
    """``A = E[u(d) xb xb'] = P (D + m m')``, ``D = diag(0, 1, ..., 1, v_L)``,
    ``m = [1, mu_1, ..., mu_(L-1), h]``, h and v_L the mean and variance of x_L given d > 0."""
    mu = np.asarray(mu, dtype=float)
    s = (a * mu[-1] + c) / abs(a)
    P = float(ndtr(s))
    phi = math.exp(-s * s / 2) / SQRT_2PI
    h = mu[-1] + math.copysign(1.0, a) * phi / P
    v_L = 1 - s * phi / P - (phi / P) ** 2
    m = np.concatenate([[1.0], mu[:-1], [h]])
    D = np.diag(np.concatenate([[0.0], np.ones(len(mu) - 1), [v_L]]))
    return P * (D + np.outer(m, m))


def fourth_moment_tensor(mu: np.ndarray, a: float, c: float) -> np.ndarray:
    """``T_ijkl = E[u(d) xb_i xb_j xb_k xb_l]``: a product over independent coordinates
    (1 for the bias, normal moments for x_i, i < L, and E[u z^n] for z = x_L)."""
    mu = np.asarray(mu, dtype=float)
    L = len(mu)
    D = L + 1
    idx = np.indices((D,) * 4).reshape(4, -1)
    T = np.ones(idx.shape[1])
    for i in range(1, L):
        m = mu[i - 1]
        raw = np.array([1, m, m**2 + 1, m**3 + 3 * m, m**4 + 6 * m**2 + 3])
        T *= raw[(idx == i).sum(axis=0)]
    T *= active_moments(a, mu[-1], c, 4)[(idx == L).sum(axis=0)]
    return T.reshape((D,) * 4)


def _second_moment_operator(A: np.ndarray, T: np.ndarray, eta: float) -> np.ndarray:
    """G with vec(K_{k+1}) = G vec(K_k) (symmetric: T is fully symmetric)."""
    D = len(A)
    eye = np.eye(D)
    return (
        np.eye(D * D) - eta * (np.kron(A, eye) + np.kron(eye, A)) + eta**2 * T.reshape(D * D, D * D)
    )


def second_moment_msd(
    mu: np.ndarray, a: float, c: float, eta: float, init_std: float, ks: np.ndarray
) -> np.ndarray:
    """Exact ``E||v_k||^2 = tr K_k`` at the (increasing, multiple-of-step) iterations ks."""
    ks = np.asarray(ks, dtype=int)
    A = correlation_matrix(mu, a, c)
    G = _second_moment_operator(A, fourth_moment_tensor(mu, a, c), eta)
    D = len(A)
    step = int(np.gcd.reduce(np.diff(ks))) if len(ks) > 1 else max(int(ks[0]), 1)
    Gs = np.linalg.matrix_power(G, step)
    K = (init_std**2 * np.eye(D)).ravel()
    out = np.empty(len(ks))
    k = 0
    K = np.linalg.matrix_power(G, int(ks[0])) @ K
    k = int(ks[0])
    for i, target in enumerate(ks):
        while k < target:
            K = Gs @ K
            k += step
        out[i] = np.trace(K.reshape(D, D))
    return out


def first_order_msd(A: np.ndarray, eta: float, init_std: float, ks: np.ndarray) -> np.ndarray:
    """First-order theory ``E||v_k||^2 ~ sigma0^2 sum_i (1 - eta lambda_i)^(2k)``."""
    lam = np.linalg.eigvalsh(A)
    ks = np.asarray(ks, dtype=float)
    return init_std**2 * ((1 - eta * lam[None, :]) ** (2 * ks[:, None])).sum(axis=1)


def mean_square_limit(mu: np.ndarray, a: float, c: float, grid: int = 16) -> float:
    """Smallest eta at which the second-moment operator's spectral radius reaches 1."""
    A = correlation_matrix(mu, a, c)
    T = fourth_moment_tensor(mu, a, c)

    def radius(eta: float) -> float:
        return float(np.abs(np.linalg.eigvalsh(_second_moment_operator(A, T, eta))).max())

    top = 2.0 / np.linalg.eigvalsh(A).max()
    etas = np.linspace(top / grid, top, grid)
    low = 0.0
    for eta in etas:
        if radius(eta) >= 1:
            high = eta
            break
        low = eta
    else:
        return float(top)
    for _ in range(30):
        mid = (low + high) / 2
        low, high = (mid, high) if radius(mid) < 1 else (low, mid)
    return float((low + high) / 2)


def mode_table(mu: np.ndarray, a: float, c: float, eta: float, tol: float = 1e-9) -> dict:
    """Eigenvalues of A with ``is_p_mode`` (equal to Pr[d > 0]), rate ``1 - eta lambda``,
    time constant ``-1 / ln|1 - eta lambda|`` and the two step-size limits."""
    A = correlation_matrix(mu, a, c)
    P = probability_active(a, float(mu[-1]), c)
    lam = np.linalg.eigvalsh(A)
    rate = 1 - eta * lam
    with np.errstate(divide="ignore"):
        tau = -1 / np.log(np.abs(rate))
    return {
        "mode": np.arange(len(lam)),
        "eigenvalue": lam,
        "is_p_mode": np.abs(lam - P) < tol,
        "rate": rate,
        "tau": tau,
        "eta_max_mean": np.full(len(lam), 2 / lam.max()),
        "eta_max_ms": np.full(len(lam), mean_square_limit(mu, a, c)),
    }


@numba.njit(cache=True)
def _phi_cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


@numba.njit(cache=True, parallel=True)
def _lms_runs(mu, a, cs, eta, init_std, iterations, runs, record_every, seed, chunks):
    L = mu.shape[0]
    D = L + 1
    P = cs.shape[0]
    n_rec = iterations // record_every + 1
    msd = np.zeros((chunks, 2, P, n_rec))
    msd_sq = np.zeros((chunks, 2, P, n_rec))
    pact = np.zeros((chunks, P, n_rec))
    per_chunk = (runs + chunks - 1) // chunks
    for ch in numba.prange(chunks):
        V = np.empty((2, P, D))
        xb = np.empty(D)
        xb[0] = 1.0
        for r in range(ch * per_chunk, min(runs, (ch + 1) * per_chunk)):
            np.random.seed((seed + r) & 0xFFFFFFFF)
            for j in range(D):
                v0 = init_std * np.random.standard_normal()
                for m in range(2):
                    for p in range(P):
                        V[m, p, j] = v0
            for k in range(iterations + 1):
                if k % record_every == 0:
                    rec = k // record_every
                    for m in range(2):
                        for p in range(P):
                            sq = 0.0
                            for j in range(D):
                                sq += V[m, p, j] ** 2
                            msd[ch, m, p, rec] += sq
                            msd_sq[ch, m, p, rec] += sq * sq
                    for p in range(P):  # original model: Pr[y > 0] = Phi((b + w'mu) / ||w||)
                        b = cs[p] + V[1, p, 0]
                        num = b
                        norm2 = 0.0
                        for j in range(1, D):
                            wj = V[1, p, j] + (a if j == L else 0.0)
                            num += wj * mu[j - 1]
                            norm2 += wj * wj
                        pact[ch, p, rec] += _phi_cdf(num / math.sqrt(norm2))
                if k == iterations:
                    break
                for j in range(L):
                    xb[j + 1] = mu[j] + np.random.standard_normal()
                for p in range(P):
                    d = a * xb[L] + cs[p]
                    # analysis model: u(d)
                    if d > 0:
                        e = 0.0
                        for j in range(D):
                            e += xb[j] * V[0, p, j]
                        for j in range(D):
                            V[0, p, j] -= eta * e * xb[j]
                    # original model: u(y), y = d + xb'v
                    e = 0.0
                    for j in range(D):
                        e += xb[j] * V[1, p, j]
                    if d + e > 0:
                        for j in range(D):
                            V[1, p, j] -= eta * e * xb[j]
    return msd.sum(axis=0), msd_sq.sum(axis=0), pact.sum(axis=0)


def simulate_lms(
    mu: np.ndarray,
    a: float,
    cs: np.ndarray,
    eta: float,
    init_std: float,
    iterations: int,
    runs: int,
    record_every: int,
    seed: int,
) -> dict[str, np.ndarray]:
    """Both models over common random numbers (same v_0 and x stream for every c).

    Run r draws from its own stream (seed + r), so results do not depend on threads.
    Returns msd_mean, msd_se with shape (2 models [analysis, original], len(cs), records),
    p_active_mean (original model; shape (len(cs), records)) and k.
    """
    if eta <= 0 or init_std <= 0 or iterations < 0 or runs < 2 or record_every < 1:
        raise ValueError(
            "need eta > 0, init_std > 0, iterations >= 0, runs >= 2, record_every >= 1"
        )
    mu = np.ascontiguousarray(mu, dtype=float)
    cs = np.ascontiguousarray(cs, dtype=float)
    chunks = min(16, runs)
    s, sq, pact = _lms_runs(
        mu, float(a), cs, float(eta), float(init_std), int(iterations), int(runs),
        int(record_every), int(seed), chunks,
    )  # fmt: skip
    mean = s / runs
    var = np.maximum(sq / runs - mean**2, 0.0) * runs / (runs - 1)
    return {
        "k": np.arange(iterations // record_every + 1) * record_every,
        "msd_mean": mean,
        "msd_se": np.sqrt(var / runs),
        "p_active_mean": pact / runs,
    }


def activation_at_init(
    width: int, depth: int, networks: int, data_points: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """DY-0: activation probability in zero-bias iid ReLU networks at initialization.

    Returns ``act`` and ``alpha_prev``, shape (networks, depth): the fraction of (unit, point)
    pairs with positive pre-activation in layer k, and the fraction of points still alive
    (nonzero representation) after layer k - 1 (1 for k = 1). For a live point every unit is
    on with probability 1/2 by symmetry, a dead point has pre-activation 0, so
    ``E[act_k] = E[alpha_(k-1)] / 2`` exactly.
    """
    h = rng.standard_normal((networks, data_points, width))
    act = np.empty((networks, depth))
    alpha_prev = np.empty((networks, depth))
    for k in range(depth):
        alpha_prev[:, k] = (h != 0).any(axis=2).mean(axis=1)
        w = rng.standard_normal((networks, width, width)) * math.sqrt(2.0 / width)
        pre = h @ w
        act[:, k] = (pre > 0).mean(axis=(1, 2))
        h = np.maximum(pre, 0.0)
    return act, alpha_prev
