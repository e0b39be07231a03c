"""The kernel's contract, declared once: modes and their plans, the settings of a run, the
output arrays, the compiled entry point's C signature, the passes' signature and the layout of
the passes' shifted sums.

Everything else of the kernel is generated from these declarations: the text IR of the passes
(``passes``), the layer loop's llvmlite function types (``layerloop``), the ctypes prototypes
(``build``) and the Python call (``run``). This module imports nothing of the package.

A layer of a mode's plan computes z = W h + b, then (data-dependent modes) a per-row affine map
z -> z * s_i + t_i chosen from z's statistics over the batch (sign flip: s_i = -1 for every
row when relu(z) would kill more than half the living points; batch normalization:
s_i = 1 / (std_i + eps), t_i = -mean_i * s_i), then the ReLU.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass


class Mode(enum.Enum):
    """How a layer turns its product z = W h + b into the next activations."""

    PLAIN = "plain"  # relu(z)
    SIGNFLIP = "signflip"  # relu(-z) where relu(z) would kill more than half the living points
    BATCHNORM = "batchnorm"  # relu((z - mean) / (std + eps)), statistics over the batch


@dataclass(frozen=True)
class Plan:
    """Which passes a mode runs and what it permits.

    product: the pass that computes z and the statistics the per-row map is chosen from, then
    ``activate`` applies the map and the ReLU; None: one pass computes relu(z) directly.
    row_map: the layer loop's stage that chooses the per-row map (``layerloop.ROW_MAPS``).
    compaction: whether dead points may be dropped (they are exactly 0 at every later layer
    only when z of a dead point is 0, i.e. without biases and without batch statistics).
    """

    product: str | None
    row_map: str | None
    compaction: bool

    def passes(self, compact: bool) -> tuple[str, ...]:
        """The passes of a run, the one that makes the living points' output first, then the
        lean one over the dead points' columns where dead points are kept (not compacted)."""
        if self.product is None:
            return ("fused",) if compact else ("biased", "biased_dead")
        dead = () if compact else ("activate_dead",)
        return (self.product, "activate", *dead)


PLANS: dict[Mode, Plan] = {
    Mode.PLAIN: Plan(product=None, row_map=None, compaction=True),
    Mode.SIGNFLIP: Plan(product="signflip", row_map="signflip", compaction=True),
    Mode.BATCHNORM: Plan(product="standardize", row_map="standardize", compaction=False),
}

DTYPES = ("float32", "float64")

# Batch normalization divides by (std + eps).
BATCHNORM_EPS = 1e-5
# Relative tolerance on std / RMS below which a layer's output counts as constant (collapsed).
COLLAPSE_RTOL = 1e-5


@dataclass(frozen=True)
class KernelSettings:
    """How the kernel runs a scheme's networks; every combination built is legal.

    compact: drop dead points' columns (zero bias, plan permits it); rescale: divide each
    layer's activations by a power of two (exact by positive homogeneity; compacted runs only);
    biased: the networks have biases (shape (T, depth, n), else (T, 0, n)); dtype: the float
    type the kernel computes in.
    """

    mode: Mode = Mode.PLAIN
    compact: bool = True
    rescale: bool = True
    biased: bool = False
    dtype: str = "float32"
    eps: float = BATCHNORM_EPS
    collapse_rtol: float = COLLAPSE_RTOL

    def __post_init__(self) -> None:
        if not isinstance(self.mode, Mode):
            allowed = ", ".join(f"Mode.{m.name}" for m in Mode)
            raise ValueError(f"KernelSettings.mode must be one of {allowed}, got {self.mode!r}")
        for key in ("compact", "rescale", "biased"):
            if not isinstance(getattr(self, key), bool):
                raise ValueError(f"KernelSettings.{key} must be a bool, got {getattr(self, key)!r}")
        if self.dtype not in DTYPES:
            raise ValueError(f"KernelSettings.dtype must be one of {DTYPES}, got {self.dtype!r}")
        for key in ("eps", "collapse_rtol"):
            value = getattr(self, key)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise ValueError(
                    f"KernelSettings.{key} must be a finite number >= 0, got {value!r}"
                )
        if self.compact and self.biased:
            raise ValueError(
                "KernelSettings: compact=True with biased=True is illegal: a dead point's output "
                "is not zero under biases, so its column cannot be dropped"
            )
        if self.compact and not self.plan.compaction:
            raise ValueError(
                f"KernelSettings: compact=True with mode {self.mode.name} is illegal: its batch "
                "statistics include the dead points"
            )
        if self.rescale and not self.compact:
            raise ValueError(
                "KernelSettings: rescale=True with compact=False is illegal: rescaling is exact "
                "only for zero-bias runs whose dead points are dropped"
            )

    @property
    def plan(self) -> Plan:
        return PLANS[self.mode]

    @property
    def passes(self) -> tuple[str, ...]:
        return self.plan.passes(self.compact)


