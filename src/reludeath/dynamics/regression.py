"""AR-G: a synthetic surrogate of Arnekvist et al.'s Fig 1 (their UCI data are not used).

A one-hidden-layer network ``yhat = w'relu(W'x + b1) + b2`` (PyTorch's default uniform
initialization, U(+-1/sqrt(fan_in))) is fitted by mini-batch mean-squared error to the target
``y = gamma (y* - mean) / std + delta``, ``y* = v_t'relu(W_t'x) + 0.5 sin(2 x_1)`` (a random
teacher), with Adam, SGD or heavy-ball SGD written out in numpy. Recorded: ``mse_z``, the
error over gamma^2, and ``dead_frac``, the hidden units off on every evaluation point.
"""

from __future__ import annotations

import numpy as np

__all__ = ["OPTIMIZERS", "synthetic_data", "train"]

OPTIMIZERS = ("adam", "sgd", "sgd_momentum")


def synthetic_data(
    n_in: int, n_train: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(x, y*) with x ~ N(0, I), y* from a width-32 ReLU teacher plus 0.5 sin(2 x_1),
    standardised to mean 0 and variance 1."""
    x = rng.standard_normal((n_train, n_in))
    W_t = rng.standard_normal((n_in, 32)) / np.sqrt(n_in)
    v_t = rng.standard_normal(32) / np.sqrt(32)
    y = np.maximum(x @ W_t, 0) @ v_t + 0.5 * np.sin(2 * x[:, 0])
    return x, (y - y.mean()) / y.std()


def train(
    x: np.ndarray,
    y: np.ndarray,
    optimizer: str,
    rng: np.random.Generator,
    *,
    width: int,
    steps: int,
    batch: int,
    n_eval: int,
    lr: float,
    momentum: float = 0.9,
    record_every: int,
) -> dict[str, np.ndarray]:
    """Train on (x, y); every record_every steps (and at 0) record mse and dead_frac on the
    first n_eval points. Adam: betas (0.9, 0.999), eps 1e-8; heavy ball: v <- mu v + g."""
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    n_in = x.shape[1]
    lim1, lim2 = 1 / np.sqrt(n_in), 1 / np.sqrt(width)
    params = [
        rng.uniform(-lim1, lim1, (n_in, width)),
        rng.uniform(-lim1, lim1, width),
        rng.uniform(-lim2, lim2, width),
        rng.uniform(-lim2, lim2, 1),
    ]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    x_eval, y_eval = x[:n_eval], y[:n_eval]
    steps_out, mse, dead = [], [], []

    def record(t: int) -> None:
        W, b1, w, b2 = params
        pre = x_eval @ W + b1
        pred = np.maximum(pre, 0) @ w + b2[0]
        steps_out.append(t)
        mse.append(float(np.mean((pred - y_eval) ** 2)))
        dead.append(float(np.mean(np.all(pre <= 0, axis=0))))

    record(0)
    for t in range(1, steps + 1):
        idx = rng.integers(0, len(x), batch)
        xb, yb = x[idx], y[idx]
        W, b1, w, b2 = params
        pre = xb @ W + b1
        h = np.maximum(pre, 0)
        err = 2 * (h @ w + b2[0] - yb) / batch  # d mean((yhat - y)^2) / d yhat
        gh = np.outer(err, w) * (pre > 0)
        grads = [xb.T @ gh, gh.sum(axis=0), h.T @ err, np.array([err.sum()])]
        for i, g in enumerate(grads):
            if optimizer == "adam":
                m[i] = 0.9 * m[i] + 0.1 * g
                v[i] = 0.999 * v[i] + 0.001 * g * g
                mhat = m[i] / (1 - 0.9**t)
                vhat = v[i] / (1 - 0.999**t)
                params[i] = params[i] - lr * mhat / (np.sqrt(vhat) + 1e-8)
            elif optimizer == "sgd_momentum":
                m[i] = momentum * m[i] + g
                params[i] = params[i] - lr * m[i]
            else:
                params[i] = params[i] - lr * g
        if t % record_every == 0 or t == steps:
            record(t)
    return {"step": np.array(steps_out), "mse": np.array(mse), "dead_frac": np.array(dead)}
