"""Call one compiled layer pass from Python (passes are C callbacks meant for numba code)."""

from __future__ import annotations

import numpy as np
from numba import njit

from reludeath import kernelgen


@njit
def _call(layer_pass, w, b, h, out, amask, colsum, shifted, positive, cols, pitch):
    layer_pass(
        w.ctypes, b.ctypes, h.ctypes, out.ctypes, amask.ctypes, colsum.ctypes, shifted.ctypes,
        positive.ctypes, cols, pitch,
    )  # fmt: skip


def call_pass(kind, w, b, h, amask=None, pitch=None):
    """(out, colsum, shifted, positive, amask after the pass) of the pass `kind` on h (n, cols),
    rows `pitch` apart in memory; for ``activate``, w and b are the per-row slope and offset."""
    n, cols = h.shape
    pitch = cols if pitch is None else pitch
    dtype = h.dtype
    padded = np.full((n, pitch), np.nan, dtype)  # lanes past cols must not be read
    padded[:, :cols] = h
    out = np.full((n, pitch), np.nan, dtype)
    amask = np.ones(cols, dtype) if amask is None else amask.astype(dtype)
    colsum = np.full(cols, np.nan, dtype)
    shifted = np.full((n, 6), np.nan, dtype)
    positive = np.full(n + 1, -1, np.intp)
    layer_pass = kernelgen.module(n, kind, dtype.name)
    w, b = np.ascontiguousarray(w, dtype), np.ascontiguousarray(b, dtype)
    _call(layer_pass, w, b, padded, out, amask, colsum, shifted, positive, cols, pitch)
    assert np.all(np.isnan(out[:, cols:])), "the pass wrote past the last point"
    return out[:, :cols], colsum, shifted, positive, amask