@dataclass(frozen=True)
class Output:
    """One (networks, depth) output array: its name, numpy dtype, the value of the layers after
    a compacted network died (or the name of the running value it keeps), and its meaning."""

    name: str
    dtype: str
    after_death: float | str
    doc: str


# What the kernel writes per (network, layer), in the C signature's order.
OUTPUTS: tuple[Output, ...] = (
    Output("alive_points", "int32", 0, "A(j): points no layer <= j has killed"),
    Output("sum_var", "float64", 0.0, "sum_i Var F_i over the points, dead as 0, in 4**log2_scale"),
    Output("mean_sq", "float64", 0.0, "||E F||^2, same units"),
    Output("collapsed", "bool", 1, "output_spread <= collapse_rtol: near-constant over the data"),
    Output("output_nonzero", "bool", 0, "the output is nonzero at some point"),
    Output("flipped", "bool", 0, "signflip negated the layer"),
    Output("log2_scale", "int64", "log2_scale", "power of two taken out of the activations"),
    Output("split", "bool", 0, "some neuron is > 0 at one point alive before, <= 0 at another"),
    Output(
        "output_spread",
        "float64",
        0.0,
        "std / RMS of the output over every point, sqrt(sum_i Var F_i / sum_i E F_i^2); 0 if zero",
    ),
)
OUTPUT_NAMES: tuple[str, ...] = tuple(o.name for o in OUTPUTS)


@dataclass(frozen=True)
class Argument:
    """A C argument: its name and kind, one of KINDS."""

    name: str
    kind: str


# Kinds of C arguments: pointers (to the run's float type, or to another element type), int64
# and double. The element type of a pointer matters to the code that uses it, not to the ABI.
KINDS = ("ptr", "i64", "double")


def _arguments(*items: str) -> tuple[Argument, ...]:
    """Arguments from "name:kind" strings."""
    out = tuple(Argument(*item.split(":")) for item in items)
    assert all(a.kind in KINDS for a in out)
    return out


# The compiled layer loop: int64 run_network(...), returning 0 or OVERFLOW.
RUN_NETWORK = "run_network"
RUN_INPUTS = _arguments("x:ptr", "weights:ptr", "biases:ptr")
RUN_SETTINGS = _arguments(
    "total:i64", "depth:i64", "biased:i64", "compact:i64", "rescale:i64", "eps:double",
    "collapse_rtol:double",
)  # fmt: skip
RUN_OUTPUTS = tuple(Argument(o.name, "ptr") for o in OUTPUTS)  # one array per output
# Work buffers (see ``run.layout``): activations and z in one buffer, rows pitch apart;
# scaled weights w, zero biases b, the per-row map (slope, offset), and the passes' outputs.
RUN_WORK = _arguments(
    "work:ptr", "pitch:i64", "second:i64", "z_at:i64", "w:ptr", "b:ptr", "slope:ptr",
    "offset:ptr", "hit:ptr", "shifted:ptr", "positive:ptr", "amask:ptr",
)  # fmt: skip
RUN_ARGUMENTS: tuple[Argument, ...] = RUN_INPUTS + RUN_SETTINGS + RUN_OUTPUTS + RUN_WORK
OVERFLOW = 1  # run_network's return value when activations overflowed

# Every pass: void pass(w, b, h, out, amask, hit, shifted, positive, cols, pitch) (``passes``).
PASS_ARGUMENTS = _arguments(
    "w:ptr", "b:ptr", "h:ptr", "out:ptr", "amask:ptr", "hit:ptr", "shifted:ptr", "positive:ptr",
    "cols:i64", "pitch:i64",
)  # fmt: skip


def pass_symbol(kind: str) -> str:
    """The name of the pass `kind`'s function in compiled code."""
    return f"pass_{kind}"


# Per row i, the passes' shifted sums: shifted[i * len(SHIFTED) + slot]. (center c_i, sum of
# (F - c_i), sum of (F - c_i)**2) over the points a pass ran over, then the same over the
# living points where dead points are kept (copied there by the layer loop).
SHIFTED = ("center", "sum", "sum_sq", "living_center", "living_sum", "living_sum_sq")
SUMS = SHIFTED[:3]  # a pass's own sums
LIVING_SUMS = SHIFTED[3:]


def shifted_at(row: int, slot: str) -> int:
    """Index of row `row`'s `slot` (one of SHIFTED) in the shifted array."""
    return row * len(SHIFTED) + SHIFTED.index(slot)
