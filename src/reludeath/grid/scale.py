"""RAI's scale (issue 30, section 5): the second-moment ratio per layer, and the rai_he control.

RAI draws [A | b] ~ N(0, sigma^2 / n) with sigma = 0.6007 and puts one Beta(2, 1) entry in
each row. Its per-layer second-moment ratio r = E||h_k||^2 / E||h_{k-1}||^2, measured with the
biases dropped (where they are negligible, ||h|| >> 1), is below 1, so its outputs contract;
He's draw keeps r = 1 exactly (E relu(z)^2 = Var z / 2 for symmetric z). The control
``rai_he`` is RAI's asymmetric draw with the symmetric entries at He's variance 2 / n
(sigma = sqrt 2): the same random numbers as ``rai`` (its "rai" streams), only the scale
differs, so rai against rai_he isolates the scale and rai_he against iid_bias the asymmetry.

Which second-moment criterion gives 0.6007? Averaging over the Beta entry's position (one of
n + 1), E z^2 = ||h||^2 (sigma^2 n / f + E beta^2) / (n + 1) for entries N(0, sigma^2 / f)
(biases dropped); He's criterion n E z^2 / 2 = ||h||^2 then needs
sigma^2 = (f / n) (2 (n + 1) / n - 1 / 2) >= 3/2 for fan-in f = n or n + 1
(``he_criterion_sigma``), and the exact infinite-width recursion h' = relu(G + beta h_p)
(``mean_field_ratio``) preserves the second moment at sigma ~ 0.85: none gives 0.6007.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from reludeath.grid.constancy import combine_near_constant, near_constant_counts
from reludeath.sampling.seeds import generator
from reludeath.schemes import get_scheme
from reludeath.simulate import ShardSpec, draw_networks, simulate_shard

__all__ = [
    "CONTROL",
    "CONTROL_WIDTHS",
    "MOMENTS",
    "RAI_HE_SIGMA",
    "RAI_SIGMA",
    "SECOND_MOMENT_COLUMNS",
    "control_near_constant",
    "he_criterion_sigma",
    "layer_moments",
    "mean_field_ratio",
    "mean_field_sigma",
    "rai_he_spec",
    "second_moment_table",
]

RAI_SIGMA = 0.6007  # Lu et al.'s sigma (reludeath.schemes.RAI)
RAI_HE_SIGMA = math.sqrt(2.0)  # He's variance 2 / n for the symmetric entries
CONTROL_WIDTHS = (2, 4, 8, 15)
# The control's tables: rai_he's near-constant counts, and the second-moment ratios.
CONTROL = "results/aggregate/rai_control.parquet"
MOMENTS = "results/aggregate/second_moment.parquet"
BETA_SECOND_MOMENT = 0.5  # E beta^2 for Beta(2, 1)
MOMENT_LAYERS, MOMENT_NETWORKS, MOMENT_POINTS = 32, 256, 256

SECOND_MOMENT_COLUMNS = {
    "scheme": "rai, rai_he or iid_bias",
    "n": "width",
    "sigma": "the symmetric entries' std times sqrt(n) (iid_bias: sqrt(weight_variance))",
    "layers": "layers k = 1..K averaged",
    "networks": "networks (the grid's first ones, drawn as its shards draw them)",
    "ratio": "mean of ||h_k||^2 / ||h_{k-1}||^2 over (network, layer k <= K) with h_{k-1} != 0, "
    "biases dropped, ||.||^2 averaged over the points: E of the one-step factor (He: 1)",
    "ratio_low": "95% percentile bootstrap interval over networks, lower end",
    "ratio_high": "upper end",
    "layer_min": "smallest of the per-layer means of that ratio, k = 1..K",
    "layer_max": "largest of them",
}


def he_criterion_sigma(n: int, fan_in: int) -> float:
    """sigma with which RAI's row meets He's criterion n E z^2 / 2 = ||h||^2 (relu halving a
    symmetric z), entries N(0, sigma^2 / fan_in): sigma^2 = (f / n) (2 (n + 1) / n - E beta^2)."""
    return math.sqrt(fan_in / n * (2 * (n + 1) / n - BETA_SECOND_MOMENT))


def mean_field_ratio(
    sigma: float, samples: int = 100_000, iterations: int = 40, seed: int = 0
) -> float:
    """The per-layer second-moment ratio of RAI at infinite width, biases dropped: the shape
    of a neuron's value settles under h' = relu(G + beta h_p), G ~ N(0, sigma^2 E h^2) (the
    symmetric entries' sum), beta ~ Beta(2, 1), h_p a neuron of the layer before; the ratio is
    E h'^2 / E h^2 at the fixed shape (population dynamics, `samples` values)."""
    rng = generator(seed, "rai-mean-field")
    h = np.abs(rng.standard_normal(samples))
    ratio = 1.0
    for _ in range(iterations):
        m2 = float(np.mean(h * h))
        g = rng.standard_normal(samples) * sigma * math.sqrt(m2)
        beta = np.sqrt(rng.random(samples))
        h = np.maximum(g + beta * h[rng.integers(0, samples, samples)], 0.0)
        ratio = float(np.mean(h * h)) / m2
        h /= math.sqrt(ratio)
    return ratio


def mean_field_sigma(low: float = 0.3, high: float = 1.5, steps: int = 14) -> float:
    """The sigma at which ``mean_field_ratio`` is 1 (bisection; the ratio grows with sigma)."""
    for _ in range(steps):
        mid = (low + high) / 2
        low, high = (mid, high) if mean_field_ratio(mid) < 1 else (low, mid)
    return (low + high) / 2


def rai_he_spec(n: int, depth: int, networks: int, data_points: int, seed: int) -> ShardSpec:
    """The rai_he control's shard: scheme rai (its streams, so paired with rai's networks)
    at sigma = sqrt 2, in float64 (its activations grow with depth)."""
    options = (("sigma", RAI_HE_SIGMA),)
    return ShardSpec("rai", n, depth, networks, data_points, seed, dtype="float64", options=options)


def control_near_constant(
    widths: Sequence[int],
    depth: int,
    networks: int,
    data_points: int,
    seed: int,
    tolerances: Sequence[float],
) -> pd.DataFrame:
    """Near-constant counts (output_spread <= tau) of rai_he per (n, tau, k), networks
    0..networks-1 of each width, through the kernel as the grid's shards run."""
    counts = []
    for n in widths:
        spec = rai_he_spec(n, depth, networks, data_points, seed)
        table = simulate_shard(spec)
        spread = table.column("output_spread").to_numpy().reshape(networks, depth)
        meta = {**spec.as_metadata(), "scheme": "rai_he"}
        counts.append(near_constant_counts(spread, meta, tolerances))
    return combine_near_constant(counts)


def layer_moments(
    scheme: str,
    options: Mapping[str, float],
    n: int,
    layers: int,
    networks: int,
    points: int,
    seed: int,
) -> np.ndarray:
    """(networks, layers + 1) mean over the points of ||h_k||^2, k = 0..layers, biases dropped,
    float64, for networks 0..networks-1 of the (scheme, n) shards on their first `points`."""
    spec = ShardSpec(scheme, n, layers, networks, points, seed, options=tuple(options.items()))
    obj = get_scheme(scheme, **options)
    x, weights, _ = draw_networks(spec, obj, np.arange(networks), np.dtype(np.float64))
    h = x
    moments = [(h * h).sum(axis=1).mean(axis=1)]
    for j in range(layers):
        h = np.maximum(weights[:, j] @ h, 0.0)
        moments.append((h * h).sum(axis=1).mean(axis=1))
    return np.stack(moments, axis=1)


def step_ratios(moments: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ratios, used), both (networks, layers): q_k / q_{k-1} of each network where
    q_{k-1} > 0. Given h_{k-1} the ratio's mean is the draw's one-step factor, whatever the
    scale of h (no bias), so a network that dies only leaves the average."""
    before, after = moments[:, :-1], moments[:, 1:]
    used = before > 0
    return np.where(used, after / np.where(used, before, 1.0), 0.0), used


def _mean_ratio(ratios: np.ndarray, used: np.ndarray) -> float:
    return float(ratios.sum() / max(int(used.sum()), 1))


def second_moment_table(
    widths: Sequence[int],
    seed: int,
    iid_bias_options: Mapping[str, float] | None = None,
    layers: int = MOMENT_LAYERS,
    networks: int = MOMENT_NETWORKS,
    points: int = MOMENT_POINTS,
    replicates: int = 1000,
) -> pd.DataFrame:
    """results/aggregate/second_moment.parquet: per (scheme, n) the mean per-layer
    second-moment ratio with a bootstrap interval over networks (SECOND_MOMENT_COLUMNS)."""
    iid_bias = dict(iid_bias_options or {"bias_std": 1.0})
    he = math.sqrt(get_scheme("iid_bias", **iid_bias).weight_variance)
    schemes = {
        "rai": ("rai", {}, RAI_SIGMA),
        "rai_he": ("rai", {"sigma": RAI_HE_SIGMA}, RAI_HE_SIGMA),
        "iid_bias": ("iid_bias", iid_bias, he),
    }
    rows = []
    for label, (scheme, options, sigma) in schemes.items():
        for n in widths:
            ratios, used = step_ratios(
                layer_moments(scheme, options, n, layers, networks, points, seed)
            )
            rng = generator(seed, "second-moment-bootstrap", label, n)
            picks = (rng.integers(0, networks, networks) for _ in range(replicates))
            boot = [_mean_ratio(ratios[t], used[t]) for t in picks]
            steps = ratios.sum(axis=0)[used.any(axis=0)] / used.sum(axis=0)[used.any(axis=0)]
            rows.append(
                {
                    "scheme": label,
                    "n": int(n),
                    "sigma": float(sigma),
                    "layers": layers,
                    "networks": networks,
                    "ratio": _mean_ratio(ratios, used),
                    "ratio_low": float(np.quantile(boot, 0.025)),
                    "ratio_high": float(np.quantile(boot, 0.975)),
                    "layer_min": float(steps.min()),
                    "layer_max": float(steps.max()),
                }
            )
    return pd.DataFrame(rows, columns=list(SECOND_MOMENT_COLUMNS))
