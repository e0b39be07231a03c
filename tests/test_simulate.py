"""Determinism, seeding and refusal of bad input."""

import math

import numpy as np
import pytest

from reludeath import ShardSpec, get_scheme, simulate_shard


def _arrays(table):
    return {name: table.column(name).to_numpy(zero_copy_only=False) for name in table.column_names}


@pytest.mark.parametrize("scheme", ["iid", "batchnorm", "signflip", "rai"])
def test_same_spec_bit_identical_whatever_threads(scheme):
    spec = ShardSpec(scheme, 5, 30, 40, 64, seed=9)
    one = _arrays(simulate_shard(spec, threads=1))
    two = _arrays(simulate_shard(spec, threads=2))
    for name in one:
        np.testing.assert_array_equal(one[name], two[name], err_msg=name)


def test_different_shards_differ():
    a = _arrays(simulate_shard(ShardSpec("iid", 6, 10, 20, 64, seed=9, first_network=0)))
    b = _arrays(simulate_shard(ShardSpec("iid", 6, 10, 20, 64, seed=9, first_network=20)))
    assert not np.array_equal(a["sum_var"], b["sum_var"])
    c = _arrays(simulate_shard(ShardSpec("iid", 6, 10, 20, 64, seed=10)))
    assert not np.array_equal(a["sum_var"], c["sum_var"])


def test_growing_networks_keeps_the_first_ones():
    small = _arrays(simulate_shard(ShardSpec("iid", 4, 8, 1000, 16, seed=1)))
    large = _arrays(simulate_shard(ShardSpec("iid", 4, 8, 2000, 16, seed=1)))
    rows = 1000 * 8
    for name in small:
        np.testing.assert_array_equal(small[name], large[name][:rows], err_msg=name)


def test_network_identity_independent_of_shard_layout():
    whole = _arrays(simulate_shard(ShardSpec("rai", 3, 5, 10, 16, seed=2)))
    tail = _arrays(simulate_shard(ShardSpec("rai", 3, 5, 4, 16, seed=2, first_network=6)))
    np.testing.assert_array_equal(whole["sum_var"][6 * 5 :], tail["sum_var"])


def test_deeper_shard_extends_shallower():
    short = _arrays(simulate_shard(ShardSpec("signflip", 4, 10, 30, 32, seed=3)))
    deep = _arrays(simulate_shard(ShardSpec("signflip", 4, 25, 30, 32, seed=3)))
    keep = np.tile(np.arange(25) < 10, 30)
    np.testing.assert_array_equal(short["alive_points"], deep["alive_points"][keep])


def test_shared_data_is_one_data_set():
    from reludeath.simulate import draw_network

    spec = ShardSpec("iid", 3, 2, 4, 8, seed=0, shared_data=True)
    scheme = spec.scheme_object
    xs = [draw_network(spec, scheme, t, np.dtype(np.float64))[0] for t in range(3)]
    assert np.array_equal(xs[0], xs[1]) and np.array_equal(xs[1], xs[2])
    fresh = ShardSpec("iid", 3, 2, 4, 8, seed=0)
    ys = [draw_network(fresh, scheme, t, np.dtype(np.float64))[0] for t in range(2)]
    assert not np.array_equal(ys[0], ys[1])


def test_rai_parameters():
    """Exactly one entry per row of [A | b] is Beta(2, 1) (mean 2/3), the rest N(0, sigma^2/n)."""
    n, depth = 6, 4000
    streams = [np.random.default_rng(s) for s in range(3)]
    params = get_scheme("rai").draw(streams, n, depth)
    v = np.concatenate([params.weights, params.biases[:, :, None]], axis=2)
    assert v.shape == (depth, n, n + 1)
    # Beta entries lie in [0, 1]; with a 5-sigma window, their mean is 2/3.
    # Identify them by regenerating the positions from the same stream.
    column = np.random.default_rng(1).integers(0, n + 1, size=(depth, n))
    beta = np.take_along_axis(v, column[:, :, None], axis=2)[..., 0]
    assert beta.min() >= 0 and beta.max() <= 1
    se = math.sqrt(1 / 18 / beta.size)  # Var Beta(2,1) = 1/18
    assert abs(beta.mean() - 2 / 3) <= 5 * se
    mask = np.ones_like(v, bool)
    np.put_along_axis(mask, column[:, :, None], False, axis=2)
    normal = v[mask] / (0.6007 / math.sqrt(n))
    assert abs(normal.var() - 1) <= 5 * math.sqrt(2 / normal.size)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"width": 0}, r"width \(n\) must be an integer in 1\.\.64"),
        ({"width": 65}, r"width \(n\) must be an integer in 1\.\.64"),
        ({"depth": 0}, r"depth \(k\) must be an integer >= 1"),
        ({"data_points": 0}, r"data_points \(M\) must be an integer >= 1"),
        ({"networks": 0}, r"networks \(T\) must be an integer >= 1"),
        ({"networks": 2.5}, r"networks \(T\) must be an integer >= 1"),
        (
            {"scheme": "xavier"},
            r"scheme must be one of \['batchnorm', 'const_bias', 'iid', 'iid_bias', 'orthogonal', "
            r"'rai', 'signflip', 'torch_default', 'uniform'\]",
        ),
        ({"seed": -1}, "seed must be an integer >= 0"),
        ({"options": (("weight_variance", math.nan),)}, "weight_variance must be a finite number"),
        ({"options": (("weight_variance", math.inf),)}, "weight_variance must be a finite number"),
        ({"options": (("bias_std", -1.0),)}, "bias_std must be a finite number >= 0"),
    ],
)
def test_bad_input(kwargs, match):
    args = {"scheme": "iid", "width": 3, "depth": 4, "networks": 2, "data_points": 8, "seed": 0}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        ShardSpec(**args)


def test_iid_with_bias_runs_in_float64():
    spec = ShardSpec("iid", 4, 20, 50, 32, seed=1, options=(("bias_std", 0.1),))
    table = simulate_shard(spec)
    assert spec.scheme_object.dtype == np.float64
    assert np.all(np.isfinite(table.column("sum_var").to_numpy()))
