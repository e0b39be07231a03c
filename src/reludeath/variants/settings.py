"""What each variant's settings are, checked, without its simulation: the variants' grids
(``grid``) are expanded while a workflow is planned, which must not import numba.

``ConvSetting`` is a convolutional network's shape; ``check_slope``, ``check_alpha`` and
``check_join`` check one leaky slope, one residual alpha and one U-Net join.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from reludeath.variants.common import positive_int, setting_key

__all__ = ["JOINS", "PADDINGS", "ConvSetting", "check_alpha", "check_join", "check_slope"]

PADDINGS = ("circular", "zero")
JOINS = ("concat", "add")


@dataclass(frozen=True)
class ConvSetting:
    """What a convolutional network is, besides its depth and seed."""

    dims: int
    channels: int
    kernel: int
    size: int
    images: int
    padding: str = "circular"

    def __post_init__(self) -> None:
        if self.dims not in (1, 2) or isinstance(self.dims, bool):
            raise ValueError(f"dims must be 1 or 2, got {self.dims!r}")
        positive_int("channels", self.channels, maximum=64)
        positive_int("kernel", self.kernel)
        positive_int("size", self.size)
        positive_int("images", self.images)
        if self.padding not in PADDINGS:
            raise ValueError(f"padding must be one of {PADDINGS}, got {self.padding!r}")
        if self.padding == "zero" and self.kernel > self.size:
            raise ValueError(
                f"kernel ({self.kernel}) must be <= size ({self.size}) with zero padding "
                "('variants.conv.padding' is 'zero'): taps beyond the image connect nothing"
            )

    @property
    def positions(self) -> int:
        return self.size**self.dims

    @property
    def taps(self) -> int:
        return self.kernel**self.dims

    def key(self) -> int:
        return setting_key(
            "conv", self.dims, self.channels, self.kernel, self.size, self.images, self.padding
        )


def check_join(join: str) -> str:
    if join not in JOINS:
        raise ValueError(f"join must be one of {JOINS}, got {join!r}")
    return join


def check_slope(slope: float) -> float:
    """slope as a float in [0, 1), else ValueError naming it."""
    if isinstance(slope, bool) or not isinstance(slope, (int, float, np.floating)):
        raise ValueError(f"slope must be a number in [0, 1), got {slope!r}")
    if not 0 <= slope < 1:
        raise ValueError(f"slope must lie in [0, 1), got {slope!r}")
    return float(slope)


def check_alpha(alpha: float) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating)):
        raise ValueError(f"alpha must be a number > 0, got {alpha!r}")
    if not (math.isfinite(alpha) and alpha > 0):
        raise ValueError(f"alpha must be a finite number > 0, got {alpha!r}")
    return float(alpha)
