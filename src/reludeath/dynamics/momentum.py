"""Arnekvist et al.: one ReLU unit, target scale gamma, gradient descent with momentum.

Input ``x ~ N(0, I_L)``, prediction ``relu(w'x + b)``, linear target ``Gamma'x + Delta`` with
``Gamma = gamma e_L``; loss ``E[(yhat - y)^2] / 2``. Momentum in EMA form (AR eqs 6-7):
``m_{t+1} = beta m_t + (1 - beta) grad L(theta_t)``, ``theta_{t+1} = theta_t - eta m_{t+1}``,
``m_0 = 0``. With ``nhat = w/||w||``, ``s = b/||w||``, ``a = w - Gamma``, ``c = b - Delta``:

    grad_w = Phi(s) a + phi(s) (c - s a'nhat) nhat,   grad_b = phi(s) a'nhat + Phi(s) c.

The unit is alive on a fraction ``Phi(b/||w||)`` of inputs (AR eq 23); the dead cone is
``Phi(b/||w||) < eps`` (``b/||w|| < Phi^-1(eps)``).
"""

from __future__ import annotations

import math

import numba
import numpy as np
from scipy.special import ndtr

__all__ = [
    "affine_descent",
    "affine_ratio",
    "beta_star",
    "descend",
    "eigenvalues",
    "iteration_matrix",
    "optimum_hessian",
    "relu_gradient",
    "relu_gradient_1d",
]

_SQRT_2PI = math.sqrt(2 * math.pi)


def iteration_matrix(eta: float, beta: float) -> np.ndarray:
    """A of AR eq 20: ``(m, a)_{t+1} = A (m, a)_t`` for the affine model, gradient a."""
    return np.array([[beta, 1 - beta], [-eta * beta, 1 - eta * (1 - beta)]])


