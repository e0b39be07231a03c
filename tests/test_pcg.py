"""The compiled PCG64 streams are numpy's, bit for bit: seeding (SeedSequence), words, the
position after every draw, the normals drawn from them, and the hand-over to numpy."""

import numpy as np
import pytest

from reludeath.sampling import normals, pcg, seeds


def _numpy(seed: int, key: tuple[int, ...]) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def _ours(seed: int, key: tuple[int, ...]) -> pcg.Stream:
    return pcg.Stream(pcg.seed_states(np.array([pcg.entropy(seed, key)], np.uint32))[0].copy())


def _keys(count: int) -> list[tuple[int, tuple[int, ...]]]:
    """Seeds of one and two words, keys of 0..6 parts, parts of one and two words."""
    rng = np.random.default_rng(2026)
    out = []
    for i in range(count):
        seed = int(rng.integers(0, 2**32)) if i % 3 else int(rng.integers(2**32, 2**63))
        parts = int(rng.integers(0, 7))
        top = 2**32 if i % 5 else 2**62
        out.append((seed, tuple(int(v) for v in rng.integers(0, top, size=parts))))
    return [*out, (0, ()), (0, (0,)), (2**32 - 1, (2**32 - 1, 0, 1))]


@pytest.mark.parametrize(("seed", "key"), _keys(60))
def test_seeding_is_numpys(seed, key):
    state, inc = pcg.state_ints(_ours(seed, key).state)
    want = _numpy(seed, key).bit_generator.state["state"]
    assert (state, inc) == (want["state"], want["inc"])


def test_seeding_in_one_call_equals_one_by_one():
    keys = [("normal", 15, network, stream) for network in range(40) for stream in range(4)]
    together = seeds.streams(7, keys)
    for key, stream in zip(keys, together, strict=True):
        assert np.array_equal(stream.state, seeds.stream(7, *key).state)
        words = seeds.generator(7, *key).bit_generator.random_raw(3)
        assert np.array_equal(stream.words(3), words)


def test_keys_of_different_lengths_in_one_call():
    keys = [("a", 1), ("a", 2**40), ("b",), ()]
    for key, stream in zip(keys, seeds.streams(3, keys), strict=True):
        assert np.array_equal(stream.words(5), seeds.generator(3, *key).bit_generator.random_raw(5))


@pytest.mark.parametrize(("seed", "key"), _keys(6))
def test_words_and_position_are_numpys(seed, key):
    ours, theirs = _ours(seed, key), _numpy(seed, key).bit_generator
    for count in (0, 1, 2, 15, 16, 17, 31, 32, 33, 47, 100, 1000, 4097):
        assert np.array_equal(ours.words(count), theirs.random_raw(count)), count
        assert pcg.state_ints(ours.state)[0] == theirs.state["state"]["state"], count


@pytest.mark.parametrize(("seed", "key"), _keys(4))
def test_stream_normals_equal_normals_of_numpys_words(seed, key):
    ours, theirs = _ours(seed, key), _numpy(seed, key)
    for count in (0, 1, 2, 3, 31, 32, 33, 63, 64, 65, 97, 1000, 4097):
        a = normals.standard_normal(ours, count)
        b = normals.standard_normal(theirs, count)
        assert np.array_equal(a.view(np.uint32), b.view(np.uint32)), count
    # An odd count uses the last word's first number only: both streams moved past that word.
    assert np.array_equal(ours.words(4), theirs.bit_generator.random_raw(4))


def test_hand_over_to_numpy_continues_the_stream():
    ours, theirs = _ours(5, (1, 2)), _numpy(5, (1, 2))
    normals.standard_normal(ours, 77)
    normals.standard_normal(theirs, 77)
    handed = ours.generator()
    assert np.array_equal(handed.random(9), theirs.random(9))
    assert np.array_equal(handed.integers(0, 7, size=20), theirs.integers(0, 7, size=20))
    with pytest.raises(RuntimeError, match="handed to a numpy Generator"):
        ours.words(1)
    with pytest.raises(RuntimeError, match="handed to a numpy Generator"):
        normals.standard_normal(ours, 4)


def test_numpy_generator_passes_a_generator_through():
    rng = np.random.default_rng(0)
    assert pcg.numpy_generator(rng) is rng
    stream = _ours(0, (1,))
    assert isinstance(pcg.numpy_generator(stream), np.random.Generator)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="count must be >= 0"):
        pcg.words(np.zeros(4, np.uint64), -1)
    with pytest.raises(ValueError, match="4 words"):
        pcg.words(np.zeros(3, np.uint64), 1)
    with pytest.raises(ValueError, match=r"\(count, L >= 1\)"):
        pcg.seed_states(np.zeros((2, 0), np.uint32))
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        seeds.streams(-1, [("a",)])
