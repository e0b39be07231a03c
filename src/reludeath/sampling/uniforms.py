"""numpy's uniform and bounded-integer draws, bit for bit, from a stream's compiled words.

For a ``pcg.Stream`` or a ``pcg.Streams`` batch these compute what numpy's ``Generator`` on
the same PCG64 stream returns, without building the Generator (about 8 us) or calling it per
network; a numpy Generator given as the source is simply called.

- ``random``: numpy's ``Generator.random``: float64 u = (w >> 11) 2^-53 of one word w each;
  float32 u = (h >> 8) 2^-24 of one 32-bit half h each (low half first).
- ``integers``: numpy's ``Generator.integers(0, high)`` (int64, high <= 2^32), Lemire's method
  on 32-bit halves of the words, low half first: m = h * high, kept when its low 32 bits are
  >= (2^32 - high) mod high, the number is m >> 32; a rejected h draws the next half. Rejection
  has probability below high / 2^32 (a row of RAI's 15 x 256 draws: 1e-5), so the halves are
  used in order and the rare stream with a rejection is drawn again by numpy itself from its
  saved start. An odd count leaves half a word in numpy's buffer, a position a stream cannot
  hold: the stream is then used up (``Stream.use_up``).
"""

from __future__ import annotations

import math

import numpy as np

from reludeath.sampling import pcg

__all__ = ["integers", "random"]


def _shape(shape: int | tuple[int, ...]) -> tuple[int, ...]:
    return (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)


def random(
    source: pcg.Source, shape: int | tuple[int, ...], dtype: type = np.float64
) -> np.ndarray:
    """Uniform numbers on [0, 1) of `shape` (after a batch's leading T): numpy's
    ``Generator.random(shape, dtype)`` on the same stream. float64: (w >> 11) 2^-53 of a word
    each; float32: (h >> 8) 2^-24 of a 32-bit half each, low half first (an odd count uses the
    stream up, as for ``integers``)."""
    shape = _shape(shape)
    if isinstance(source, np.random.Generator):
        return source.random(shape, dtype=dtype)
    count = math.prod(shape)
    lead = pcg.batch_shape(source)
    if np.dtype(dtype) == np.float64:
        words = source.words(count)
        return ((words >> np.uint64(11)).astype(np.float64) * 2.0**-53).reshape(lead + shape)
    if np.dtype(dtype) != np.float32:
        raise ValueError(f"dtype must be float64 or float32, got {dtype!r}")
    words = source.words((count + 1) // 2).reshape(math.prod(lead), -1)
    halves = words.view(np.uint32)[:, :count]
    if count % 2:
        source.use_up()
    return ((halves >> np.uint32(8)).astype(np.float32) * np.float32(2.0**-24)).reshape(
        lead + shape
    )


def integers(source: pcg.Source, high: int, shape: int | tuple[int, ...]) -> np.ndarray:
    """Integers uniform on 0 .. high - 1, int64, of `shape` (after a batch's leading T):
    numpy's ``Generator.integers(0, high, size=shape)`` on the same stream, 1 <= high <= 2^32."""
    shape = _shape(shape)
    if isinstance(source, np.random.Generator):
        return source.integers(0, high, size=shape)
    if not 1 <= high <= 2**32:
        raise ValueError(f"high must be in 1..2**32, got {high}")
    count = math.prod(shape)
    lead = pcg.batch_shape(source)
    if high == 1:  # numpy draws nothing for a range of one number
        return np.zeros(lead + shape, np.int64)
    # The states, advanced in place by the draw (a stream's as a batch of one), and a copy of
    # where they started, for numpy to redraw a stream that rejected a half.
    live = source.live_states() if isinstance(source, pcg.Streams) else source.live_state()[None]
    states = live.copy()
    words = source.words((count + 1) // 2).reshape(len(states), -1)
    halves = words.view(np.uint32)[:, :count].astype(np.uint64)  # little-endian: low first
    products = halves * np.uint64(high)
    threshold = (2**32 - high) % high
    out = (products >> np.uint64(32)).astype(np.int64)
    # numpy keeps the last word's high half for its next draw after an odd count of halves.
    buffered = np.full(len(states), count % 2 == 1)
    for row in np.flatnonzero((products & np.uint64(0xFFFFFFFF) < threshold).any(axis=1)):
        rng = pcg.generator_at(states[row])
        out[row] = rng.integers(0, high, size=count)
        numpy_state = rng.bit_generator.state
        live[row] = pcg.state_array(numpy_state["state"]["state"], numpy_state["state"]["inc"])
        buffered[row] = bool(numpy_state["has_uint32"])
    if buffered.any():
        source.use_up()
    return out.reshape(lead + shape)
