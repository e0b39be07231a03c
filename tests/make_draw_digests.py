"""Make the draw digest fixture: the sha256 of every network's drawn data, weights and biases.

Run only deliberately, when the numbers a network is drawn with are *meant* to change (and say
so in the CHANGELOG, with the version bumped): ``.venv/bin/python tests/make_draw_digests.py``.
It draws, at fixed seeds, networks of every built-in scheme with ``simulate.draw_network``
(several widths, depths, point counts and network indices; shared data; float64) and stores the
digests in ``tests/data/draw_digests.json``. ``tests/test_draw_digests.py`` draws them again: a
change of the sampler, the streams or a scheme's draw that moves any number shows there.
The fixture was recorded with 0.3.0's numpy-object streams, before the compiled streams came.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from reludeath.schemes import SCHEMES
from reludeath.simulate import ShardSpec, draw_network

DIGESTS = Path(__file__).parent / "data" / "draw_digests.json"

# (width n, depth k, points M, network index, ShardSpec keywords)
SETTINGS = [
    (1, 3, 7, 0, {}),
    (3, 9, 33, 17, {}),
    (8, 20, 65, 4, {}),
    (15, 6, 100, 123456, {}),
    (4, 5, 17, 2, {"shared_data": True}),
    (5, 7, 9, 1, {"dtype": "float64"}),
    (24, 3, 5, 9, {"seed": 2**40 + 1}),
]
CASES = [(name, *setting) for name in sorted(SCHEMES) for setting in SETTINGS]


def case_name(case: tuple) -> str:
    name, n, depth, points, network, keywords = case
    return f"{name}/n{n}/k{depth}/M{points}/t{network}/{json.dumps(keywords, sort_keys=True)}"


def draw_digests(case: tuple) -> dict[str, str]:
    """sha256 of the case's (data, weights, biases), each with its dtype and shape."""
    name, n, depth, points, network, keywords = case
    keywords = {"seed": 3, **keywords}
    spec = ShardSpec(name, n, depth, network + 1, points, **keywords)
    scheme = spec.scheme_object
    dtype = np.dtype(spec.dtype) if spec.dtype else scheme.dtype
    arrays = draw_network(spec, scheme, network, dtype)
    out = {}
    for part, array in zip(("x", "weights", "biases"), arrays, strict=True):
        array = np.ascontiguousarray(array)
        head = f"{array.dtype.str}{array.shape}".encode()
        out[part] = hashlib.sha256(head + array.tobytes()).hexdigest()
    return out


def main() -> None:
    digests = {case_name(case): draw_digests(case) for case in CASES}
    DIGESTS.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n")
    print(f"{len(digests)} cases -> {DIGESTS}")


if __name__ == "__main__":
    main()
