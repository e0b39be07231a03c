"""The variants' grids: from the `variants:` config section to lists of settings.

Each variant's section has `enabled` and its grid (see config/README.md); the
functions here expand a section into the settings it simulates, validating every
value and naming the offending key on error.
"""

from __future__ import annotations

import itertools

from reludeath.report_layout import PAPERS, ReportEntry, entry
from reludeath.variants.common import positive_int
from reludeath.variants.settings import ConvSetting, check_alpha, check_join, check_slope

__all__ = [
    "REPORT",
    "TITLES",
    "VARIANTS",
    "check_grids",
    "conv_settings",
    "enabled_variants",
    "leaky_settings",
    "residual_settings",
    "skip_settings",
]

# The variants, each with its title: the one place a variant is declared. Each has, by its
# name, `<name>_settings` here (its config section's grid), `<name>_grid` in variants.tables
# (its table) and `<name>_figure` in variants.plots; its figure is variants_<name> (caption
# workflow/report/variants_<name>.rst), in "4. Architecture variants" of the report.
TITLES = {
    "conv": "Convolutional",
    "residual": "Residual",
    "skip": "Skip connections",
    "leaky": "Leaky ReLU",
}
VARIANTS = tuple(TITLES)
REPORT: dict[str, ReportEntry] = {
    f"variants_{name}": entry(
        4, title, f"variants_{name}.rst", paper=PAPERS["rr"], figure=title, scheme="iid"
    )
    for name, title in TITLES.items()
}


def _named(key: str, check, value):
    try:
        return check(value)
    except ValueError as error:
        raise ValueError(f"variants.{key}: {error}") from None


def _ints(section: dict, variant: str, key: str, maximum: int | None = None) -> list[int]:
    values = section[key] if isinstance(section[key], list) else [section[key]]
    return [_named(f"{variant}.{key}", lambda v: positive_int(key, v, maximum), v) for v in values]


def enabled_variants(config: dict) -> list[str]:
    """The variants whose section says enabled: true, in VARIANTS order."""
    section = config.get("variants", {})
    return [name for name in VARIANTS if section.get(name, {}).get("enabled", False)]


def conv_settings(section: dict) -> list[ConvSetting]:
    """One ConvSetting per entry of variants.conv.settings (padding from the section)."""
    out = []
    for i, setting in enumerate(section["settings"]):
        key = f"conv.settings[{i}]"
        out.append(
            _named(
                key,
                lambda e: ConvSetting(
                    e["dims"],
                    e["channels"],
                    e["kernel"],
                    e["size"],
                    e["images"],
                    section.get("padding", "circular"),
                ),
                setting,
            )
        )
    positive_int("variants.conv.depth", section["depth"])
    positive_int("variants.conv.networks", section["networks"])
    return out


def residual_settings(section: dict) -> list[tuple[str, int, float, int]]:
    """(block, n, alpha, M): r1 for each (n, M); r2 for each (n, alpha, M). alpha NaN for r1."""
    widths = _ints(section, "residual", "n", maximum=64)
    points = _ints(section, "residual", "data_points")
    alphas = [_named("residual.alphas", check_alpha, a) for a in section["alphas"]]
    positive_int("variants.residual.depth", section["depth"])
    positive_int("variants.residual.networks", section["networks"])
    r1 = [("r1", n, float("nan"), m) for n, m in itertools.product(widths, points)]
    r2 = [("r2", n, a, m) for n, a, m in itertools.product(widths, alphas, points)]
    return r1 + r2


def skip_settings(section: dict) -> list[tuple[str, int, int, int, int]]:
    """(join, n, chunk, levels, M) for every combination."""
    joins = [_named("skip.joins", check_join, j) for j in section["joins"]]
    grids = [
        _ints(section, "skip", key, 64 if key == "n" else None)
        for key in ("n", "chunk", "levels", "data_points")
    ]
    positive_int("variants.skip.networks", section["networks"])
    return [(j, *rest) for j in joins for rest in itertools.product(*grids)]


def leaky_settings(section: dict) -> list[tuple[int, float, int]]:
    """(n, slope, M) for every combination."""
    widths = _ints(section, "leaky", "n", maximum=64)
    slopes = [_named("leaky.slopes", check_slope, s) for s in section["slopes"]]
    points = _ints(section, "leaky", "data_points")
    positive_int("variants.leaky.depth", section["depth"])
    positive_int("variants.leaky.networks", section["networks"])
    return list(itertools.product(widths, slopes, points))


def check_grids(section: dict) -> None:
    """Expand every enabled variant's grid: ValueError naming the key if any value is bad."""
    for name in VARIANTS:
        sub = section.get(name, {})
        if sub.get("enabled", False):
            globals()[f"{name}_settings"](sub)
