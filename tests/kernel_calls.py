"""Call one compiled layer pass from Python, on arrays laid out as the driver lays them out."""

from __future__ import annotations

import numpy as np

from reludeath.kernel import build
from reludeath.kernel.contract import SHIFTED


def call_pass(kind, w, b, h, amask=None, pitch=None, block=None):
    """(out, hit, shifted, positive, amask after the pass) of the pass `kind` on h (n, cols),
    rows `pitch` apart in memory; for ``activate``, w and b are the per-row slope and offset.
    Lanes past the last point are NaN on input and must stay unwritten. `block`: rows per
    block (default: the target's, build.row_block)."""
    n, cols = h.shape
    pitch = cols if pitch is None else pitch
    dtype = h.dtype
    padded = np.full((n, pitch), np.nan, dtype)
    padded[:, :cols] = h
    out = np.full((n, pitch), np.nan, dtype)
    amask = np.ones(cols, dtype) if amask is None else np.array(amask, dtype)
    hit = np.full(cols, np.nan, dtype)
    shifted = np.full((n, len(SHIFTED)), np.nan, dtype)
    positive = np.full(n + 1, -1, np.int64)
    w, b = np.ascontiguousarray(w, dtype), np.ascontiguousarray(b, dtype)
    arrays = (w, b, padded, out, amask, hit, shifted, positive)
    build.layer_pass(n, kind, dtype.name, block)(*(a.ctypes.data for a in arrays), cols, pitch)
    assert np.all(np.isnan(out[:, cols:])), "the pass wrote past the last point"
    return out[:, :cols], hit, shifted, positive, amask
