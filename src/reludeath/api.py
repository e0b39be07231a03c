"""The study's answers as functions: how wide, the bounds, a quick simulation, the ledger.

These are what the ``reludeath`` command prints (reludeath/cli.py); each checks its
arguments and raises InputError (a ValueError) naming the argument and what it allows.

    >>> from reludeath import width_for, bounds_at
    >>> width_for(depth=100, p=0.9, results=None).width_bound
    10
    >>> round(bounds_at(n=4, k=10)["lower"], 4)
    0.5245
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from reludeath.bounds import lower_bound, path_width, upper_bound, upper_bound_zero_bias

__all__ = [
    "Estimate",
    "InputError",
    "Interval",
    "WidthAnswer",
    "bounds_at",
    "estimate",
    "read_claims",
    "width_for",
]

# Where a finished run keeps what width_for reads, relative to its results directory.
GRID_TABLE = "aggregate/grid.parquet"
SPLIT_TABLES = "split_bootstrap*.parquet"  # under fit/, or any deeper split table of the run
CLAIMS_TABLE = "claims.parquet"
MEASURED_SCHEME = "iid"  # zero-bias He networks, the paper's setting

# estimate() keeps each simulated batch within these sizes.
_ROWS_PER_BATCH = 1 << 21  # (network, layer) rows
_MAX_WEIGHT_BYTES = 1 << 30  # one network's weights


class InputError(ValueError):
    """An argument outside what it allows; the message names it and what it allows."""


@dataclass(frozen=True)
class Interval:
    """A point estimate with its 95% interval."""

    estimate: float
    low: float
    high: float


@dataclass
class WidthAnswer:
    """The answer of :func:`width_for`; `to_json()` gives the documented JSON object."""

    depth: int
    p: float
    width_bound: int
    width_measured: int | None
    p_at_width_bound: Interval | None
    p_at_width_measured: Interval | None
    c: float | None
    lower_at_width_bound: float
    source: str | None = None  # 'grid' or 'identity': where the measured P comes from
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        """{depth, p, width_bound, width_measured, p_at_width_bound, p_at_width_measured, c};
        each p_at_* is {estimate, low, high} or None."""

        def number(value: float | None) -> float | None:
            return value if value is None or math.isfinite(value) else None  # JSON has no NaN

        def interval(value: Interval | None) -> dict | None:
            if value is None or not math.isfinite(value.estimate):
                return None
            return {key: number(v) for key, v in asdict(value).items()}

        return {
            "depth": self.depth,
            "p": self.p,
            "width_bound": self.width_bound,
            "width_measured": self.width_measured,
            "p_at_width_bound": interval(self.p_at_width_bound),
            "p_at_width_measured": interval(self.p_at_width_measured),
            "c": number(self.c),
        }


def check_positive_int(name: str, value: object) -> int:
    """`value` as an int >= 1; InputError naming `name` otherwise. Integral floats pass."""
    if isinstance(value, bool):
        raise InputError(f"{name} must be a positive integer, got {value!r}")
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if not isinstance(value, (int, np.integer)) or value < 1:
        raise InputError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_probability(name: str, value: object) -> float:
    """`value` as a float in the open interval (0, 1); InputError naming `name` otherwise."""
    try:
        p = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(
            f"{name} must be a number in the open interval (0, 1), got {value!r}"
        ) from None
    if not 0 < p < 1:
        raise InputError(f"{name} must be a number in the open interval (0, 1), got {value!r}")
    return p


def bounds_at(n: int, k: int) -> dict[str, float]:
    """l(n, k) = (1 - 2^-n)^k, u(n, k) = (1 - 2^(-n^2-n))^(k-1) (with biases) and
    u0(n, k) = (1 - 2^(-n^2))^(k-1) (without), as {'n', 'k', 'lower', 'upper', 'upper_zero_bias'}.

    >>> bounds_at(1, 1)["lower"]
    0.5
    """
    n, k = check_positive_int("n", n), check_positive_int("k", k)
    return {
        "n": n,
        "k": k,
        "lower": float(lower_bound(n, k)),
        "upper": float(upper_bound(n, k)),
        "upper_zero_bias": float(upper_bound_zero_bias(n, k)),
    }


def _measured_at_depth(results: Path, depth: int) -> tuple[dict[int, Interval], dict, str, str]:
    """{n: P(n, depth)} measured by the run in `results`, {n: c(n)}, the source, and a note.

    Up to the run's depth, P comes from the grid; beyond it, from P = c(n) l(n, K) with c(n)
    from the deepest split table of the run (see width_for)."""
    grid = pd.read_parquet(
        results / GRID_TABLE, columns=["scheme", "n", "k", "p_alive", "p_alive_low", "p_alive_high"]
    )
    grid = grid[grid["scheme"] == MEASURED_SCHEME]
    if grid.empty:
        return {}, {}, "", f"the run in {results} has no {MEASURED_SCHEME} networks"
    run_depth = int(grid["k"].max())
    if depth <= run_depth:
        rows = grid[grid["k"] == depth].sort_values("n")
        measured = {
            int(r.n): Interval(float(r.p_alive), float(r.p_alive_low), float(r.p_alive_high))
            for r in rows.itertuples(index=False)
        }
        return measured, {}, "grid", f"P measured at depth {depth} (grid, {MEASURED_SCHEME})"
    tables = sorted(results.rglob(SPLIT_TABLES))
    if not tables:
        return {}, {}, "", f"depth {depth} exceeds the run's {run_depth} and it has no split table"
    split = max(
        (pd.read_parquet(path) for path in tables), key=lambda t: (t["depth"].max(), len(t))
    )
    measured, plateau = {}, {}
    for r in split.sort_values("n").itertuples(index=False):
        lower = float(lower_bound(int(r.n), depth))
        measured[int(r.n)] = Interval(
            min(1.0, r.c * lower), min(1.0, r.c_low * lower), min(1.0, r.c_high * lower)
        )
        plateau[int(r.n)] = float(r.c)
    note = (
        f"depth {depth} exceeds the run's {run_depth}: P = c(n) l(n, K) with c(n) over the "
        f"first {int(split['depth'].max())} layers (split identity, iid networks)"
    )
    return measured, plateau, "identity", note


def width_for(depth: int, p: float, results: str | Path | None = "results") -> WidthAnswer:
    """How wide must a depth-K iid ReLU network be to be alive with probability p?

    width_bound = ceil(n(K, p)), n(K, p) = -log2(1 - p^(1/K)): the smallest n with
    l(n, K) >= p, so every network of that width is alive with probability >= p.

    width_measured: the smallest width whose *measured* P(n, K) (point estimate) is >= p,
    from the finished run in `results` (None: do not look). For K up to the run's depth
    P comes from the grid; beyond it from the split identity P(n, K) = c(n) l(n, K), c(n)
    the plateau of P / l measured over the run's depth. That holds for iid networks
    (sign-symmetric rows) once no layer beyond the run's depth splits the living points
    (they have collapsed onto one ray), and otherwise underestimates P, since
    P / l only grows with K. Works in logs: K up to 1e12 and beyond.

    >>> answer = width_for(depth=10**12, p=0.5, results=None)
    >>> answer.width_bound, answer.width_measured
    (41, None)
    """
    depth = check_positive_int("depth", depth)
    p = check_probability("p", p)
    bound = max(1, int(path_width(depth, p)))
    answer = WidthAnswer(
        depth=depth,
        p=p,
        width_bound=bound,
        width_measured=None,
        p_at_width_bound=None,
        p_at_width_measured=None,
        c=None,
        lower_at_width_bound=float(lower_bound(bound, depth)),
    )
    if results is None:
        return answer
    results = Path(results)
    if not (results / GRID_TABLE).is_file():
        answer.notes.append(
            f"no finished run in {results} (no {GRID_TABLE}): width_measured is null"
        )
        return answer
    measured, plateau, source, note = _measured_at_depth(results, depth)
    answer.source = source or None
    answer.notes.append(note)
    answer.p_at_width_bound = measured.get(bound)
    reaching = [n for n, value in sorted(measured.items()) if value.estimate >= p]
    if not reaching:
        widest = max(measured) if measured else None
        answer.notes.append(
            f"no measured width reaches p = {p:g}"
            + (f" (widest measured: n = {widest})" if widest else "")
            + f"; by the bound, n = {bound} suffices"
        )
        return answer
    answer.width_measured = reaching[0]
    answer.p_at_width_measured = measured[reaching[0]]
    answer.c = plateau.get(reaching[0]) if source == "identity" else None
    return answer


@dataclass(frozen=True)
class Estimate:
    """What :func:`estimate` measured at depth k, with the bounds beside it."""

    scheme: str
    n: int
    k: int
    networks: int
    data_points: int
    seed: int
    p_alive: Interval
    p_collapsed: Interval
    p_constant: Interval
    living_fraction: Interval
    bounds: dict[str, float]


def _batches(networks: int, depth: int) -> list[tuple[int, int]]:
    """(first network, count) of each simulated batch: about 40 batches for the progress
    bar, none over _ROWS_PER_BATCH rows."""
    size = max(1, min(math.ceil(networks / 40), _ROWS_PER_BATCH // depth))
    return [(first, min(size, networks - first)) for first in range(0, networks, size)]


def estimate(
    n: int,
    k: int,
    scheme: str = "iid",
    networks: int = 1000,
    data_points: int = 1024,
    seed: int = 0,
    threads: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> Estimate:
    """Simulate `networks` random networks of width n and depth k with the fast kernel and
    report, at layer k: P(alive) (some point not killed), P(collapsed) (the output's std / RMS
    over the points at most 1e-5) and P(constant) (some layer so far was 0 at every point: a
    constant function, Lu et al.'s born dead), each with a 95% Wilson interval; the mean
    living fraction A(k)/M with a 95% t interval over networks (the points of one network are
    not independent, the networks are); and the bounds l, u, u0 at (n, k).

    Network t is the same network whatever the batching or `threads` (seeds derive from
    (seed, scheme, n, t)). `progress(done, total)` is called after each batch.

    >>> e = estimate(n=2, k=3, networks=200, data_points=16, seed=1)  # doctest: +SKIP
    >>> e.p_alive.estimate  # doctest: +SKIP
    """
    from reludeath.schemes import SCHEMES
    from reludeath.simulate import ShardSpec, simulate_shard
    from reludeath.stats import Z95, wilson_interval

    n = check_positive_int("n", n)
    k = check_positive_int("k", k)
    networks = check_positive_int("networks", networks)
    data_points = check_positive_int("data_points", data_points)
    threads = check_positive_int("threads", threads)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"seed must be an integer >= 0, got {seed!r}")
    if scheme not in SCHEMES:
        raise InputError(f"scheme must be one of {', '.join(sorted(SCHEMES))}, got {scheme!r}")
    if n > 64:
        raise InputError(f"n must be a positive integer up to 64 (the kernel's limit), got {n}")
    if 8 * k * n * (n + 1) > _MAX_WEIGHT_BYTES:
        raise InputError(f"k = {k} at n = {n} needs over 1 GiB of weights per network; lower k")
    alive = np.empty(networks, np.int64)
    collapsed = np.empty(networks, bool)
    constant = np.empty(networks, bool)
    batches = _batches(networks, k)
    done = 0
    for first, count in batches:
        spec = ShardSpec(scheme, n, k, count, data_points, seed, first_network=first)
        table = simulate_shard(spec, threads=threads)
        alive[first : first + count] = (
            table.column("alive_points").to_numpy().reshape(count, k)[:, -1]
        )
        collapsed[first : first + count] = (
            table.column("collapsed").to_numpy(zero_copy_only=False).reshape(count, k)[:, -1]
        )
        constant[first : first + count] = (
            table.column("constant").to_numpy(zero_copy_only=False).reshape(count, k)[:, -1]
        )
        done += count
        if progress is not None:
            progress(done, networks)

    def proportion(successes: int) -> Interval:
        low, high = wilson_interval(successes, networks)
        return Interval(successes / networks, float(low), float(high))

    fraction = alive / data_points
    mean = float(fraction.mean())
    if networks > 1:
        from scipy import stats

        half = float(stats.t.ppf(0.975, networks - 1)) * fraction.std(ddof=1) / networks**0.5
    else:
        half = Z95 * 0.5  # one network: no spread to measure; the widest sensible interval
    return Estimate(
        scheme=scheme,
        n=n,
        k=k,
        networks=networks,
        data_points=data_points,
        seed=int(seed),
        p_alive=proportion(int((alive > 0).sum())),
        p_collapsed=proportion(int(collapsed.sum())),
        p_constant=proportion(int(constant.sum())),
        living_fraction=Interval(mean, max(0.0, mean - half), min(1.0, mean + half)),
        bounds=bounds_at(n, k),
    )


def read_claims(results: str | Path = "results") -> pd.DataFrame:
    """The claims ledger of the finished run in `results` (columns of
    reludeath.claims.CLAIM_COLUMNS); FileNotFoundError naming the file if there is none."""
    path = Path(results) / CLAIMS_TABLE
    if not path.is_file():
        raise FileNotFoundError(
            f"no claims ledger at {path}: run the workflow first (snakemake --cores all)"
        )
    return pd.read_parquet(path)
