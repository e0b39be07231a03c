"""Simulate one shard: draw each network's data and parameters, run the kernel,
and return one row per (network, layer).

Every network has its own streams, derived by :func:`reludeath.sampling.seeds.streams`
from (seed, draw family, width, global network index, stream). Results thus
depend only on what a shard *is*, never on call order, thread count or shard
layout: network 17 is the same network in any shard that holds it.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

import numpy as np
import pyarrow as pa

from reludeath import kernel
from reludeath.io import arrow_column, constant_label
from reludeath.sampling import normals, pcg
from reludeath.sampling.seeds import stream, stream_batch
from reludeath.schemes import SCHEMES, Scheme, get_scheme

__all__ = [
    "SHARD_COLUMNS",
    "SHARD_FORMAT",
    "ShardSpec",
    "constant_from_dead_layers",
    "draw_network",
    "draw_networks",
    "positive_int",
    "simulate_shard",
]

# Columns of a shard table, in order, with their meaning.
SHARD_COLUMNS = {
    "scheme": "initialization scheme",
    "width": "network width n (= input dimension)",
    "network": "global index of the network (its identity, and its seed)",
    "layer": "layer j, 1..depth",
    "alive_points": "A(j): data points no layer <= j has killed",
    "sum_var": "sum_i Var_x F_{j,i}(x) over the M points, dead points as 0; "
    "in units of 4**log2_scale",
    "mean_sq": "||E_x F_j(x)||^2, same units; v_j = sum_var / mean_sq",
    "log2_scale": "power of two taken out of layer j's activations (zero-bias rescaling)",
    "collapsed": "output_spread <= the kernel's collapse_rtol (1e-5): layer j's output is "
    "near-constant over the data",
    "output_nonzero": "layer j's output is nonzero at some point (0: a dead layer)",
    "flipped": "signflip negated layer j",
    "split": "some neuron of layer j is > 0 at one point alive after layer j-1 and <= 0 "
    "at another (pre-activation after bias, sign flip or batch normalization)",
    "output_spread": "std / RMS of layer j's true output over the M points, "
    "sqrt(sum_i Var F_{j,i} / sum_i E F_{j,i}^2) with dead points at their real (bias-revived) "
    "outputs; float64, 0 when the output is 0 everywhere",
    "constant": "some layer <= j was a dead layer (output 0 at every point): from layer j on "
    "the network is a constant function (Lu et al.'s born dead)",
}

# What a shard holds, as a short digest of SHARD_COLUMNS and of how its numbers are drawn
# (normals.DRAWS): the workflow passes it as a parameter of the shard rule, so shards written
# with other columns or by another sampler are rerun, never read as complete.
SHARD_FORMAT = hashlib.sha256(
    json.dumps([list(SHARD_COLUMNS), normals.DRAWS]).encode()
).hexdigest()[:12]


# Draws per chunk of networks are bounded to keep memory flat (~64 MB of weights).
_CHUNK_BYTES = 64 * 2**20
_DATA = 0  # stream 0 is the data; parameter streams are 1, 2, ...
_SHARED_DATA_FAMILY = "shared-data"


def positive_int(name: str, value: object, maximum: int | None = None) -> int:
    """`value` as an int >= 1 (and <= maximum); otherwise ValueError naming `name`."""
    allowed = "an integer >= 1" if maximum is None else f"an integer in 1..{maximum}"
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    if value < 1 or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class ShardSpec:
    """What a shard is: its networks are first_network .. first_network + networks - 1.

    Frozen and hashable: equal specs give bit-identical results.
    """

    scheme: str
    width: int
    depth: int
    networks: int
    data_points: int
    seed: int
    first_network: int = 0
    shared_data: bool = False
    dtype: str | None = None  # None: the scheme's own (float32 without bias)
    options: tuple[tuple[str, object], ...] = field(default=())  # numbers; a plug-in's entry

    def __post_init__(self) -> None:
        if not isinstance(self.scheme, str):
            raise ValueError(f"scheme must be one of {sorted(SCHEMES)}, got {self.scheme!r}")
        positive_int("width (n)", self.width, maximum=64)
        positive_int("depth (k)", self.depth)
        positive_int("networks (T)", self.networks)
        positive_int("data_points (M)", self.data_points)
        if (
            isinstance(self.seed, bool)
            or not isinstance(self.seed, (int, np.integer))
            or self.seed < 0
        ):
            raise ValueError(f"seed must be an integer >= 0, got {self.seed!r}")
        if isinstance(self.first_network, bool) or self.first_network < 0:
            raise ValueError(f"first_network must be an integer >= 0, got {self.first_network!r}")
        if self.dtype not in (None, "float32", "float64"):
            raise ValueError(f"dtype must be one of None, 'float32', 'float64', got {self.dtype!r}")
        get_scheme(self.scheme, **dict(self.options))  # validates the name and options

    @property
    def scheme_object(self) -> Scheme:
        return get_scheme(self.scheme, **dict(self.options))

    def as_metadata(self) -> dict:
        """A JSON-friendly description, stored in the shard's Parquet metadata."""
        out = asdict(self)
        out["options"] = dict(self.options)
        return out


class _Streams:
    """The streams of a batch of networks: ``streams[i]`` is their parameter stream i + 1 and
    ``data`` their stream 0, each a ``pcg.Streams`` batch seeded on first use in one compiled
    call (a scheme that draws from one stream does not pay for the others)."""

    def __init__(self, spec: ShardSpec, family: str, networks: np.ndarray) -> None:
        self._seed, self._key, self._networks = spec.seed, (family, spec.width), networks
        self._made: dict[int, pcg.Streams] = {}

    def __getitem__(self, index: int) -> pcg.Streams:
        if index not in self._made:
            self._made[index] = stream_batch(self._seed, self._key, self._networks, (index + 1,))
        return self._made[index]

    @property
    def data(self) -> pcg.Streams:
        return stream_batch(self._seed, self._key, self._networks, (_DATA,))


