"""Numerical robustness at depths far beyond the paper's (docs/numerics.md)."""

import numpy as np
import pytest

from reludeath import ShardSpec, simulate_shard

DEEP = 10_000


@pytest.mark.parametrize(
    "scheme", ["iid", "batchnorm", "signflip", "rai", "uniform", "torch_default", "orthogonal"]
)
@pytest.mark.parametrize("n", [1, 8])
def test_depth_ten_thousand_is_finite(scheme, n):
    table = simulate_shard(ShardSpec(scheme, n, DEEP, networks=8, data_points=64, seed=11))
    assert table.num_rows == 8 * DEEP
    for name in ("sum_var", "mean_sq"):
        values = table.column(name).to_numpy()
        assert np.all(np.isfinite(values)) and np.all(values >= 0), name


def test_signflip_rescaling_spans_thousands_of_binary_orders():
    """Signflip stays alive to depth 10 000, so its scale exponent must carry what float32
    cannot: the activations' size, kept exactly as a power of two."""
    table = simulate_shard(ShardSpec("signflip", 8, DEEP, networks=4, data_points=64, seed=11))
    alive = table.column("alive_points").to_numpy()
    assert np.all(alive > 0)
    assert np.abs(table.column("log2_scale").to_numpy()).max() > 128  # beyond float32's range


def test_rai_float64_stays_bounded_without_rescaling():
    """RAI's biases forbid rescaling, so it runs in float64 with no depth limit: its weights
    (sigma = 0.6007) contract and its order-one biases keep activations of order one
    (docs/numerics.md)."""
    table = simulate_shard(ShardSpec("rai", 8, DEEP, networks=8, data_points=64, seed=11))
    assert table.column("log2_scale").to_numpy().max() == 0
    assert table.column("mean_sq").to_numpy().max() < 1e6
