"""Plug-in schemes (docs/plugins.md): the example file, its oracle, the same example named by
module, and one refusal per bad entry, each before any network is simulated and naming the
key."""

import shutil
import textwrap
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import stats
from shard_helpers import run
from stats_helpers import binomial_tolerance

from reludeath import ShardSpec, lower_bound
from reludeath.config import ConfigError, check_config
from reludeath.plugin import PLUGIN_KEYS, SOURCE_KEYS, plugin_entry
from reludeath.schemes import configured_schemes, scheme_traits
from reludeath.simulate import draw_network

ROOT = Path(__file__).resolve().parents[1]
MODULE = "reludeath.examples.truncated_normal"
EXAMPLE = ROOT / "src" / "reludeath" / "examples" / "truncated_normal.py"
SCHEMA = yaml.safe_load((ROOT / "workflow" / "schemas" / "config.schema.yaml").read_text())


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A working directory holding inits/truncated_normal.py (the documented example)."""
    (tmp_path / "inits").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "inits" / "truncated_normal.py")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def entry(**changes):
    base = {"path": "inits/truncated_normal.py", "function": "draw", "sign_symmetric": True,
            "bias": False}  # fmt: skip
    base.update(changes)
    return {"plugin": {k: v for k, v in base.items() if v is not None}}


def configured(**changes):
    ((label, (options, _)),) = configured_schemes([entry(**changes)]).items()
    return label, options


def write(project, text, name="inits/mine.py"):
    (project / name).write_text(textwrap.dedent(text))
    return name


def test_schema_declares_the_plugin_keys():
    plugin = SCHEMA["properties"]["schemes"]["items"]["oneOf"][1]["properties"]["plugin"]
    assert list(plugin["properties"]) == list(PLUGIN_KEYS)
    sources = [branch["required"] for branch in plugin["oneOf"]]
    assert sources == [[key] for key in SOURCE_KEYS]
    assert plugin["required"] == [
        k for k, v in PLUGIN_KEYS.items() if v is None and k not in SOURCE_KEYS
    ]
    defaults = {k: v["default"] for k, v in plugin["properties"].items() if "default" in v}
    assert defaults == {k: v for k, v in PLUGIN_KEYS.items() if v is not None}


def test_example_is_labelled_and_hashed(project):
    label, options = configured()
    assert label == "plugin-truncated_normal-draw"
    assert options["sign_symmetric"] is True and options["bias"] is False
    assert len(options["sha256"]) == 64
    assert scheme_traits(label, options) == {"has_bias": False, "sign_symmetric": True}
    # Editing the file changes its options, hence its shards' parameters: they rerun.
    path = project / "inits" / "truncated_normal.py"
    path.write_text(path.read_text() + "\n# edited\n")
    assert configured()[1]["sha256"] != options["sha256"]


def test_example_draws_truncated_normals_layer_by_layer(project):
    label, options = configured(options={"limit": 1.5})
    spec = ShardSpec(label, 4, 200, 1, 8, seed=3, options=tuple(sorted(options.items())))
    _, w, b = draw_network(spec, spec.scheme_object, 0, np.dtype(np.float64))
    assert b.shape == (0, 4)
    assert stats.kstest(w.ravel(), stats.truncnorm(-1.5, 1.5).cdf).pvalue > 1e-6
    assert spec.scheme_object.dtype == np.float32 and spec.scheme_object.compact
    shallow = ShardSpec(label, 4, 50, 1, 8, seed=3, options=spec.options)
    _, first, _ = draw_network(shallow, shallow.scheme_object, 0, np.dtype(np.float64))
    np.testing.assert_array_equal(first, w[:50])


def test_example_with_bias_runs_in_float64(project):
    label, options = configured(bias=True, sign_symmetric=False, options={"bias": 0.1})
    spec = ShardSpec(label, 3, 5, 2, 8, seed=3, options=tuple(sorted(options.items())))
    _, _, b = draw_network(spec, spec.scheme_object, 0, np.dtype(np.float64))
    assert np.all(b == 0.1) and spec.scheme_object.has_bias


@pytest.mark.parametrize("n, k", [(2, 6), (4, 20)])
def test_sign_symmetric_plugin_single_point_gives_lower_bound(project, n, k):
    """Oracle 1 through a plug-in that declares sign-symmetric rows: M = 1 gives P = l."""
    label, options = configured()
    T = 3000
    alive = run(label, n, k, T, 1, seed=41, options=tuple(sorted(options.items())))
    expected = float(lower_bound(n, k))
    p_hat = (alive["alive_points"][:, -1] > 0).mean()
    assert abs(p_hat - expected) <= binomial_tolerance(expected, T)


def test_two_plugins_with_one_label_are_refused(project):
    with pytest.raises(ValueError, match=r"schemes\[1\]\.plugin: a second plug-in with the label"):
        configured_schemes([entry(), entry(options={"limit": 3.0})])


def test_missing_file_is_refused(project):
    with pytest.raises(ValueError, match=r"schemes\[0\]\.plugin\.path: no file 'inits/none\.py'"):
        configured(path="inits/none.py")


def test_missing_function_is_refused(project):
    with pytest.raises(
        ValueError, match=r"plugin\.function: .* has no function 'drow'.*\['draw'\]"
    ):
        configured(function="drow")


def test_wrong_signature_is_refused(project):
    path = write(project, """
        def draw(rng, n):
            return None
    """)  # fmt: skip
    with pytest.raises(ValueError, match=r"plugin\.function: draw\(rng, n\) cannot be called"):
        configured(path=path)


def test_unknown_option_is_refused_as_a_signature_problem(project):
    with pytest.raises(ValueError, match=r"plugin\.function: .*options \['colour'\]"):
        configured(options={"colour": "red"})


def test_wrong_weight_shape_is_refused(project):
    path = write(project, """
        import numpy as np
        def draw(rng, n, depth):
            return np.ones((depth, n, n + 1)), np.zeros((depth, n))
    """)  # fmt: skip
    with pytest.raises(
        ValueError, match=r"plugin\.function: weights must have shape .* got \(2, 3, 4\)"
    ):
        configured(path=path)


def test_wrong_bias_shape_is_refused(project):
    path = write(project, """
        import numpy as np
        def draw(rng, n, depth):
            return np.ones((depth, n, n)), np.zeros(n)
    """)  # fmt: skip
    with pytest.raises(ValueError, match=r"plugin\.function: biases must have shape .* got \(3,\)"):
        configured(path=path)


def test_not_a_pair_is_refused(project):
    path = write(project, """
        import numpy as np
        def draw(rng, n, depth):
            return np.ones((depth, n, n))
    """)  # fmt: skip
    with pytest.raises(ValueError, match=r"plugin\.function: must return \(weights, biases\)"):
        configured(path=path)


def test_integer_weights_are_refused(project):
    path = write(project, """
        import numpy as np
        def draw(rng, n, depth):
            return np.ones((depth, n, n), int), np.zeros((depth, n))
    """)  # fmt: skip
    with pytest.raises(ValueError, match=r"plugin\.function: weights must be floats"):
        configured(path=path)


@pytest.mark.parametrize("bad", ["np.nan", "np.inf"])
def test_nan_or_infinity_is_refused(project, bad):
    path = write(project, f"""
        import numpy as np
        def draw(rng, n, depth):
            w = rng.standard_normal((depth, n, n))
            w[0, 0, 0] = {bad}
            return w, np.zeros((depth, n))
    """)  # fmt: skip
    with pytest.raises(ValueError, match=r"plugin\.function: weights contain NaN or infinity"):
        configured(path=path, sign_symmetric=False)


def test_nonzero_biases_under_bias_false_are_refused(project):
    with pytest.raises(ValueError, match=r"plugin\.bias: false declares zero biases"):
        configured(options={"bias": 0.5})


def test_a_draw_that_raises_is_refused(project):
    path = write(project, """
        def draw(rng, n, depth):
            raise RuntimeError("boom")
    """)  # fmt: skip
    with pytest.raises(ValueError, match=r"plugin\.function: a draw with n = 3, depth = 2 raised"):
        configured(path=path)


def test_unknown_key_is_refused_by_the_schema_and_the_loader(project):
    bad = entry(colour=1)
    with pytest.raises(ConfigError, match=r"unknown key 'schemes\[1\]\.plugin\.colour'"):
        check_config({"seed": 1, "schemes": ["iid", bad]}, SCHEMA)
    with pytest.raises(ValueError, match=r"plugin\.colour: unknown key; allowed keys: path"):
        plugin_entry(bad["plugin"])


def test_missing_function_key_is_refused_by_the_schema(project):
    with pytest.raises(ConfigError, match=r"missing key 'schemes\[0\]\.plugin\.function'"):
        check_config({"seed": 1, "schemes": [entry(function=None)]}, SCHEMA)


def test_the_example_passes_the_schema(project):
    config = check_config({"seed": 1, "schemes": ["iid", entry(options={"limit": 2.0})]}, SCHEMA)
    assert config["schemes"][1]["plugin"]["options"] == {"limit": 2.0}


def test_the_example_named_by_module_is_the_file_named_by_path(project):
    """The shipped module and a copy of its file give one label, one hash, one network."""
    by_path = configured()
    by_module = configured(path=None, module=MODULE)
    assert by_module[0] == by_path[0] == "plugin-truncated_normal-draw"
    assert by_module[1]["module"] == MODULE and "path" not in by_module[1]
    assert "module" not in by_path[1]
    assert by_module[1]["sha256"] == by_path[1]["sha256"]
    networks = []
    for label, options in (by_path, by_module):
        spec = ShardSpec(label, 4, 6, 1, 8, seed=3, options=tuple(sorted(options.items())))
        networks.append(draw_network(spec, spec.scheme_object, 0, np.dtype(np.float64))[1])
    np.testing.assert_array_equal(*networks)


def test_the_module_is_found_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no inits/ here: only the installed package
    label, options = configured(path=None, module=MODULE)
    assert label == "plugin-truncated_normal-draw" and options["sign_symmetric"] is True


def test_a_relative_path_is_relative_to_the_working_directory(project, monkeypatch):
    configured()  # found from the project directory
    monkeypatch.chdir(project / "inits")
    with pytest.raises(ValueError, match=r"plugin\.path: no file 'inits/truncated_normal\.py'"):
        configured()


def test_missing_module_is_refused(project):
    with pytest.raises(ValueError, match=r"schemes\[0\]\.plugin\.module: no module 'nosuch\.mod'"):
        configured(path=None, module="nosuch.mod")
    with pytest.raises(ValueError, match=r"plugin\.module: no module 'reludeath\.examples\.none'"):
        configured(path=None, module="reludeath.examples.none")


def test_missing_function_in_a_module_is_refused(project):
    with pytest.raises(ValueError, match=rf"plugin\.function: '{MODULE}' has no function 'drow'"):
        configured(path=None, module=MODULE, function="drow")


@pytest.mark.parametrize(
    "changes, got", [({"module": MODULE}, "path and module"), ({"path": None}, "neither")]
)
def test_exactly_one_of_path_and_module(project, changes, got):
    bad = entry(**changes)
    with pytest.raises(ConfigError, match=r"'schemes\[0\]\.plugin' is .* exactly one of the keys "
                       r"path, module"):  # fmt: skip
        check_config({"seed": 1, "schemes": [bad]}, SCHEMA)
    with pytest.raises(ValueError, match=rf"plugin: give exactly one of path or module, got {got}"):
        plugin_entry(bad["plugin"])


def test_the_practice_config_names_the_shipped_module():
    practice = yaml.safe_load((ROOT / "config" / "practice.yaml").read_text())
    plugins = [item["plugin"] for item in practice["schemes"] if isinstance(item, dict)
               and "plugin" in item]  # fmt: skip
    assert [p.get("module") for p in plugins] == [MODULE]
