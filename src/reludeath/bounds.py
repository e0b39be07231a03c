"""Closed-form bounds on P(n, k), the probability that a ReLU network is alive.

All functions broadcast over numpy arrays and stay accurate from n = 1 to 64
and k = 1 to 1e6: every power (1 - q)**e is evaluated as expm1/exp of
e * log1p(-q), so nothing overflows and small q never cancels to zero.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "complement_power",
    "log2_upper_bound_half_depth",
    "lower_bound",
    "path_width",
    "upper_bound",
    "upper_bound_zero_bias",
    "width_for_probability",
]


def complement_power(log2_q: ArrayLike, exponent: ArrayLike) -> np.ndarray:
    """(1 - 2**log2_q) ** exponent = exp(exponent * log1p(-2**log2_q)), accurate for tiny
    2**log2_q and huge exponents."""
    q = np.exp2(np.asarray(log2_q, dtype=float))
    return np.exp(np.asarray(exponent, dtype=float) * np.log1p(-q))


def _as_positive(name: str, value: ArrayLike, minimum: float) -> np.ndarray:
    """value as a float array, refused unless finite and >= minimum (> 0 when minimum is 0)."""
    arr = np.asarray(value, dtype=float)
    low = arr <= 0 if minimum == 0 else arr < minimum
    if not np.all(np.isfinite(arr)) or np.any(low):
        allowed = "> 0" if minimum == 0 else f">= {minimum}"
        raise ValueError(f"{name} must be finite and {allowed}, got {value!r}")
    return arr


def lower_bound(n: ArrayLike, k: ArrayLike) -> np.ndarray:
    """Lower bound l(n,k) = (1 - 2**-n)**k on P(network alive) (eq. 8); real n > 0 allowed."""
    n = _as_positive("n", n, 0)
    k = _as_positive("k", k, 1)
    return complement_power(-n, k)


def upper_bound(n: ArrayLike, k: ArrayLike) -> np.ndarray:
    """Upper bound with biases u(n,k) = (1 - 2**(-n**2 - n))**(k-1) (eq. 4)."""
    n = _as_positive("n", n, 1)
    k = _as_positive("k", k, 1)
    return complement_power(-(n * n) - n, k - 1)


def upper_bound_zero_bias(n: ArrayLike, k: ArrayLike) -> np.ndarray:
    """Upper bound without biases u0(n,k) = (1 - 2**(-n**2))**(k-1)."""
    n = _as_positive("n", n, 1)
    k = _as_positive("k", k, 1)
    return complement_power(-(n * n), k - 1)


def log2_upper_bound_half_depth(n: ArrayLike, biased: bool) -> np.ndarray:
    """log2 of the least k with u(n, k) < 1/2 (u0 without biases): k - 1 > ln 2 / -ln(1 - q),
    q = 2^-e, e = n^2 + n (n^2); for q < 2^-40, ln 2 / q to double precision, so log2 is
    e + log2(ln 2). Finite for every n: P (P(not constant) with biases) -> 0."""
    n = _as_positive("n", n, 1)
    exponent = n * n + (n if biased else 0)
    small = exponent > 40
    q = np.exp2(-np.where(small, 1.0, exponent))
    exact = np.log2(np.floor(np.log(0.5) / np.log1p(-q)) + 2)
    return np.where(small, exponent + np.log2(np.log(2.0)), exact)


def width_for_probability(k: ArrayLike, p: ArrayLike) -> np.ndarray:
    """Real width n(k,p) = -log2(1 - p**(1/k)) that solves l(n,k) = p (eq. 9)."""
    k = _as_positive("k", k, 1)
    p = np.asarray(p, dtype=float)
    if np.any(~((p > 0) & (p < 1))):
        raise ValueError(f"p must lie in the open interval (0, 1), got {p!r}")
    # 1 - p**(1/k) = -expm1(log(p)/k): exact even when p**(1/k) is close to 1.
    return -np.log2(-np.expm1(np.log(p) / k))


def path_width(k: ArrayLike, p: ArrayLike) -> np.ndarray:
    """Integer path width ceil(n(k,p)), the smallest n with l(n,k) >= p."""
    real = width_for_probability(k, p)
    # Guard against real widths a hair above an integer from rounding; a width is at least 1
    # (a p so small that n(k, p) < 1 is met by every width).
    return np.maximum(np.ceil(real - 1e-9), 1).astype(np.int64)
