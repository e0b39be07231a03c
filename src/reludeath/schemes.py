"""Initialization schemes: how one network's parameters are drawn (docs/science.md, section 2).

A scheme draws every layer's weights and biases for one network, or for a batch of
networks at once, from random streams (``reludeath.sampling.pcg``: numpy's PCG64 streams, drawn by
compiled code), and tells the kernel how to run them (plain, sign flipping or batch
normalization; compacted and rescaled, or not). Adding a scheme means
adding one class here and one line in ``SCHEMES``; a user's own scheme comes in
from a file as a :class:`Plugin` (docs/plugins.md), with no class to write.

Random streams: each network has its own streams (see ``simulate``), one
per kind of draw, and every draw is layer-major, so the first k layers of a
deeper network are exactly those of a shallower one. Normal numbers come from
``reludeath.sampling.normals`` (a compiled Box-Muller transform of the stream's raw
words, float32), uniform ones from ``reludeath.sampling.uniforms`` (numpy's uniform and
integer samplers on the same words, bit for bit). iid, batchnorm and
signflip (and const_bias, orthogonal) draw from the same "normal" family: network t
of width n sees the same standard-normal numbers under all of them, so scheme
differences are paired comparisons (common random numbers); uniform and
torch_default share the "uniform" family likewise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from reludeath import plugin
from reludeath.kernel.contract import PLANS, KernelSettings, Mode
from reludeath.sampling import normals, uniforms
from reludeath.sampling.pcg import Source, batch_shape, each

__all__ = [
    "IID",
    "PRACTICE_SCHEMES",
    "RAI",
    "SCHEMES",
    "BatchNorm",
    "ConstBias",
    "IIDBias",
    "Orthogonal",
    "Plugin",
    "Scheme",
    "SignFlip",
    "TorchDefault",
    "Uniform",
    "configured_schemes",
    "get_scheme",
    "scheme_label",
    "scheme_traits",
]


@dataclass(frozen=True)
class Parameters:
    """One network's parameters: weights (depth, n, n) and biases (depth, n) or (0, n); drawn
    from a batch of T streams (``pcg.Streams``), T networks': each with a leading axis T."""

    weights: np.ndarray
    biases: np.ndarray


@dataclass(frozen=True)
class Scheme:
    """Base class: a named way to draw a network's parameters."""

    name: ClassVar[str]
    family: ClassVar[str] = "normal"
    mode: ClassVar[Mode] = Mode.PLAIN
    # Rows (a_i, b_i) independent of the past and, given their values up to sign, with
    # independent fair-coin signs: the split identity and the M = 1 oracle P = l hold.
    sign_symmetric: ClassVar[bool] = False
    # The fields a configuration may set (its `schemes` entry's options); their defaults are
    # the fields' own, and a scheme's shard label names their values (scheme_label).
    config_options: ClassVar[tuple[str, ...]] = ()

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
        streams: Sequence[Source],
        n: int,
        depth: int,
        weights_out: np.ndarray | None = None,
    ) -> Parameters:
        """Zero-bias standard-normal weights; by positive homogeneity their scale
        changes no statistic the kernel reports, so none is applied. They are drawn into
        `weights_out` when it is a contiguous float32 array of their shape (same numbers).

        Every scheme's draw takes one network's streams, or batches of T networks' streams
        (``pcg.Streams``) and then returns every array with a leading axis T."""
        lead = batch_shape(streams[0])
        direct = (
            weights_out is not None
            and weights_out.dtype == np.float32
            and weights_out.shape == (*lead, depth, n, n)
            and weights_out.flags.c_contiguous
        )
        out = weights_out if direct else None
        weights = normals.standard_normal(streams[0], (depth, n, n), out=out)
        return Parameters(weights, np.zeros((*lead, 0, n), np.float32))


def _scaled(normal: np.ndarray, weights_out: np.ndarray | None, scale: float) -> np.ndarray:
    """normal * scale, the product in float64: in place, rounded once, where `normal` is the
    float32 array `weights_out` itself (the same numbers as rounding the float64 product)."""
    if normal is weights_out:
        return np.multiply(normal, scale, out=normal, dtype=np.float64)
    return normal.astype(np.float64) * scale


