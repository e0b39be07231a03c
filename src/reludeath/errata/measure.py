"""Per-neuron quantities the shards do not store, for the papers' errata.

A modest number of networks is drawn with the project's own schemes and seeds (the first
networks of each width's shards, through ``simulate.draw_networks``) and run forward in
float64 here, layer by layer, to measure three things:

- Lemma 5.7 (long version), per neuron F = relu(F~), moments over the M points with 1/M:
  printed E s2(F) = 1/2 E s2(F~) - E lam2; the proof's symmetry gives
  E s2(F) = 1/2 (E s2(F~) + E lam~2) - E lam2, since E_x F~^2 = s2(F~) + lam~2. Per network
  each side is averaged over the layer's neurons and divided by g = E_theta E_x F~^2 given the
  layer's input h, s_w^2 E_x ||h||^2 + s_b^2 (a function of the past, so the corrected
  identity stays exact in mean, and the sides are free of the weights' scale).
- Sign flipping's marginals: P(w > 0) and the mean weight of layers 2..k after flipping.
- The step before the short version's eq (14), Var(X | X > 0) <= Var(X), on each
  (network, layer, neuron)'s pre-activations over the points alive before the layer.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from reludeath.schemes import get_scheme
from reludeath.simulate import ShardSpec, draw_networks

__all__ = [
    "CONDITIONAL_COLUMNS",
    "ERRATA_DEPTH",
    "ERRATA_NETWORKS",
    "ERRATA_WIDTHS",
    "LEMMA_COLUMNS",
    "MARGINAL_COLUMNS",
    "POINTS",
    "VARIANCE_RTOL",
    "errata_tables",
    "forward_layers",
]

ERRATA_WIDTHS, ERRATA_DEPTH, ERRATA_NETWORKS = (1, 2, 4, 8), 8, 512  # the default run's
POINTS = 256  # at most the shards' first 256 points (data are drawn point-major)
VARIANCE_RTOL = 1e-9  # float64 tolerance of Var(z | z > 0) <= Var(z)

LEMMA_COLUMNS = {
    "scheme": "iid or iid_bias",
    "n": "width",
    "layer": "layer k",
    "networks": "networks averaged (input not identically zero)",
    "measured": "mean over networks of E_j s2(F_j) / g",
    "measured_se": "its standard error over networks",
    "printed": "mean of E_j (s2(F~_j)/2 - lam_j^2) / g, the printed right-hand side",
    "corrected": "mean of E_j ((s2(F~_j) + lam~_j^2)/2 - lam_j^2) / g",
    "z_printed": "(measured - printed) / SE of the paired difference",
    "z_corrected": "(measured - corrected) / SE of the paired difference",
}
MARGINAL_COLUMNS = {
    "n": "width",
    "networks": "sign-flip networks",
    "layers": "layers 2..k judged per network",
    "p_positive": "mean over networks of the share of weights > 0 after flipping",
    "p_positive_se": "its standard error over networks",
    "mean_weight": "mean weight after flipping, in units of the drawn weights' std",
    "mean_weight_se": "its standard error over networks",
}
CONDITIONAL_COLUMNS = {
    "scheme": "iid or iid_bias",
    "n": "width",
    "layer": "layer k",
    "units": "(network, neuron) pairs with >= 2 living points where z > 0",
    "violations": "units with Var(z | z > 0) > Var(z) (1 + VARIANCE_RTOL), over living points",
    "worst_ratio": "largest Var(z | z > 0) / Var(z) among the units",
}


def forward_layers(x: np.ndarray, weights: np.ndarray, biases: np.ndarray, signflip: bool):
    """Yield, per layer, (h, z, alive, w): the input h (T, n, M), the pre-activation z after
    any sign flip, the points alive before the layer (T, M) and the effective weights (T, n, n).
    Sign flipping negates a layer when relu(z) would kill more than half the living points."""
    h = x.astype(np.float64)
    T, _, M = h.shape
    alive = np.ones((T, M), bool)
    for j in range(weights.shape[1]):
        w = weights[:, j].astype(np.float64)
        z = w @ h
        if biases.shape[1]:
            z += biases[:, j].astype(np.float64)[:, :, None]
        if signflip:
            living = alive.sum(axis=1)
            survivors = (alive & (z > 0).any(axis=1)).sum(axis=1)
            flip = 2 * (living - survivors) > living
            z[flip] *= -1
            w[flip] *= -1
        yield h, z, alive, w
        h = np.maximum(z, 0.0)
        alive = alive & (h > 0).any(axis=1)


def _mean_se(values: np.ndarray) -> tuple[float, float]:
    count = len(values)
    spread = values.std(ddof=1) if count > 1 else 0.0
    return float(values.mean()), float(spread / np.sqrt(count)) if count else float("nan")


def _lemma_row(h: np.ndarray, z: np.ndarray, variances: tuple[float, float]) -> dict | None:
    """The three sides of Lemma 5.7 at one layer, per network, over its neurons; `variances`
    (s_w^2, s_b^2) are the scheme's weight and bias variances."""
    f = np.maximum(z, 0.0)
    lam, lam_t = f.mean(axis=2), z.mean(axis=2)
    var_f, var_t = f.var(axis=2), z.var(axis=2)
    g = variances[0] * (h * h).sum(axis=1).mean(axis=1) + variances[1]
    keep = g > 0
    if keep.sum() < 2:
        return None
    g = g[keep, None]
    measured = (var_f[keep] / g).mean(axis=1)
    printed = ((var_t[keep] / 2 - lam[keep] ** 2) / g).mean(axis=1)
    corrected = (((var_t[keep] + lam_t[keep] ** 2) / 2 - lam[keep] ** 2) / g).mean(axis=1)
    row = {"networks": int(keep.sum())}
    row["measured"], row["measured_se"] = _mean_se(measured)
    for name, side in (("printed", printed), ("corrected", corrected)):
        diff, se = _mean_se(measured - side)
        row[name] = float(side.mean())
        row[f"z_{name}"] = diff / se if se > 0 else (0.0 if diff == 0 else np.inf)
    return row


