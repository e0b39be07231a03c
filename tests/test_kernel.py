"""The fast kernel against the slow float64 reference, and its numerics."""

import numpy as np
import pytest
from reference import reference_network
from shard_helpers import run

from reludeath import ShardSpec, get_scheme, kernel, simulate_shard
from reludeath.simulate import constant_from_dead_layers, draw_network


@pytest.mark.parametrize(
    "scheme",
    [
        *("iid", "iid_bias", "signflip", "batchnorm", "rai"),
        *("uniform", "torch_default", "orthogonal", "const_bias"),
    ],
)
@pytest.mark.parametrize("n, k, M", [(1, 6, 16), (3, 20, 50), (7, 40, 200)])
def test_kernel_matches_reference(scheme, n, k, M):
    # Batch normalization is chaotic in depth: float32 rounding eventually moves a
    # point across zero, so it is compared in float64; the others run as in production.
    dtype = "float64" if scheme == "batchnorm" else None
    spec = ShardSpec(scheme, n, k, 12, M, seed=3, dtype=dtype)
    table = simulate_shard(spec).to_pandas()
    scheme_obj = spec.scheme_object
    for t in range(spec.networks):
        x, w, b = draw_network(spec, scheme_obj, t, np.dtype(np.float64))
        expected = reference_network(x, w, b, scheme_obj.mode)
        got = table[table.network == t]
        assert list(got.alive_points) == [row[0] for row in expected]
        assert list(got.output_nonzero) == [row[3] for row in expected]
        assert list(got.split) == [row[4] for row in expected]
        scale = 4.0 ** got.log2_scale.to_numpy()
        ref_var = np.array([row[1] for row in expected])
        ref_msq = np.array([row[2] for row in expected])
        atol = 1e-9 * (ref_var + ref_msq).max()
        # float32 rounding, compounded over up to 40 layers of batch normalization.
        np.testing.assert_allclose(got.sum_var * scale, ref_var, rtol=2e-3, atol=atol)
        np.testing.assert_allclose(got.mean_sq * scale, ref_msq, rtol=2e-3, atol=atol)
        ref_spread = np.array([row[6] for row in expected])
        np.testing.assert_allclose(got.output_spread, ref_spread, rtol=2e-3, atol=1e-6)


@pytest.mark.parametrize("scheme", ["iid_bias", "batchnorm"])
def test_layers_after_the_last_death_match_the_reference(scheme):
    """Schemes that keep dead points run a leaner pass once no point is alive: every output,
    collapse included, is still the reference's, over many layers after the last death."""
    dtype = "float64" if scheme == "batchnorm" else None
    spec = ShardSpec(scheme, 2, 30, 16, 40, seed=9, dtype=dtype)
    table = simulate_shard(spec).to_pandas()
    assert (table.alive_points == 0).sum() >= 100  # layers after the last death
    scheme_obj = spec.scheme_object
    for t in range(spec.networks):
        x, w, b = draw_network(spec, scheme_obj, t, np.dtype(np.float64))
        expected = reference_network(x, w, b, scheme_obj.mode)
        got = table[table.network == t]
        for column, index in (("alive_points", 0), ("output_nonzero", 3), ("split", 4),
                              ("collapsed", 5)):  # fmt: skip
            assert list(got[column]) == [row[index] for row in expected], column
        scale = 4.0 ** got.log2_scale.to_numpy()
        for column, index in (("sum_var", 1), ("mean_sq", 2)):
            reference = np.array([row[index] for row in expected])
            np.testing.assert_allclose(got[column] * scale, reference, rtol=1e-4, atol=1e-12)
        reference = np.array([row[6] for row in expected])
        np.testing.assert_allclose(got.output_spread, reference, rtol=1e-4, atol=1e-7)


def test_zero_bias_collapse_is_death():
    """Without bias a network's output is constant over M >= 2 points exactly when all died."""
    out = run("iid", 2, 30, 300, 20, seed=4)
    assert np.array_equal(out["collapsed"], out["alive_points"] == 0)


@pytest.mark.parametrize(
    "scheme", ["iid", "signflip", "uniform", "orthogonal", "torch_default", "const_bias"]
)
def test_float32_matches_float64_at_depth_ten_thousand(scheme):
    """Rescaling keeps float32 exact on alive/dead status at any depth (signflip
    networks never die, so every one of their 10 000 layers is compared); the biased
    torch_default and const_bias stay bounded, so float32 is exact there too."""
    n, k, T, M = 8, 10_000, 12, 256
    counts = {}
    for dtype in ("float32", "float64"):
        table = simulate_shard(ShardSpec(scheme, n, k, T, M, seed=5, dtype=dtype), threads=2)
        counts[dtype] = table.column("alive_points").to_numpy()
        for name in ("sum_var", "mean_sq"):
            assert np.all(np.isfinite(table.column(name).to_numpy()))
    depth_reached = k if scheme == "signflip" else 200
    assert counts["float32"].reshape(T, k)[:, depth_reached - 1].max() > 0
    np.testing.assert_array_equal(counts["float32"], counts["float64"])