@dataclass(frozen=True)
class IID(Scheme):
    """He initialization A ~ N(0, weight_variance / n), b ~ N(0, bias_std**2) or b = 0.

    weight_variance defaults to 2 (He); with zero bias it is irrelevant and unused.
    """

    name: ClassVar[str] = "iid"
    sign_symmetric: ClassVar[bool] = True
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
        streams: Sequence[Source],
        n: int,
        depth: int,
        weights_out: np.ndarray | None = None,
    ) -> Parameters:
        if not self.has_bias:
            return super().draw(streams, n, depth, weights_out)
        weights = _scaled(super().draw(streams, n, depth, weights_out).weights, weights_out,
                          math.sqrt(self.weight_variance / n))  # fmt: skip
        biases = normals.standard_normal(streams[1], (depth, n)).astype(np.float64) * self.bias_std
        return Parameters(weights, biases)


@dataclass(frozen=True)
class IIDBias(IID):
    """He weights with symmetric normal biases b ~ N(0, bias_std**2), bias_std > 0
    (Lu et al.'s "He with biases"); the same weight draws as iid."""

    name: ClassVar[str] = "iid_bias"
    config_options: ClassVar[tuple[str, ...]] = ("bias_std",)
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
        streams: Sequence[Source],
        n: int,
        depth: int,
        weights_out: np.ndarray | None = None,
    ) -> Parameters:
        v = normals.standard_normal(streams[0], (depth, n, n + 1))
        if weights_out is None or weights_out.dtype != np.float32:
            v = v.astype(np.float64)
        # The product in float64, rounded once where v is float32 (for a float32 kernel).
        np.multiply(v, self.sigma / math.sqrt(n), out=v, dtype=np.float64)
        column = uniforms.integers(streams[1], n + 1, (depth, n))
        # Beta(2, 1) has CDF x**2 on [0, 1], so sqrt(U) is an exact draw.
        beta = np.sqrt(uniforms.random(streams[2], (depth, n)))
        np.put_along_axis(v, column[..., None], beta[..., None].astype(v.dtype), axis=-1)
        return Parameters(v[..., :n], v[..., n])


@dataclass(frozen=True)
class Uniform(Scheme):
    """Zero-bias uniform weights A_ij ~ U(-1, 1): Keras' Dense default (glorot_uniform
    weights, zero biases); the bound a of U(-a, a) is irrelevant by positive homogeneity."""

    name: ClassVar[str] = "uniform"
    family: ClassVar[str] = "uniform"
    sign_symmetric: ClassVar[bool] = True

    def draw(
        self,
        streams: Sequence[Source],
        n: int,
        depth: int,
        weights_out: np.ndarray | None = None,
    ) -> Parameters:
        weights = uniforms.random(streams[0], (depth, n, n), np.float32)
        weights *= 2
        weights -= 1  # 2u - 1 is exact in float32
        return Parameters(weights, np.zeros((0, n), np.float32))


@dataclass(frozen=True)
class TorchDefault(Scheme):
    """PyTorch's nn.Linear default: A_ij and b_i all ~ U(-1/sqrt(n), 1/sqrt(n)) (fan-in n);
    the biases have the scale of one weight, so unlike iid_bias they are not negligible.
    The same uniform numbers as `uniform` for the weights (paired comparison)."""

    name: ClassVar[str] = "torch_default"
    family: ClassVar[str] = "uniform"
    sign_symmetric: ClassVar[bool] = True

    @property
    def has_bias(self) -> bool:
        return True

    @property
    def dtype(self) -> np.dtype:
        """float32: q_{k+1} = q_k / 6 + 1 / (3n) contracts to a fixed point of order 1/n,
        so activations stay bounded at any depth (docs/numerics.md)."""
        return np.dtype(np.float32)

    def draw(
        self,
        streams: Sequence[Source],
        n: int,
        depth: int,
        weights_out: np.ndarray | None = None,
    ) -> Parameters:
        bound = 1 / math.sqrt(n)
        uniform = uniforms.random(streams[0], (depth, n, n), np.float32)
        weights = (2 * uniform - 1) * bound
        biases = (2 * uniforms.random(streams[1], (depth, n)) - 1) * bound
        return Parameters(weights.astype(np.float64), biases)


