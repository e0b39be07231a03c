"""Initialization schemes: how one network's parameters are drawn (docs/science.md, section 2).

A scheme draws every layer's weights and biases for one network from numpy
generators, and tells the kernel how to run them (plain, sign flipping or
batch normalization; compacted and rescaled, or not). Adding a scheme means
adding one class here and one line in ``SCHEMES``.

Random streams: each network has its own generators (see ``simulate``), one
per kind of draw, and every draw is layer-major, so the first k layers of a
deeper network are exactly those of a shallower one. iid, batchnorm and
signflip draw from the same "normal" family: network t of width n sees the
same standard-normal weights under all three, so scheme differences are
paired comparisons (common random numbers).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from reludeath.kernel.contract import PLANS, KernelSettings, Mode

__all__ = [
    "IDENTITY_SCHEMES",
    "IID",
    "RAI",
    "SCHEMES",
    "BatchNorm",
    "IIDBias",
    "Scheme",
    "SignFlip",
    "configured_schemes",
    "get_scheme",
    "scheme_label",
]


@dataclass(frozen=True)
class Parameters:
    """One network's parameters: weights (depth, n, n) and biases (depth, n) or (0, n)."""

    weights: np.ndarray
    biases: np.ndarray


@dataclass(frozen=True)
class Scheme:
    """Base class: a named way to draw a network's parameters."""

    name: ClassVar[str]
    family: ClassVar[str] = "normal"
    mode: ClassVar[Mode] = Mode.PLAIN

    @property
    def has_bias(self) -> bool:
        """True when biases are random, which rules out compaction and rescaling."""
        return False

    @property
    def dtype(self) -> np.dtype:
        """Kernel dtype: float32 where rescaling makes it exact, float64 otherwise
        (schemes whose biased activations stay bounded override this: docs/numerics.md)."""
        return np.dtype(np.float64 if self.has_bias else np.float32)

    @property
    def compact(self) -> bool:
        """Dead points' columns are dropped: zero bias, and a mode whose plan permits it."""
        return not self.has_bias and PLANS[self.mode].compaction

    @property
    def rescale(self) -> bool:
        return self.compact

    def kernel_settings(self, dtype: str | np.dtype | None = None) -> KernelSettings:
        """How the kernel runs this scheme's networks, from its mode, has_bias, compact,
        rescale and dtype (`dtype` overrides the last); a scheme class needs nothing more."""
        return KernelSettings(
            mode=self.mode,
            compact=self.compact,
            rescale=self.rescale,
            biased=self.has_bias,
            dtype=np.dtype(dtype if dtype is not None else self.dtype).name,
        )

    def draw(
        self,
        streams: Sequence[np.random.Generator],
        n: int,
        depth: int,
        weights_out: np.ndarray | None = None,
    ) -> Parameters:
        """Zero-bias standard-normal weights; by positive homogeneity their scale
        changes no statistic the kernel reports, so none is applied. They are drawn into
        `weights_out` when it is a contiguous float32 (depth, n, n) array (same numbers)."""
        direct = (
            weights_out is not None
            and weights_out.dtype == np.float32
            and weights_out.shape == (depth, n, n)
            and weights_out.flags.c_contiguous
        )
        if direct:
            weights = streams[0].standard_normal(dtype=np.float32, out=weights_out)
        else:
            weights = streams[0].standard_normal((depth, n, n), dtype=np.float32)
        return Parameters(weights, np.zeros((0, n), np.float32))


@dataclass(frozen=True)
class IID(Scheme):
    """He initialization A ~ N(0, weight_variance / n), b ~ N(0, bias_std**2) or b = 0.

    weight_variance defaults to 2 (He); with zero bias it is irrelevant and unused.
    """

    name: ClassVar[str] = "iid"
    weight_variance: float = 2.0
    bias_std: float = 0.0

    def __post_init__(self) -> None:
        for key in ("weight_variance", "bias_std"):
            value = getattr(self, key)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise ValueError(f"{key} must be a finite number >= 0, got {value!r}")
        if self.weight_variance == 0:
            raise ValueError("weight_variance must be > 0, got 0")

    @property
    def has_bias(self) -> bool:
        return self.bias_std > 0

    def draw(
        self,
        streams: Sequence[np.random.Generator],
        n: int,
        depth: int,
        weights_out: np.ndarray | None = None,
    ) -> Parameters:
        if not self.has_bias:
            return super().draw(streams, n, depth, weights_out)
        base = super().draw(streams, n, depth)
        scale = math.sqrt(self.weight_variance / n)
        weights = base.weights.astype(np.float64) * scale
        biases = streams[1].standard_normal((depth, n)) * self.bias_std
        return Parameters(weights, biases)


