"""One way to derive random streams: from the master seed and what a thing *is*.

A key is a tuple of parts naming the thing (draw family, width, network index,
stream, ...). Each part becomes a 32-bit integer (a name: its CRC-32; an integer:
itself) and the tuple is the ``spawn_key`` of a ``numpy.random.SeedSequence``
rooted at the master seed; the generator is PCG64 on that sequence. Results thus
depend only on the key, never on job order, shard boundaries or ``--cores``.

Families that must be paired share a name: iid, batchnorm and signflip all draw
from the "normal" family, so they see the same data and weights.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["KeyPart", "generator", "key_code", "seed_sequence"]

KeyPart = str | int | np.integer


def key_code(part: KeyPart) -> int:
    """One key part as a non-negative integer: a str -> zlib.crc32(utf-8), an int -> itself."""
    if isinstance(part, str):
        return zlib.crc32(part.encode())
    if isinstance(part, bool) or not isinstance(part, (int, np.integer)) or part < 0:
        raise ValueError(f"a seed key part must be a str or an integer >= 0, got {part!r}")
    return int(part)


def seed_sequence(seed: int, *key: KeyPart) -> np.random.SeedSequence:
    """SeedSequence(seed, spawn_key=(key_code(k) for k in key))."""
    return np.random.SeedSequence(seed, spawn_key=tuple(key_code(part) for part in key))


def generator(seed: int, *key: KeyPart) -> np.random.Generator:
    """The generator of the thing named by `key`: PCG64 on seed_sequence(seed, *key)."""
    return np.random.Generator(np.random.PCG64(seed_sequence(seed, *key)))