@dataclass(frozen=True)
class Orthogonal(Scheme):
    """Haar orthogonal weights, zero biases (torch.nn.init.orthogonal_, Saxe et al. 2014):
    Q R = G Gaussian, Q's columns multiplied by sign(diag R) (Mezzadri 2007). D Q is Haar for
    any diagonal sign matrix D, so the rows' signs are independent fair coins."""

    name: ClassVar[str] = "orthogonal"
    sign_symmetric: ClassVar[bool] = True

    def draw(
        self,
        streams: Sequence[Source],
        n: int,
        depth: int,
        weights_out: np.ndarray | None = None,
    ) -> Parameters:
        lead = batch_shape(streams[0])
        weights = haar_orthogonal(streams[0], n, depth).astype(np.float32)
        return Parameters(weights, np.zeros((*lead, 0, n), np.float32))


def haar_orthogonal(rng: Source, n: int, count: int) -> np.ndarray:
    """`count` independent Haar-distributed n x n orthogonal matrices, (count, n, n) float64
    (with a leading axis T from a batch): Q from G = Q R (G standard Gaussian), columns times
    sign(diag R), which makes R's diagonal positive and the factorization unique, hence Q
    Haar."""
    q, r = np.linalg.qr(normals.standard_normal(rng, (count, n, n)).astype(np.float64))
    signs = np.sign(np.diagonal(r, axis1=-2, axis2=-1))
    signs[signs == 0] = 1
    return q * signs[..., None, :]


@dataclass(frozen=True)
class ConstBias(IID):
    """He weights N(0, 2/n) with every bias equal to `bias` (default 0.01): the folk advice
    that a small positive bias keeps ReLU units alive (CS231n). Not sign-symmetric. The same
    standard-normal weights as iid (paired comparison)."""

    name: ClassVar[str] = "const_bias"
    sign_symmetric: ClassVar[bool] = False
    config_options: ClassVar[tuple[str, ...]] = ("bias",)
    bias: float = 0.01

    def __post_init__(self) -> None:
        super().__post_init__()
        if not (isinstance(self.bias, (int, float)) and math.isfinite(self.bias)):
            raise ValueError(f"bias must be a finite number, got {self.bias!r}")

    @property
    def has_bias(self) -> bool:
        return self.bias != 0

    @property
    def dtype(self) -> np.dtype:
        """float32 while weight_variance <= 2: q_k <= q_0 + k bias^2, as for iid_bias."""
        return np.dtype(np.float32 if self.weight_variance <= 2 else np.float64)

    def draw(
        self,
        streams: Sequence[Source],
        n: int,
        depth: int,
        weights_out: np.ndarray | None = None,
    ) -> Parameters:
        if not self.has_bias:
            return Scheme.draw(self, streams, n, depth, weights_out)
        weights = _scaled(Scheme.draw(self, streams, n, depth, weights_out).weights, weights_out,
                          math.sqrt(self.weight_variance / n))  # fmt: skip
        lead = batch_shape(streams[0])
        return Parameters(weights, np.full((*lead, depth, n), float(self.bias)))


