"""The section 8 claims, judged from the variants' tables (rows of the claims ledger).

Statistical checks use Z_VIOLATION binomial standard errors. A verdict is computed
from the tables, never typed in; a claim whose table is absent (variant disabled)
is left out.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from reludeath.claims import Claim, claims_table, judge
from reludeath.variants.common import late_hazard

__all__ = [
    "Z_VIOLATION",
    "conv_hazards",
    "conv_violations",
    "leaky_checks",
    "residual_checks",
    "skip_checks",
    "variant_claims",
]

Z_VIOLATION = 5.0  # a bound or an exact value is rejected beyond this many standard errors

_CONV_KEYS = ["dims", "channels", "kernel", "size", "images"]


def _se(p: np.ndarray | float, trials: np.ndarray | float) -> np.ndarray:
    p = np.asarray(p, float)
    return np.sqrt(np.clip(p * (1 - p), 0, None) / np.asarray(trials, float))


def _excess(value, reference, trials) -> np.ndarray:
    """(value - reference) in binomial standard errors of `reference` (at least 1/trials)."""
    se = np.maximum(_se(reference, trials), 1.0 / np.asarray(trials, float))
    return (np.asarray(value, float) - np.asarray(reference, float)) / se


def conv_violations(conv: pd.DataFrame) -> dict[str, int]:
    """Rows whose p_alive lies beyond Z_VIOLATION SE below the lower bound or above an upper."""
    return {
        "lower": int((_excess(conv.p_alive, conv.lower_bound, conv.networks) < -Z_VIOLATION).sum()),
        "printed": int(
            (_excess(conv.p_alive, conv.upper_bound_printed, conv.networks) > Z_VIOLATION).sum()
        ),
        "derived": int(
            (_excess(conv.p_alive, conv.upper_bound_derived, conv.networks) > Z_VIOLATION).sum()
        ),
        "rows": len(conv),
    }


def conv_hazards(conv: pd.DataFrame, late_fraction: float = 0.25) -> pd.DataFrame:
    """Per setting: pooled death rate at layers k > late_fraction * depth against 2^-N
    (binomial z), the mean split rate sigma there (weighted by networks at risk), and whether
    the setting reduces exactly to fully connected networks (size 1 or kernel 1)."""
    rows = []
    for key, part in conv.groupby(_CONV_KEYS, sort=False):
        part = part.sort_values("k")
        depth = int(part.k.max())
        first = max(2, int(late_fraction * depth) + 1)
        alive = part.alive_networks.to_numpy()
        hazard = late_hazard(alive, 2.0 ** -int(key[1]), first)
        at_risk = alive[first - 2 : -1].astype(float)
        sigma = part.sigma.to_numpy()[first - 1 :]
        ok = at_risk > 0
        plateau = float(np.average(sigma[ok], weights=at_risk[ok])) if ok.any() else math.nan
        rows.append(
            {
                **dict(zip(_CONV_KEYS, key, strict=True)),
                "first_layer": first,
                **{f"late_{name}": value for name, value in hazard.items()},
                "sigma_plateau": plateau,
                "reduces_to_fc": key[3] == 1 or key[2] == 1,
            }
        )
    return pd.DataFrame(rows)


def residual_checks(residual: pd.DataFrame) -> dict:
    """R1: blocked fraction against 2^-n (z, conservative: one unit per network and layer);
    p_no_layer_blocked against l(n, k); R2: violations of the lower bound, and P against FC at
    the deepest k."""
    r1 = residual[residual.block == "r1"]
    r2 = residual[residual.block == "r2"]
    out: dict = {}
    if len(r1):
        last = r1[r1.k == r1.k.max()]
        trials = last.networks * last.k
        out["r1_z"] = _excess(last.blocked_fraction, 2.0**-last.n, trials).tolist()
        out["r1_blocked"] = last.blocked_fraction.tolist()
        out["r1_expected"] = (2.0**-last.n).tolist()
        out["r1_points"] = last.data_points.tolist()
        out["r1_below_l"] = int(
            (_excess(r1.p_no_layer_blocked, r1.lower_bound, r1.networks) < -Z_VIOLATION).sum()
        )
    if len(r2):
        out["r2_violations"] = int(
            (_excess(r2.p_alive, r2.lower_bound, r2.networks) < -Z_VIOLATION).sum()
        )
        last = r2[r2.k == r2.k.max()]
        se = np.sqrt(
            _se(last.p_alive, last.networks) ** 2 + _se(last.p_alive_fc, last.networks) ** 2
        )
        out["r2_last"] = last[["n", "alpha", "data_points", "k", "p_alive", "p_alive_fc"]].assign(
            z=(last.p_alive - last.p_alive_fc) / np.maximum(se, 1e-12)
        )
    return out


def skip_checks(skip: pd.DataFrame) -> pd.DataFrame:
    """Per row: the one-point survival (M = 1) or the living fraction (M > 1) against
    l(n, 2L) in conservative binomial SE, the lower bound, and U-Net against FC (z)."""
    one = skip.data_points == 1
    value = np.where(one, skip.p_alive, skip.living_fraction)
    se_fc = np.sqrt(
        _se(skip.p_alive, skip.networks) ** 2 + _se(skip.p_alive_fc, skip.networks) ** 2
    )
    return skip.assign(
        oracle_z=_excess(value, skip.shortest_path_bound, skip.networks),
        bound_z=_excess(skip.p_alive, skip.shortest_path_bound, skip.networks),
        vs_fc_z=(skip.p_alive - skip.p_alive_fc) / np.maximum(se_fc, 1e-12),
    )


def leaky_checks(leaky: pd.DataFrame) -> pd.DataFrame:
    """M = 1 rows: P(never weak) against l(n, k) in binomial SE, per (n, slope)."""
    one = leaky[leaky.data_points == 1]
    z = _excess(one.p_alive, one.lower_bound, one.networks)
    return (
        one.assign(z=z)
        .groupby(["n", "slope"], as_index=False)
        .agg(max_abs_z=("z", lambda s: float(np.abs(s).max())), depth=("k", "max"))
    )


def _fmt(values, digits: int = 1) -> str:
    return ", ".join(f"{v:+.{digits}f}" for v in values)


def variant_claims(tables: dict[str, pd.DataFrame], evidence: dict[str, str]) -> pd.DataFrame:
    """The claims ledger rows of the variants present in `tables`."""
    claims = []
    if "conv" in tables:
        conv = tables["conv"]
        v = conv_violations(conv)
        claims.append(
            Claim(
                "rr.conv_bounds",
                "long §8.1 eq (22); short §7.1 eq (23)",
                "(1 - 2^-N)^k <= P(d, N, m, k) <= (1 - 2^(-N(m^2+1)))^(k-1) for convolutional "
                "networks",
                f"{v['rows']} (setting, k) cells: {v['lower']} below the lower bound, "
                f"{v['printed']} above the printed upper bound, {v['derived']} above the derived "
                f"(1 - 2^(-N^2 m^D))^(k-1), at {Z_VIOLATION:g} SE",
                judge(
                    v["lower"] == 0 and v["derived"] == 0,
                    partly=v["lower"] == 0 and v["derived"] == 0 and v["printed"] > 0,
                ),
                evidence["conv"],
            )
        )
        h = conv_hazards(conv)
        h = h[h.late_at_risk > 0]
        reduced, general = h[h.reduces_to_fc], h[~h.reduces_to_fc]
        consistent_reduced = bool((reduced.late_z.abs() <= Z_VIOLATION).all())
        consistent_general = bool((general.late_z.abs() <= Z_VIOLATION).all())
        decided = len(general) > 0
        claims.append(
            Claim(
                "rr.conv_equally_well",
                "long §8.1",
                "the main results apply equally well to convolutional networks (late hazard "
                "2^-N, P ~ c l_N(k))",
                f"late-layer hazard against 2^-N, z = {_fmt(general.late_z)} for size, kernel "
                f">= 2 (split rate plateau {', '.join(f'{s:.3f}' for s in general.sigma_plateau)}"
                f"); exact reductions (size or kernel 1) z = {_fmt(reduced.late_z)}",
                judge(
                    (consistent_general and consistent_reduced) if decided else None,
                    partly=decided and consistent_reduced and not consistent_general,
                ),
                evidence["conv"],
            )
        )
    if "residual" in tables:
        r = residual_checks(tables["residual"])
        parts, ok = [], True
        if "r1_z" in r:
            parts.append(
                "R1 blocked fraction "
                + ", ".join(
                    f"{b:.4f} (M={m}, 2^-n={e:.4f}, z={z:+.1f})"
                    for b, m, e, z in zip(
                        r["r1_blocked"], r["r1_points"], r["r1_expected"], r["r1_z"], strict=True
                    )
                )
            )
            ok = ok and all(abs(z) <= Z_VIOLATION for z in r["r1_z"]) and r["r1_below_l"] == 0
        if "r2_last" in r:
            last = r["r2_last"]
            parts.append(
                f"R2 below its lower bound in {r['r2_violations']} cells; at k="
                f"{int(last.k.max())}: "
                + ", ".join(
                    f"alpha={a:g} M={m}: P={p:.3f} vs FC {f:.3f} (z={z:+.1f})"
                    for a, m, p, f, z in zip(
                        last.alpha,
                        last.data_points,
                        last.p_alive,
                        last.p_alive_fc,
                        last.z,
                        strict=True,
                    )
                )
            )
            ok = ok and r["r2_violations"] == 0 and bool((last.z > -Z_VIOLATION).all())
        claims.append(
            Claim(
                "rr.residual_no_prevent",
                "long §8.2; short §7.2",
                "residual connections do not prevent neuron death, but prevent a dead layer from "
                "killing later ones",
                "; ".join(parts),
                judge(ok),
                evidence["residual"],
            )
        )
    if "skip" in tables:
        s = skip_checks(tables["skip"])
        oracle = bool((s.oracle_z.abs() <= Z_VIOLATION).all())
        bound = bool((s.bound_z >= -Z_VIOLATION).all())
        many = s[s.data_points > 1]
        deepest = many[many.levels == many.levels.max()] if len(many) else many
        text = (
            f"one-point survival / living fraction against l(n, 2L): max |z| = "
            f"{s.oracle_z.abs().max():.1f} over levels {sorted(set(s.levels))}; "
            + "; ".join(
                f"{row.join} D={row.levels} M={row.data_points}: P={row.p_alive:.3f} vs FC "
                f"{row.p_alive_fc:.3f}"
                for row in many.itertuples()
            )
        )
        claims.append(
            Claim(
                "rr.skip_shortest_path",
                "long §8.2; short §7.2",
                "network death depends on the shortest path; a U-Net with chunk length L "
                "behaves like depth 2L",
                text,
                judge(oracle and bound and bool((deepest.vs_fc_z > -Z_VIOLATION).all())),
                evidence["skip"],
            )
        )
    if "leaky" in tables:
        leaky = tables["leaky"]
        lc = leaky_checks(leaky)
        many = leaky[(leaky.data_points > 1) & (leaky.k == leaky.k.max())]
        text = (
            "M = 1: P(never weak) against l(n, k), max |z| per slope "
            + ", ".join(f"a={a:g}: {z:.1f}" for a, z in zip(lc.slope, lc.max_abs_z, strict=True))
            + "; M > 1 at k="
            + f"{int(leaky.k.max())}: "
            + ", ".join(f"a={row.slope:g}: P={row.p_alive:.3f}" for row in many.itertuples())
        )
        decided = len(lc) > 0
        claims.append(
            Claim(
                "rr.leaky_weak",
                "long §8.3; short §7.3",
                "the theory extends to ReLU variants by replacing dead points with weak ones",
                text if decided else "no setting with M = 1; " + text,
                judge(bool((lc.max_abs_z <= Z_VIOLATION).all()) if decided else None),
                evidence["leaky"],
            )
        )
    return claims_table(claims)