def eigenvalues(eta: float, betas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``lambda_pm = (tr +- sqrt(tr^2 - 4 beta)) / 2``, ``tr = 1 + beta - eta (1 - beta)``."""
    betas = np.asarray(betas, dtype=float)
    tr = 1 + betas - eta * (1 - betas)
    root = np.sqrt((tr**2 - 4 * betas).astype(complex))
    return (tr + root) / 2, (tr - root) / 2


def beta_star(eta: float) -> float:
    """Smallest momentum with complex (oscillating) eigenvalues: ``((1 - eta)/(1 + eta))^2``."""
    return ((1 - eta) / (1 + eta)) ** 2


def affine_ratio(eta: float, beta: float, steps: int) -> np.ndarray:
    """``r_t = [A^t (0, 1)']_2``, t = 0..steps: every affine error decays as ``a_t = r_t a_0``."""
    A = iteration_matrix(eta, beta)
    state = np.array([0.0, 1.0])
    r = np.empty(steps + 1)
    for t in range(steps + 1):
        r[t] = state[1]
        state = A @ state
    return r


def affine_descent(
    w0: float, b0: float, gamma: float, delta: float, eta: float, beta: float, steps: int
) -> tuple[np.ndarray, np.ndarray]:
    """(w_t, b_t), t = 0..steps, of momentum descent on the affine model (gradient (a, c))."""
    theta = np.array([w0, b0], dtype=float)
    target = np.array([gamma, delta], dtype=float)
    m = np.zeros(2)
    out = np.empty((steps + 1, 2))
    for t in range(steps + 1):
        out[t] = theta
        m = beta * m + (1 - beta) * (theta - target)
        theta = theta - eta * m
    return out[:, 0], out[:, 1]


def relu_gradient(w: np.ndarray, b: float, Gamma: np.ndarray, Delta: float) -> np.ndarray:
    """Exact gradient (grad_w, grad_b) of ``E[(relu(w'x + b) - Gamma'x - Delta)^2] / 2``."""
    w = np.asarray(w, dtype=float)
    norm = float(np.linalg.norm(w))
    a = w - np.asarray(Gamma, dtype=float)
    c = b - Delta
    if norm == 0:
        on = 1.0 if b > 0 else 0.0
        return np.concatenate([on * a, [on * c]])
    n = w / norm
    s = b / norm
    Phi, phi = float(ndtr(s)), math.exp(-s * s / 2) / _SQRT_2PI
    an = float(a @ n)
    return np.concatenate([Phi * a + phi * (c - s * an) * n, [phi * an + Phi * c]])


def relu_gradient_1d(w, b, gamma: float, delta: float) -> tuple[np.ndarray, np.ndarray]:
    """L = 1 (AR eqs 31-32), vectorised: ``rho = sign(w)``, ``s = b/|w|``,
    ``g_w = a Phi + rho (c - rho a s) phi``, ``g_b = rho a phi + c Phi``."""
    w, b = np.broadcast_arrays(np.asarray(w, dtype=float), np.asarray(b, dtype=float))
    rho = np.sign(w)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(w != 0, b / np.abs(w), np.where(b > 0, np.inf, -np.inf))
    Phi = ndtr(s)
    phi = np.where(np.isfinite(s), np.exp(-np.minimum(s * s, 1e300) / 2) / _SQRT_2PI, 0.0)
    a, c = w - gamma, b - delta
    with np.errstate(invalid="ignore"):
        sphi = np.where(np.isfinite(s), s * phi, 0.0)
    return a * Phi + rho * c * phi - a * sphi, rho * a * phi + c * Phi


def optimum_hessian() -> np.ndarray:
    """Hessian at the optimum (gamma > 0, Delta = 0, L = 1), order (w, b):
    ``E[1{x > 0} xb xb'] = [[1/2, 1/sqrt(2 pi)], [1/sqrt(2 pi), 1/2]]``, for every gamma."""
    off = 1 / _SQRT_2PI
    return np.array([[0.5, off], [off, 0.5]])


@numba.njit(cache=True)
def _grad(w, b, gamma, delta):
    a = w - gamma
    c = b - delta
    if w == 0.0:
        on = 1.0 if b > 0 else 0.0
        return on * a, on * c
    rho = 1.0 if w > 0 else -1.0
    s = b / abs(w)
    Phi = 0.5 * math.erfc(-s / math.sqrt(2.0))
    phi = math.exp(-s * s / 2) / math.sqrt(2 * math.pi)
    return a * Phi + rho * (c - rho * a * s) * phi, rho * a * phi + c * Phi


@numba.njit(cache=True, parallel=True)
def _descend(w0, b0, gamma, delta, eta, beta, tol, max_iter):
    n = w0.shape[0]
    w_end = np.empty(n)
    b_end = np.empty(n)
    iters = np.empty(n, dtype=np.int64)
    for i in numba.prange(n):
        w, b = w0[i], b0[i]
        mw, mb = 0.0, 0.0
        t = 0
        while t < max_iter:
            gw, gb = _grad(w, b, gamma, delta)
            mw = beta * mw + (1 - beta) * gw
            mb = beta * mb + (1 - beta) * gb
            w -= eta * mw
            b -= eta * mb
            t += 1
            if eta * math.sqrt(mw * mw + mb * mb) < tol:
                break
        w_end[i], b_end[i], iters[i] = w, b, t
    return w_end, b_end, iters


def descend(
    w0: np.ndarray,
    b0: np.ndarray,
    gamma: float,
    delta: float,
    eta: float,
    beta: float,
    tol: float,
    max_iter: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Momentum descent with the exact ReLU gradient (L = 1) from each start, until the step
    ``||eta m||`` falls below tol or after max_iter steps: (w_end, b_end, iterations)."""
    if eta <= 0 or not 0 <= beta < 1 or tol < 0 or max_iter < 1:
        raise ValueError("need eta > 0, 0 <= beta < 1, tol >= 0 and max_iter >= 1")
    w0 = np.ascontiguousarray(w0, dtype=float)
    b0 = np.ascontiguousarray(b0, dtype=float)
    return _descend(w0, b0, float(gamma), float(delta), float(eta), float(beta), float(tol),
                    int(max_iter))  # fmt: skip
