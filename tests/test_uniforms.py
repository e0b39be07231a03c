"""Uniform and bounded-integer draws from compiled streams are numpy's, bit for bit, and leave
the stream where numpy's Generator leaves it (or used up where numpy buffers half a word)."""

import numpy as np
import pytest

from reludeath.sampling import pcg, seeds, uniforms


def _pair(key: tuple) -> tuple[pcg.Stream, np.random.Generator]:
    return seeds.stream(11, *key), seeds.generator(11, *key)


@pytest.mark.parametrize("count", [0, 1, 2, 7, 16, 33, 1000])
def test_random_is_numpys(count):
    ours, theirs = _pair(("random", count))
    assert np.array_equal(uniforms.random(ours, (count,)), theirs.random(count))
    assert np.array_equal(ours.words(3), theirs.bit_generator.random_raw(3))  # same position


@pytest.mark.parametrize("high", [1, 2, 3, 7, 16, 17, 65, 1000, 2**31 + 1, 2**32])
@pytest.mark.parametrize("shape", [(4,), (5, 3), (256, 15)])
def test_integers_are_numpys(high, shape):
    ours, theirs = _pair(("integers", high, shape[0]))
    got = uniforms.integers(ours, high, shape)
    assert got.dtype == np.int64
    assert np.array_equal(got, theirs.integers(0, high, size=shape))
    if ours.state is not None:  # an even count of halves, and no rejection left half a word
        assert np.array_equal(ours.words(2), theirs.bit_generator.random_raw(2))
    else:
        assert theirs.bit_generator.state["has_uint32"] == 1


def test_rejections_are_drawn_by_numpy():
    """high = 2^31 + 1 rejects about half of the halves: the fallback must give numpy's numbers
    and numpy's position."""
    ours, theirs = _pair(("reject",))
    got = uniforms.integers(ours, 2**31 + 1, (6,))
    assert np.array_equal(got, theirs.integers(0, 2**31 + 1, size=6))
    state = theirs.bit_generator.state
    if state["has_uint32"]:
        assert ours.state is None
    else:
        assert pcg.state_ints(ours.state)[0] == state["state"]["state"]


def test_batches_equal_stream_by_stream():
    networks = np.arange(5, 25)
    batch = seeds.stream_batch(3, ("b", 7), networks, (2,))
    ints = uniforms.integers(batch, 16, (30, 7))
    again = seeds.stream_batch(3, ("b", 7), networks, (2,))
    uniform = uniforms.random(again, (9,))
    for row, network in enumerate(networks):
        rng = seeds.generator(3, "b", 7, int(network), 2)
        assert np.array_equal(ints[row], rng.integers(0, 16, size=(30, 7)))
        rng = seeds.generator(3, "b", 7, int(network), 2)
        assert np.array_equal(uniform[row], rng.random(9))


def test_generators_are_called_and_bad_high_refused():
    rng = np.random.default_rng(4)
    assert np.array_equal(uniforms.integers(rng, 9, 5), np.random.default_rng(4).integers(0, 9, 5))
    with pytest.raises(ValueError, match=r"high must be in 1\.\.2\*\*32"):
        uniforms.integers(seeds.stream(0, "x"), 0, 3)
    with pytest.raises(ValueError, match=r"high must be in 1\.\.2\*\*32"):
        uniforms.integers(seeds.stream(0, "x"), 2**32 + 1, 3)


@pytest.mark.parametrize("count", [0, 1, 2, 31, 32, 1001])
def test_float32_random_is_numpys(count):
    ours, theirs = _pair(("random32", count))
    got = uniforms.random(ours, (count,), np.float32)
    assert got.dtype == np.float32
    assert np.array_equal(got, theirs.random(count, dtype=np.float32))
    if count % 2 == 0:
        assert np.array_equal(ours.words(2), theirs.bit_generator.random_raw(2))
    else:
        assert ours.state is None
