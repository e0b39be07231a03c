"""A/B of the compiled SeedSequence/PCG64 against numpy's generators, at threads = 1 as shard
jobs run: the default grid's shards (its five schemes, n = 1..15, k = 256, T = 1024 networks,
M = 1024 points), their drawing with each, against the shard's CPU in all (drawing plus the
kernel).

A draws each network from numpy's ``Generator(PCG64(SeedSequence(seed, spawn_key=key)))`` on
the same keys, one network at a time, and the same compiled Box-Muller transform of its words
(``normals.standard_normal`` on a Generator): the same numbers, which the script checks. B is
the shard's own path (``simulate.draw_networks``: streams seeded in one compiled call per batch,
words from the compiled loop). Times are process CPU seconds, medians of three.
The last line is: rng_saving=F (B's saving over A, as a fraction of the shards' CPU with A)
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from machine import say, sgemm_gmacs

from reludeath import ShardSpec, kernel
from reludeath.sampling import normals
from reludeath.sampling.seeds import generator
from reludeath.schemes import get_scheme
from reludeath.simulate import draw_networks

M, K, T, SEED = 1024, 256, 1024, 20190813
SCHEMES = {"iid": {}, "iid_bias": {"bias_std": 1.0}, "batchnorm": {}, "signflip": {}, "rai": {}}
DATA = 0  # simulate's data stream index: stream 0, parameters 1, 2, ...


def cpu(function) -> float:
    """Median process CPU seconds of three calls."""
    times = []
    for _ in range(3):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return statistics.median(times)


def draw_with_numpy(spec: ShardSpec, scheme) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every network of `spec` drawn from numpy's generators on the shard's own keys."""
    n, key = spec.width, (scheme.family, spec.width)
    xs, ws, bs = [], [], []
    for t in range(spec.networks):
        streams = [generator(spec.seed, *key, t, index + 1) for index in range(3)]
        params = scheme.draw(streams, n, spec.depth)
        data = generator(spec.seed, *key, t, DATA)
        xs.append(normals.standard_normal(data, (spec.data_points, n)).T)
        ws.append(params.weights)
        bs.append(params.biases)
    return np.stack(xs), np.stack(ws), np.stack(bs)


def main() -> None:
    totals = {"numpy": 0.0, "compiled": 0.0, "kernel": 0.0}
    for name, options in SCHEMES.items():
        scheme = get_scheme(name, **options)
        for n in range(1, 16):
            spec = ShardSpec(name, n, K, T, M, SEED)
            networks = np.arange(T)

            def compiled(spec=spec, scheme=scheme, networks=networks):
                return draw_networks(spec, scheme, networks, scheme.dtype, threads=1)

            x, w, b = compiled()
            if n in (1, 15):  # the same numbers either way
                numpy_draws = draw_with_numpy(spec, scheme)
                for ours, theirs in zip((x, w, b), numpy_draws, strict=True):
                    assert np.array_equal(ours, theirs.astype(ours.dtype)), (name, n)
            a = cpu(lambda spec=spec, scheme=scheme: draw_with_numpy(spec, scheme))
            bb = cpu(compiled)
            outputs = kernel.allocate_outputs(T, K)
            settings = scheme.kernel_settings()
            start = time.process_time()
            kernel.run_networks(x, w, b, settings, outputs, threads=1)
            run = time.process_time() - start
            totals["numpy"] += a
            totals["compiled"] += bb
            totals["kernel"] += run
            cells = f"numpy_draw_s={a:.3f} compiled_draw_s={bb:.3f} kernel_s={run:.3f}"
            say(f"{name:9s} n={n:2d} {cells}")
    with_numpy = totals["numpy"] + totals["kernel"]
    saving = (totals["numpy"] - totals["compiled"]) / with_numpy
    say(
        f"shards' CPU with numpy's generators {with_numpy:.1f} s, with the compiled ones "
        f"{totals['compiled'] + totals['kernel']:.1f} s (kernel {totals['kernel']:.1f} s, "
        f"drawing {totals['numpy']:.1f} s -> {totals['compiled']:.1f} s)"
    )
    say(f"sgemm_gmacs={sgemm_gmacs():.1f}")
    say(f"rng_saving={saving:.3f}")


if __name__ == "__main__":
    main()