def _conditional_row(z: np.ndarray, alive: np.ndarray) -> dict:
    """Var(z) over the living points against Var(z | z > 0), per (network, neuron)."""
    mask = np.broadcast_to(alive[:, None, :], z.shape)
    positive = mask & (z > 0)

    def variance(where: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        count = where.sum(axis=2)
        mean = np.where(where, z, 0.0).sum(axis=2) / np.maximum(count, 1)
        spread = np.where(where, z - mean[..., None], 0.0)
        return (spread * spread).sum(axis=2) / np.maximum(count, 1), count

    var_all, _ = variance(mask)
    var_pos, count_pos = variance(positive)
    units = count_pos >= 2
    violations = units & (var_pos > var_all * (1 + VARIANCE_RTOL))
    ratio = np.where(units & (var_all > 0), var_pos / np.where(var_all > 0, var_all, 1), 0.0)
    return {
        "units": int(units.sum()),
        "violations": int(violations.sum()),
        "worst_ratio": float(ratio.max()) if units.any() else float("nan"),
    }


def _draw(scheme: str, n: int, depth: int, networks: int, points: int, seed: int, options):
    """Networks 0..networks-1 of the (scheme, n) shards, and (s_w^2, s_b^2) of the draw."""
    spec = ShardSpec(scheme, n, depth, networks, points, seed, options=tuple(options.items()))
    obj = get_scheme(scheme, **options)
    arrays = draw_networks(spec, obj, np.arange(networks), np.dtype(obj.dtype))
    if obj.has_bias:  # He weights N(0, weight_variance / n), biases N(0, bias_std^2)
        return arrays, (obj.weight_variance / n, obj.bias_std**2)
    return arrays, (1.0, 0.0)  # zero bias: standard normal weights (the scale is irrelevant)


def errata_tables(
    widths: list[int],
    depth: int,
    networks: int,
    points: int,
    seed: int,
    iid_bias_options: Mapping[str, float] | None = None,
) -> dict[str, pd.DataFrame]:
    """The three errata tables ("lemma_5_7", "signflip_marginals", "conditional_variance")
    for networks 0..networks-1 of each width, drawn as the shards draw them with fresh data per
    network (whatever the run's shared_data: the intervals are over independent networks), on
    their first min(points, POINTS) points."""
    points = min(points, POINTS)
    lemma, conditional, marginals = [], [], []
    schemes = {"iid": {}, "iid_bias": dict(iid_bias_options or {"bias_std": 1.0})}
    for scheme, options in schemes.items():
        for n in widths:
            arrays, variances = _draw(scheme, n, depth, networks, points, seed, options)
            for layer, (h, z, alive, _) in enumerate(forward_layers(*arrays, False), 1):
                key = {"scheme": scheme, "n": n, "layer": layer}
                row = _lemma_row(h, z, variances)
                if row is not None:
                    lemma.append({**key, **row})
                conditional.append({**key, **_conditional_row(z, alive)})
    for n in widths:
        (x, weights, biases), _ = _draw("signflip", n, depth, networks, points, seed, {})
        scale = float(weights.astype(np.float64).std())
        after = np.stack([w for _, _, _, w in forward_layers(x, weights, biases, True)], axis=1)
        later = after[:, 1:].reshape(networks, -1)
        row = {"n": n, "networks": networks, "layers": depth - 1}
        row["p_positive"], row["p_positive_se"] = _mean_se((later > 0).mean(axis=1))
        row["mean_weight"], row["mean_weight_se"] = _mean_se(later.mean(axis=1) / scale)
        marginals.append(row)
    return {
        "lemma_5_7": pd.DataFrame(lemma, columns=list(LEMMA_COLUMNS)),
        "signflip_marginals": pd.DataFrame(marginals, columns=list(MARGINAL_COLUMNS)),
        "conditional_variance": pd.DataFrame(conditional, columns=list(CONDITIONAL_COLUMNS)),
    }