@dataclass(frozen=True)
class IIDBias(IID):
    """He weights with symmetric normal biases b ~ N(0, bias_std**2), bias_std > 0
    (Lu et al.'s "He with biases"); the same weight draws as iid."""

    name: ClassVar[str] = "iid_bias"
    bias_std: float = 1.0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.bias_std == 0:
            raise ValueError("bias_std must be > 0 for iid_bias (use iid for zero bias), got 0")

    @property
    def dtype(self) -> np.dtype:
        """float32 while weight_variance <= 2: activations then grow at most linearly in depth
        (q_k <= q_0 + k * bias_std**2), far inside float32's range; float64 above, where
        they grow geometrically (docs/numerics.md)."""
        return np.dtype(np.float32 if self.weight_variance <= 2 else np.float64)


@dataclass(frozen=True)
class BatchNorm(Scheme):
    """iid weights, each pre-activation standardized over the batch, no affine part."""

    name: ClassVar[str] = "batchnorm"
    mode: ClassVar[Mode] = Mode.BATCHNORM


@dataclass(frozen=True)
class SignFlip(Scheme):
    """iid weights; a layer that would kill more than half the living points is negated."""

    name: ClassVar[str] = "signflip"
    mode: ClassVar[Mode] = Mode.SIGNFLIP


@dataclass(frozen=True)
class RAI(Scheme):
    """Randomized asymmetric initialization (Lu et al.): V = [A | b] ~ N(0, sigma^2/n),
    then one uniformly chosen entry per row is replaced by a Beta(2, 1) draw."""

    name: ClassVar[str] = "rai"
    family: ClassVar[str] = "rai"
    sigma: float = 0.6007

    @property
    def has_bias(self) -> bool:
        return True

    @property
    def dtype(self) -> np.dtype:
        """float32: RAI's weights contract and its biases are of order one, so activations stay
        of order one at any depth (docs/numerics.md)."""
        return np.dtype(np.float32)

    def draw(
        self,
        streams: Sequence[np.random.Generator],
        n: int,
        depth: int,
        weights_out: np.ndarray | None = None,
    ) -> Parameters:
        v = streams[0].standard_normal((depth, n, n + 1)) * (self.sigma / math.sqrt(n))
        column = streams[1].integers(0, n + 1, size=(depth, n))
        # Beta(2, 1) has CDF x**2 on [0, 1], so sqrt(U) is an exact draw.
        beta = np.sqrt(streams[2].random((depth, n)))
        layers, rows = np.indices((depth, n))
        v[layers, rows, column] = beta
        return Parameters(np.ascontiguousarray(v[:, :, :n]), np.ascontiguousarray(v[:, :, n]))


SCHEMES: dict[str, type[Scheme]] = {s.name: s for s in (IID, IIDBias, BatchNorm, SignFlip, RAI)}


def get_scheme(name: str, **options: float) -> Scheme:
    """The scheme called `name`, built with `options` (e.g. bias_std for iid)."""
    if name not in SCHEMES:
        raise ValueError(f"scheme must be one of {sorted(SCHEMES)}, got {name!r}")
    return SCHEMES[name](**options)


# Schemes whose rows are independent of the past and sign-symmetric, so that the split
# identity P/l = prod_j (1 + sigma_j / (2^n - 1)) holds exactly (docs/science.md).
IDENTITY_SCHEMES = ("iid", "iid_bias")

# Options a configuration may set per scheme, with their defaults.
CONFIG_OPTIONS: dict[str, dict[str, float]] = {"iid_bias": {"bias_std": 1.0}}


def scheme_label(name: str, options: dict[str, float]) -> str:
    """The directory label of a configured scheme: its name, then '-<option><value>' for
    each option in sorted order, e.g. 'iid_bias-bias_std1'; plain names stay as they are."""
    return name + "".join(f"-{key}{float(options[key]):g}" for key in sorted(options))


def configured_schemes(items: list) -> dict[str, tuple[dict[str, float], str]]:
    """{name: (options, label)} from the config's `schemes` list, whose items are names or
    one-key mappings {name: {option: value}}; each name may appear once. Options left out
    take their defaults (CONFIG_OPTIONS), so `iid_bias` alone means bias_std = 1."""
    out: dict[str, tuple[dict[str, float], str]] = {}
    for item in items:
        if isinstance(item, dict):
            if len(item) != 1:
                raise ValueError(f"a scheme with options is a one-key mapping, got {item!r}")
            ((name, given),) = item.items()
        else:
            name, given = item, {}
        if name in out:
            raise ValueError(f"scheme {name!r} appears twice in 'schemes'; name each scheme once")
        options = {**CONFIG_OPTIONS.get(name, {}), **(given or {})}
        get_scheme(name, **options)  # validates
        out[name] = ({k: float(v) for k, v in options.items()}, scheme_label(name, options))
    return out