@pytest.mark.parametrize("n", [1, 8])
def test_deep_networks_stay_finite(n):
    table = simulate_shard(ShardSpec("signflip", n, 10_000, 4, 64, seed=6))
    for name in ("sum_var", "mean_sq"):
        values = table.column(name).to_numpy()
        assert np.all(np.isfinite(values))
    ratio = table.column("sum_var").to_numpy() / table.column("mean_sq").to_numpy()
    assert np.all(np.isfinite(ratio))


def test_batchnorm_constant_preactivation_gives_zero():
    """A neuron whose pre-activation is constant over the batch (std 0) outputs 0: the product
    pass's shifted sums of a constant row are exactly zero, standardization zeroes the row, and
    the network's statistics are the reference's, which maps std 0 to 0."""
    from kernel_calls import call_pass

    w = np.array([[0.0, 0.0], [1.0, 0.0]], np.float32)
    b = np.array([2.0, 0.0], np.float32)
    h = np.array([[1.0, 2.0, 3.0], [5.0, -1.0, 0.5]], dtype=np.float32)
    z, _, shifted, _, _ = call_pass("standardize", w, b, h)
    assert np.all(z[0] == 2.0) and np.all(shifted[0, 1:3] == 0)

    rng = np.random.default_rng(8)
    n, depth, points = 3, 5, 40
    weights = rng.standard_normal((depth, n, n))
    weights[:, 0] = 0.0  # neuron 0 is 0 before normalization at every layer
    x = rng.standard_normal((n, points))
    outs = kernel.allocate_outputs(1, depth)
    settings = kernel.KernelSettings(kernel.Mode.BATCHNORM, False, False, dtype="float64")
    kernel.run_network(x, weights, np.zeros((0, n)), settings, {k: o[0] for k, o in outs.items()})
    expected = reference_network(x, weights, np.zeros((0, n)), kernel.Mode.BATCHNORM)
    assert list(outs["alive_points"][0]) == [row[0] for row in expected]
    np.testing.assert_allclose(outs["sum_var"][0], [row[1] for row in expected], rtol=1e-9)
    np.testing.assert_allclose(outs["mean_sq"][0], [row[2] for row in expected], rtol=1e-9)


@pytest.mark.parametrize("scheme", ["iid", "rai", "signflip"])
def test_alive_counts_do_not_depend_on_the_processor(monkeypatch, tmp_path, scheme):
    """The same networks compiled for AVX2 only (x86-64-v3) and for this machine: every lane
    computes the same operations, so alive counts are identical and moments agree to rounding
    (batch normalization, chaotic in depth, is left out: its sums' rounding may differ)."""
    import platform

    from reludeath.kernel import build

    if platform.machine() not in ("x86_64", "AMD64"):
        pytest.skip("x86 processors only")
    spec = ShardSpec(scheme, 9, 64, 16, 100, seed=12)
    tables = []
    for cpu in ("", "x86-64-v3"):
        monkeypatch.setenv("RELUDEATH_KERNEL_CPU", cpu)
        monkeypatch.setenv("RELUDEATH_KERNEL_CACHE", str(tmp_path))
        build.runner.cache_clear()
        tables.append(simulate_shard(spec).to_pandas())
    build.runner.cache_clear()
    host, avx2 = tables
    np.testing.assert_array_equal(host.alive_points, avx2.alive_points)
    np.testing.assert_array_equal(host.split, avx2.split)
    np.testing.assert_allclose(host.sum_var, avx2.sum_var, rtol=1e-4, atol=1e-12)


def test_run_networks_refuses_mismatched_shapes():
    """Arrays that do not match x would be read out of bounds by compiled code: refused first."""
    x = np.ones((2, 3, 8), np.float32)
    outs = kernel.allocate_outputs(2, 4)
    settings = kernel.KernelSettings()
    with pytest.raises(ValueError, match=r"weights has shape \(2, 4, 4, 4\)"):
        kernel.run_networks(
            x, np.ones((2, 4, 4, 4), np.float32), np.zeros((2, 0, 3)), settings, outs
        )
    with pytest.raises(ValueError, match="alive_points has shape"):
        short = kernel.allocate_outputs(2, 3)
        kernel.run_networks(
            x, np.ones((2, 4, 3, 3), np.float32), np.zeros((2, 0, 3)), settings, short
        )
    with pytest.raises(ValueError, match=r"biases has shape \(2, 0, 3\).*biased=True"):
        biased = kernel.KernelSettings(compact=False, rescale=False, biased=True)
        kernel.run_networks(x, np.ones((2, 4, 3, 3), np.float32), np.zeros((2, 0, 3)), biased, outs)
    with pytest.raises(TypeError, match="settings must be a KernelSettings"):
        kernel.run_networks(x, np.ones((2, 4, 3, 3), np.float32), np.zeros((2, 0, 3)), 0, outs)
    with pytest.raises(ValueError, match="outputs must be exactly"):
        partial = {"alive_points": outs["alive_points"]}
        kernel.run_networks(
            x, np.ones((2, 4, 3, 3), np.float32), np.zeros((2, 0, 3)), settings, partial
        )