@dataclass(frozen=True)
class Plugin(Scheme):
    """A user's scheme: `function` of the file `path` (relative to the working directory) or
    of the importable `module` draws (weights (depth, n, n), biases (depth, n)) from one
    generator (docs/plugins.md). `sha256` is the source file's content hash: a plug-in's
    shards follow its file's content."""

    name: ClassVar[str] = plugin.PREFIX
    family: ClassVar[str] = plugin.PREFIX
    path: str = ""
    module: str = ""
    function: str = ""
    sign_symmetric: bool = False  # type: ignore[misc]  # declared by the user
    bias: bool = True
    options: tuple[tuple[str, object], ...] = ()
    sha256: str = ""

    @property
    def has_bias(self) -> bool:
        return bool(self.bias)

    def draw(
        self,
        streams: Sequence[Source],
        n: int,
        depth: int,
        weights_out: np.ndarray | None = None,
    ) -> Parameters:
        function = plugin.load_function(self.path, self.function, self.sha256, self.module)
        options = dict(self.options)
        weights, biases = each(
            streams[0],
            lambda rng: plugin.checked_draw(function, rng, n, depth, options, self.bias),
        )
        if not self.has_bias:
            lead = batch_shape(streams[0])
            return Parameters(weights.astype(np.float32), np.zeros((*lead, 0, n), np.float32))
        return Parameters(weights, biases)


SCHEMES: dict[str, type[Scheme]] = {
    s.name: s
    for s in (IID, IIDBias, BatchNorm, SignFlip, RAI, Uniform, TorchDefault, Orthogonal, ConstBias)
}

# The initializations practitioners use (docs/science.md section 2; the practice family).
PRACTICE_SCHEMES = ("uniform", "torch_default", "orthogonal", "const_bias")


def get_scheme(name: str, **options: object) -> Scheme:
    """The scheme called `name`, built with `options` (e.g. bias_std for iid); a plug-in's
    name is its label 'plugin-<file>-<function>' and its options are the entry's."""
    if name.startswith(plugin.PREFIX + "-"):
        return Plugin(**options)
    if name not in SCHEMES:
        raise ValueError(f"scheme must be one of {sorted(SCHEMES)}, got {name!r}")
    return SCHEMES[name](**options)


def scheme_traits(name: str, options: dict | None = None) -> dict[str, bool]:
    """{"has_bias", "sign_symmetric"} of a configured scheme: what the grid table needs to
    pick the upper bound and apply the split identity (plain data, for workflow params)."""
    scheme = get_scheme(name, **(options or {}))
    return {"has_bias": scheme.has_bias, "sign_symmetric": bool(scheme.sign_symmetric)}


def scheme_label(name: str, options: dict[str, float]) -> str:
    """The directory label of a configured scheme: its name, then '-<option><value>' for
    each option in sorted order, e.g. 'iid_bias-bias_std1'; plain names stay as they are."""
    return name + "".join(f"-{key}{float(options[key]):g}" for key in sorted(options))


def configured_schemes(items: list) -> dict[str, tuple[dict, str]]:
    """{name: (options, label)} from the config's `schemes` list, whose items are names,
    one-key mappings {name: {option: value}} or plug-ins {plugin: {path or module: ...}}; each
    name may appear once. Options left out take their defaults (the scheme's fields named by
    its `config_options`), so `iid_bias` alone means bias_std = 1. A plug-in's name and label
    are both 'plugin-<file>-<function>' and its options carry its file's content hash."""
    out: dict[str, tuple[dict, str]] = {}
    for index, item in enumerate(items):
        if isinstance(item, dict):
            if len(item) != 1:
                raise ValueError(f"a scheme with options is a one-key mapping, got {item!r}")
            ((name, given),) = item.items()
        else:
            name, given = item, {}
        if name == plugin.PREFIX:
            label, options = plugin.plugin_entry(given, f"schemes[{index}].plugin")
            if label in out:
                raise ValueError(
                    f"schemes[{index}].plugin: a second plug-in with the label {label!r} "
                    "(same file name and function); rename the file or the function"
                )
            get_scheme(label, **options)  # validates
            out[label] = (options, label)
            continue
        if name in out:
            raise ValueError(f"scheme {name!r} appears twice in 'schemes'; name each scheme once")
        scheme = get_scheme(name, **(given or {}))  # validates
        options = {**{key: getattr(scheme, key) for key in scheme.config_options}, **(given or {})}
        out[name] = ({k: float(v) for k, v in options.items()}, scheme_label(name, options))
    return out
