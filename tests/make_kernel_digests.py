"""Make the kernel's digest fixture: stored inputs and the sha256 of every output array.

Run only deliberately, when an output of the kernel is *meant* to change (and say so in the
CHANGELOG): ``.venv/bin/python tests/make_kernel_digests.py``. It draws, at fixed seeds, the
inputs of every scheme in the settings the kernel runs them in (zero bias compacted and
rescaled, biases, batch normalization, sign flip, RAI; float32 and float64; widths 1, 2, 8, 15,
24; several depths and point counts, some not a multiple of the vector width), stores the
INPUTS in ``tests/data/kernel_inputs.npz`` and the digests of the outputs in
``tests/data/kernel_digests.json``. ``tests/test_kernel_digests.py`` feeds the stored inputs to
the kernel and compares digests, so it does not depend on the sampler that drew them.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"
INPUTS = DATA / "kernel_inputs.npz"
DIGESTS = DATA / "kernel_digests.json"

# (scheme, options, width n, depth k, networks T, points M, dtype or None for the scheme's own)
CASES = [
    ("iid", {}, 1, 40, 4, 37, None),
    ("iid", {}, 2, 60, 6, 100, None),
    ("iid", {}, 8, 300, 3, 64, None),
    ("iid", {}, 15, 40, 3, 129, None),
    ("iid", {}, 24, 12, 2, 50, None),
    ("iid", {}, 2, 30, 4, 40, "float64"),
    ("iid", {}, 15, 20, 2, 77, "float64"),
    ("iid", {"bias_std": 0.5}, 2, 30, 4, 41, None),
    ("iid", {"bias_std": 0.5}, 15, 20, 2, 70, None),
    ("iid_bias", {}, 1, 30, 4, 33, None),
    ("iid_bias", {}, 2, 40, 6, 40, None),
    ("iid_bias", {}, 15, 20, 2, 100, None),
    ("iid_bias", {}, 24, 10, 2, 50, None),
    ("iid_bias", {"weight_variance": 3.0}, 8, 20, 2, 45, None),
    ("iid_bias", {}, 8, 20, 2, 45, "float64"),
    ("batchnorm", {}, 1, 20, 3, 17, None),
    ("batchnorm", {}, 2, 30, 4, 40, None),
    ("batchnorm", {}, 15, 20, 2, 100, None),
    ("batchnorm", {}, 24, 10, 2, 50, None),
    ("batchnorm", {}, 2, 30, 4, 40, "float64"),
    ("batchnorm", {}, 8, 25, 2, 63, "float64"),
    ("signflip", {}, 1, 30, 3, 20, None),
    ("signflip", {}, 2, 40, 4, 48, None),
    ("signflip", {}, 8, 200, 2, 64, None),
    ("signflip", {}, 15, 20, 2, 100, None),
    ("signflip", {}, 24, 10, 2, 50, None),
    ("signflip", {}, 2, 30, 3, 40, "float64"),
    ("rai", {}, 1, 30, 4, 25, None),
    ("rai", {}, 2, 40, 4, 40, None),
    ("rai", {}, 15, 20, 2, 100, None),
    ("rai", {}, 24, 10, 2, 50, None),
    ("rai", {}, 8, 20, 2, 45, "float64"),
]
SEED = 20261203


def case_name(case: tuple) -> str:
    scheme, options, n, k, networks, points, dtype = case
    label = "".join(f"-{key}{value:g}" for key, value in sorted(options.items()))
    return f"{scheme}{label}_n{n}_k{k}_T{networks}_M{points}_{dtype or 'own'}"


def digest(array: np.ndarray) -> str:
    """sha256 of an array's dtype, shape and bytes (C order)."""
    h = hashlib.sha256(f"{array.dtype.str}{array.shape}".encode())
    h.update(np.ascontiguousarray(array).tobytes())
    return h.hexdigest()


def run_case(case: tuple, x: np.ndarray, weights: np.ndarray, biases: np.ndarray) -> dict:
    """Every output array of the kernel on the stored inputs of `case`."""
    from reludeath import kernel
    from reludeath.schemes import get_scheme

    settings = get_scheme(case[0], **case[1]).kernel_settings(x.dtype)
    out = kernel.allocate_outputs(x.shape[0], weights.shape[1])
    kernel.run_networks(x, weights, biases, settings, out, threads=1)
    return dict(out)


def draw_case(case: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from reludeath.simulate import ShardSpec, draw_network

    scheme, options, n, k, networks, points, dtype = case
    spec = ShardSpec(scheme, n, k, networks, points, seed=SEED, dtype=dtype,
                     options=tuple(sorted(options.items())))  # fmt: skip
    scheme_obj = spec.scheme_object
    kind = np.dtype(dtype) if dtype else scheme_obj.dtype
    drawn = [draw_network(spec, scheme_obj, t, kind) for t in range(networks)]
    return tuple(np.stack(parts) for parts in zip(*drawn, strict=True))


def main() -> None:
    if "--yes" not in sys.argv:
        sys.exit(
            "This overwrites the kernel's reference digests: run it only when the kernel's "
            "outputs are meant to change, with --yes."
        )
    DATA.mkdir(exist_ok=True)
    arrays, digests = {}, {}
    for case in CASES:
        name = case_name(case)
        x, weights, biases = draw_case(case)
        arrays.update({f"{name}/x": x, f"{name}/weights": weights, f"{name}/biases": biases})
        out = run_case(case, x, weights, biases)
        digests[name] = {key: digest(value) for key, value in out.items()}
    np.savez_compressed(INPUTS, **arrays)
    DIGESTS.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n")
    print(f"{len(CASES)} cases; {INPUTS} {INPUTS.stat().st_size} bytes")


if __name__ == "__main__":
    main()