@pytest.mark.parametrize(
    "options, named",
    [
        ({"compact": True, "rescale": False, "biased": True}, "compact=True with biased=True"),
        ({"mode": "batchnorm", "compact": False, "rescale": False}, "mode must be one of"),
        ({"mode": kernel.Mode.BATCHNORM}, "compact=True with mode BATCHNORM"),
        ({"compact": False, "rescale": True}, "rescale=True with compact=False"),
        ({"dtype": "float16"}, "dtype must be one of"),
        ({"eps": -1.0}, "eps must be"),
        ({"compact": 1}, "compact must be a bool"),
    ],
)
def test_kernel_settings_refuse_illegal_combinations(options, named):
    with pytest.raises(ValueError, match=named):
        kernel.KernelSettings(**options)


@pytest.mark.parametrize("name", ["iid", "iid_bias", "batchnorm", "signflip", "rai"])
def test_every_scheme_makes_legal_settings(name):
    scheme = get_scheme(name)
    settings = scheme.kernel_settings()
    assert settings.mode is scheme.mode and settings.biased == scheme.has_bias
    assert settings.compact == scheme.compact and settings.rescale == scheme.rescale
    assert settings.dtype == scheme.dtype.name
    assert scheme.kernel_settings("float64").dtype == "float64"


def test_plans_name_known_passes():
    """Every pass a plan runs is a generated kind, every row map a layer-loop stage."""
    from reludeath.kernel import layerloop, passes

    for mode, plan in kernel.PLANS.items():
        for compact in (True, False) if plan.compaction else (False,):
            assert set(plan.passes(compact)) <= set(passes.KINDS), mode
        assert plan.row_map is None or plan.row_map in layerloop.ROW_MAPS
    assert set(kernel.PLANS) == set(kernel.Mode)


@pytest.mark.parametrize("scheme", ["iid", "signflip", "orthogonal", "uniform"])
def test_zero_bias_constant_is_not_alive(scheme):
    """Without bias a killed point stays at 0, so a dead layer (the output 0 at every point)
    happens exactly when no point is alive: constant == (alive_points == 0), layer by layer."""
    out = run(scheme, 2, 30, 300, 20, seed=5)
    assert not out["constant"].all()
    assert out["constant"].any() or scheme == "signflip"  # sign flip keeps a point alive
    assert np.array_equal(out["constant"], out["alive_points"] == 0)


def test_biased_not_alive_is_not_constant():
    """n = 1, points (1, 2): layer 1 relu(x - 1.5) kills x1, outputs (0, 0.5); layer 2
    relu(-h + 0.25) revives x1 at 0.25 and kills x2: no point alive, but the output (0.25, 0)
    still depends on the input, and no layer is dead, so the network is not constant."""
    settings = get_scheme("iid_bias").kernel_settings()
    x = np.array([[[1.0, 2.0]]])
    weights = np.array([[[[1.0]], [[-1.0]], [[1.0]]]])
    biases = np.array([[[-1.5], [0.25], [0.0]]])
    out = kernel.allocate_outputs(1, 3)
    kernel.run_networks(x, weights, biases, settings, out, threads=1)
    assert list(out["alive_points"][0]) == [1, 0, 0]
    assert list(out["output_nonzero"][0]) == [True, True, True]
    assert not constant_from_dead_layers(out["output_nonzero"]).any()
    # std / RMS of (0.25, 0) and of (0, 0.5): 1 / sqrt(2)
    np.testing.assert_allclose(out["output_spread"][0], [2**-0.5] * 3, rtol=1e-6)
    # Now a dead layer 3 (relu(-h - 1) = 0 everywhere) and a bias after it: constant from 3 on.
    weights = np.array([[[[1.0]], [[-1.0]], [[-1.0]], [[1.0]]]])
    biases = np.array([[[-1.5], [0.25], [-1.0], [0.75]]])
    out = kernel.allocate_outputs(1, 4)
    kernel.run_networks(x, weights, biases, settings, out, threads=1)
    assert list(out["output_nonzero"][0]) == [True, True, False, True]
    assert list(constant_from_dead_layers(out["output_nonzero"])[0]) == [0, 0, 1, 1]
    np.testing.assert_allclose(out["output_spread"][0], [2**-0.5, 2**-0.5, 0, 0], rtol=1e-6)
