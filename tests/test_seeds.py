"""The one seed helper reproduces, bit for bit, the four derivations it replaced.

Each old derivation is written out here as it stood before `reludeath.sampling.seeds` existed
(simulate, variants, dynamics, split bootstrap); the helper's streams must equal them.
"""

import zlib

import numpy as np
import pytest

from reludeath.dynamics import experiment_generator, experiment_seed
from reludeath.sampling import normals, seeds
from reludeath.schemes import get_scheme
from reludeath.simulate import ShardSpec, _Streams, draw_network
from reludeath.variants.common import generators, setting_key


def _old_generator(seed: int, key: tuple[int, ...]) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def _same(a, b: np.random.Generator) -> None:
    """`a` (a numpy Generator or a pcg.Stream) gives b's words."""
    words = a.words(16) if hasattr(a, "words") else a.bit_generator.random_raw(16)
    assert np.array_equal(words, b.bit_generator.random_raw(16))


_SCHEME_OF_FAMILY = {"normal": "iid", "rai": "rai", "uniform": "uniform"}


def _data(spec: ShardSpec, family: str, network: int) -> np.ndarray:
    """The shard's (n, M) data points of `network`, as simulate draws them."""
    scheme = get_scheme(_SCHEME_OF_FAMILY[family])
    return draw_network(spec, scheme, network, np.dtype(np.float32))[0]


@pytest.mark.parametrize("seed", [0, 7, 2**40 + 3])
@pytest.mark.parametrize("family", ["normal", "rai", "uniform"])
@pytest.mark.parametrize(("width", "network"), [(1, 0), (3, 17), (64, 123456)])
def test_simulate_streams_and_data(seed, family, width, network):
    spec = ShardSpec("iid", width, 4, 2, 5, seed=seed)
    streams = _Streams(spec, family, np.array([network]))
    for index in range(3):  # old: spawn_key=(crc32(family), width, network, index + 1)
        old = _old_generator(seed, (zlib.crc32(family.encode()), width, network, index + 1))
        _same(streams[index][0], old)
    # data: old spawn_key=(crc32(family), width, network, 0); normal numbers from the stream's
    # raw words since 0.3.0 (reludeath.sampling.normals)
    old = _old_generator(seed, (zlib.crc32(family.encode()), width, network, 0))
    assert np.array_equal(_data(spec, family, network), normals.standard_normal(old, (5, width)).T)
    shared = ShardSpec("iid", width, 4, 2, 5, seed=seed, shared_data=True)
    old = _old_generator(seed, (zlib.crc32(b"shared-data"), width, 0))
    assert np.array_equal(
        _data(shared, family, network), normals.standard_normal(old, (5, width)).T
    )


def test_iid_batchnorm_signflip_share_the_normal_family():
    from reludeath.schemes import get_scheme

    assert {get_scheme(name).family for name in ("iid", "batchnorm", "signflip")} == {"normal"}


@pytest.mark.parametrize("seed", [0, 11])
@pytest.mark.parametrize(
    "setting", [("leaky", 2, 4), ("r1", 3, 1), ("conv", 2, 1, 3, 4, 1), ("unet", "sum", 2)]
)
@pytest.mark.parametrize("network", [0, 5, 999])
def test_variant_generators(seed, setting, network):
    variant, *fields = setting
    old_key = zlib.crc32("/".join([variant, *(repr(f) for f in fields)]).encode())
    assert setting_key(variant, *fields) == old_key
    for stream, new in enumerate(generators(seed, old_key, network, 4)):
        _same(new, _old_generator(seed, (old_key, network, stream)))


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("names", [("dy", "lms"), ("dy", "act_init", 3), ("ar_g", 0), ("x", 0.5)])
def test_dynamics_seeds(seed, names):
    old_key = tuple(zlib.crc32(str(name).encode()) for name in names)
    old = np.random.SeedSequence(seed, spawn_key=old_key)
    assert np.array_equal(experiment_seed(seed, *names).generate_state(4), old.generate_state(4))
    _same(experiment_generator(seed, *names), np.random.default_rng(old))


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("n", [1, 2, 5])
def test_split_bootstrap_stream(seed, n):
    old = _old_generator(seed, (zlib.crc32(b"split-bootstrap"), n))
    _same(seeds.generator(seed, "split-bootstrap", n), old)


def test_key_codes():
    assert seeds.key_code("normal") == zlib.crc32(b"normal")
    assert seeds.key_code(np.int64(5)) == 5
    for bad in (True, -1, 1.5, None):
        with pytest.raises(ValueError, match="seed key part"):
            seeds.key_code(bad)