def _draw_into(
    spec: ShardSpec, scheme: Scheme, networks: np.ndarray, x: np.ndarray, weights: np.ndarray,
    biases: np.ndarray,
) -> None:  # fmt: skip
    """Draw `networks` (global indices) into the batch arrays x (T, n, M), weights
    (T, depth, n, n) and biases (T, depth or 0, n)."""
    n, depth, points = spec.width, spec.depth, spec.data_points
    streams = _Streams(spec, scheme.family, networks)
    params = scheme.draw(streams, n, depth, weights_out=weights)
    if params.weights is not weights:
        weights[...] = params.weights
    biases[...] = params.biases
    # (n, M) points, drawn point-major so that growing M keeps the first points.
    if spec.shared_data:
        data = stream(spec.seed, _SHARED_DATA_FAMILY, n, _DATA)
        x[...] = normals.standard_normal(data, (points, n)).T
    else:
        x[...] = normals.standard_normal(streams.data, (points, n)).swapaxes(-1, -2)


def draw_networks(
    spec: ShardSpec,
    scheme: Scheme,
    networks: np.ndarray,
    dtype: np.dtype,
    out: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    threads: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(data (T, n, M), weights (T, depth, n, n), biases (T, depth, n) or (T, 0, n)) of the
    networks with global indices `networks`, in `dtype`; drawn into `out`, arrays of those
    shapes and dtype, when given. `threads` threads draw contiguous parts of the batch (the
    compiled draws release the GIL; the Python work is per part, not per network)."""
    networks = np.asarray(networks, np.int64)
    n, depth, count = spec.width, spec.depth, len(networks)
    if out is None:
        bias_depth = depth if scheme.has_bias else 0
        shapes = ((count, n, spec.data_points), (count, depth, n, n), (count, bias_depth, n))
        out = tuple(np.empty(shape, dtype) for shape in shapes)
    parts = np.array_split(np.arange(count), max(1, min(threads, count)))

    def draw(part: np.ndarray) -> None:
        rows = slice(part[0], part[-1] + 1)
        _draw_into(spec, scheme, networks[rows], *(array[rows] for array in out))

    if len(parts) == 1:
        draw(parts[0])
    else:
        with ThreadPoolExecutor(max_workers=len(parts)) as pool:
            list(pool.map(draw, parts))
    return out


def draw_network(
    spec: ShardSpec,
    scheme: Scheme,
    network: int,
    dtype: np.dtype,
    out: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(data (n, M), weights (depth, n, n), biases (depth, n) or (0, n)) of one network: the
    one-network view of ``draw_networks``."""
    batch_out = None if out is None else tuple(array[None] for array in out)
    batch = draw_networks(spec, scheme, np.array([network]), dtype, batch_out)
    return out if out is not None else tuple(array[0] for array in batch)


def constant_from_dead_layers(output_nonzero: np.ndarray) -> np.ndarray:
    """Lu et al.'s born dead, (T, depth) bool: C_j = OR_{i <= j} [F_i = 0 at every point].

    A dead layer sends every point to 0, so every later layer sees one input: the network is
    constant from there on, biases or not. With generic weights it is the only way distinct
    points reach equal outputs, so C_j is "the network is a constant function of its input".
    """
    return np.logical_or.accumulate(~np.asarray(output_nonzero, bool), axis=-1)


def simulate_shard(spec: ShardSpec, threads: int = 1) -> pa.Table:
    """Run every network of the shard through every layer; one row per (network, layer)."""
    positive_int("threads", threads)
    scheme = spec.scheme_object
    dtype = np.dtype(spec.dtype) if spec.dtype else scheme.dtype
    n, depth, total = spec.width, spec.depth, spec.data_points
    per_network = depth * n * (n + 1) * dtype.itemsize + n * total * dtype.itemsize
    chunk = max(1, min(spec.networks, _CHUNK_BYTES // per_network))
    out = kernel.allocate_outputs(spec.networks, depth)
    settings = scheme.kernel_settings(dtype)
    first = spec.first_network
    for start in range(0, spec.networks, chunk):
        count = min(chunk, spec.networks - start)
        arrays = draw_networks(
            spec, scheme, np.arange(first + start, first + start + count), dtype, threads=threads
        )
        kernel.run_networks(*arrays, settings, out.rows(start, start + count), threads=threads)
    return shard_table(spec, out)


def shard_table(spec: ShardSpec, out: kernel.Outputs) -> pa.Table:
    """The shard's table from the kernel's outputs: one row per (network, layer)."""
    n, depth = spec.width, spec.depth
    networks = np.arange(spec.first_network, spec.first_network + spec.networks, dtype=np.int64)
    rows = spec.networks * depth
    columns = {
        "scheme": constant_label(spec.scheme, rows),
        "width": arrow_column(np.full(rows, n, np.int16)),
        "network": arrow_column(np.repeat(networks, depth)),
        "layer": arrow_column(np.tile(np.arange(1, depth + 1, dtype=np.int32), spec.networks)),
    }
    columns["constant"] = arrow_column(constant_from_dead_layers(out["output_nonzero"]).ravel())
    for name in SHARD_COLUMNS:
        if name not in columns:
            columns[name] = arrow_column(out[name].ravel())
    return pa.Table.from_arrays(list(columns.values()), names=list(columns))
