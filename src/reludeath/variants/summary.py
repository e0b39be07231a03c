"""The variants' section of results/summary.md: the section 8 claims with their numbers."""

from __future__ import annotations

import pandas as pd

from reludeath.variants.claims import conv_hazards, residual_checks, skip_checks

__all__ = ["variants_markdown"]


def _num(value: float, spec: str) -> str:
    """value formatted with spec, or a dash where it is undefined (NaN)."""
    return "-" if pd.isna(value) else format(value, spec)


def _conv_lines(conv: pd.DataFrame) -> list[str]:
    h = conv_hazards(conv)
    lines = [
        "Convolutional networks, late-layer hazard (layers k > depth/4) against 2^-N and the "
        "split rate plateau:",
        "",
        "| D | N | m | d | M | deaths / at risk | rate | 2^-N | z | sigma plateau | FC |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in h.itertuples():
        lines.append(
            f"| {r.dims} | {r.channels} | {r.kernel} | {r.size} | {r.images} | "
            f"{r.late_deaths:.0f} / {r.late_at_risk:.0f} | {_num(r.late_rate, '.4f')} | "
            f"{r.late_hazard:.4f} | {_num(r.late_z, '+.1f')} | {_num(r.sigma_plateau, '.3f')} | "
            f"{'yes' if r.reduces_to_fc else 'no'} |"
        )
    return lines


def _residual_lines(residual: pd.DataFrame) -> list[str]:
    r = residual_checks(residual)
    lines = []
    r1 = residual[residual.block == "r1"]
    if len(r1):
        lines += [
            "Residual R1 (h + relu(A h)): blocked (point, layer) pairs against 2^-n, and layers "
            "blocked for every point:",
            "",
            "| n | M | k | blocked fraction | 2^-n | P(layer k blocked for all) | "
            "P(no layer blocked) | l(n, k) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        depth = int(r1.k.max())
        for row in r1[r1.k.isin({1, depth // 8, depth // 2, depth})].itertuples():
            lines.append(
                f"| {row.n} | {row.data_points} | {row.k} | {row.blocked_fraction:.4f} | "
                f"{2.0**-row.n:.4f} | {row.p_layer_blocked:.3f} | {row.p_no_layer_blocked:.3f} | "
                f"{row.lower_bound:.3f} |"
            )
        lines.append("")
    if "r2_last" in r:
        lines += [
            "Residual R2 blocks against plain FC of k + 1 layers:",
            "",
            "| n | alpha | M | k | P(alive) | P_FC | z |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in r["r2_last"].itertuples():
            lines.append(
                f"| {row.n} | {row.alpha:g} | {row.data_points} | {row.k} | {row.p_alive:.3f} | "
                f"{row.p_alive_fc:.3f} | {row.z:+.1f} |"
            )
    return lines


def _skip_lines(skip: pd.DataFrame) -> list[str]:
    s = skip_checks(skip)
    lines = [
        "U-Net-style networks against l(n, 2L) and plain FC of depth 2LD:",
        "",
        "| join | n | L | D | M | P(alive) | living fraction | l(n, 2L) | P_FC | disabled |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in s.itertuples():
        lines.append(
            f"| {r.join} | {r.n} | {r.chunk} | {r.levels} | {r.data_points} | {r.p_alive:.3f} | "
            f"{r.living_fraction:.3f} | {r.shortest_path_bound:.3f} | {r.p_alive_fc:.3f} | "
            f"{r.disabled_networks} |"
        )
    return lines


def _leaky_lines(leaky: pd.DataFrame) -> list[str]:
    depth = int(leaky.k.max())
    rows = leaky[leaky.k.isin({depth // 4, depth})]
    lines = [
        "Leaky ReLU: P(some point never weak) against l(n, k):",
        "",
        "| n | slope | M | k | P | never-weak fraction | l(n, k) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows.itertuples():
        lines.append(
            f"| {r.n} | {r.slope:g} | {r.data_points} | {r.k} | {r.p_alive:.3f} | "
            f"{r.living_fraction:.3f} | {r.lower_bound:.3f} |"
        )
    return lines


def variants_markdown(tables: dict[str, pd.DataFrame], claims: pd.DataFrame) -> str:
    """Markdown: each claim's verdict and measurement, then the key numbers per variant."""
    lines = [
        "## Architecture variants (the paper's section 8)",
        "",
        "Verdicts are computed from results/variants/*.parquet (docs/variants.md).",
        "",
    ]
    for row in claims.itertuples():
        lines.append(f"- **{row.claim_id}: {row.verdict}.** {row.claim}. Measured: {row.measured}.")
    sections = (
        ("conv", _conv_lines),
        ("residual", _residual_lines),
        ("skip", _skip_lines),
        ("leaky", _leaky_lines),
    )
    for name, draw in sections:
        if name in tables:
            lines += ["", *draw(tables[name])]
    return "\n".join(lines) + "\n"
