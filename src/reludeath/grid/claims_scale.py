"""lu.rai_scale_control: is RAI's near-constant depth due to its asymmetry or to its scale?

Three schemes on output_spread <= tau (results/aggregate/near_constant.parquet for rai and
iid_bias, the control's table for rai_he), at the control widths: rai_he against iid_bias
(the asymmetric draw at He's scale: the asymmetry's effect) and rai against rai_he (the same
random numbers at two scales: the scale's effect). Per tau and depth, pooled over the widths,
two-proportion z-tests, Holm-corrected at 95% over every test of the claim.
"""

from __future__ import annotations

import pandas as pd

from reludeath.claims import Claim, judge
from reludeath.grid.claims import _compare, _depths, _holm_signs, _ranges
from reludeath.grid.constancy import half_depths
from reludeath.grid.scale import CONTROL, MOMENTS, RAI_SIGMA, he_criterion_sigma
from reludeath.stats import wilson_interval

__all__ = ["rai_scale_control"]

_COUNT = "near_constant_networks"


def _halves(frame: pd.DataFrame) -> str:
    low, high = wilson_interval(frame[_COUNT], frame["networks"])
    share = frame.assign(p=frame[_COUNT] / frame["networks"], p_low=low, p_high=high)
    half = half_depths(share, "p")
    depth = int(frame["k"].max())
    return ", ".join(
        f"{int(r.n)}: {int(r.k_half) if r.k_half == r.k_half else f'> {depth}'}"
        for r in half.itertuples()
    )


def rai_scale_control(
    near_constant: pd.DataFrame,
    control: pd.DataFrame,
    moments: pd.DataFrame,
    mean_field: tuple[float, float] | None = None,
) -> Claim:
    """Holds when the asymmetric draw at He's scale (rai_he) is near-constant less often than
    iid_bias at some (tau, depth) and never more, and RAI's own scale does not make rai
    near-constant more often than rai_he; partly when both the asymmetry helps and the scale
    hurts; fails when at He's scale the asymmetry never helps (or hurts). `mean_field`:
    (RAI's infinite-width ratio, the sigma that preserves it), quoted when given."""
    claim_id = "lu.rai_scale_control"
    claim = (
        "RAI's asymmetric draw (one Beta(2, 1) entry per row of [A | b]), not its scale, is what "
        "keeps its networks from becoming near-constant (output std / RMS <= tau)"
    )
    source = "Lu et al., abstract and introduction (RAI); issue 30 section 5 (the control)"
    widths = sorted(set(control["n"]))
    grid = near_constant[near_constant["n"].isin(widths)]
    rai, he = grid[grid["scheme"] == "rai"], grid[grid["scheme"] == "iid_bias"]
    if rai.empty or he.empty or control.empty:
        return Claim(claim_id, source, claim, "rai, iid_bias or the control not run",
                     judge(None), CONTROL)  # fmt: skip
    depth = int(control["k"].max())
    depths = _depths(depth)
    taus = sorted(set(control["tau"]) & set(grid["tau"]), reverse=True)
    families = []
    for tau in taus:
        r, h, c = (f[f["tau"] == tau] for f in (rai, he, control))
        families.append((tau, "asymmetry", _compare(c, h, _COUNT, depths)))
        families.append((tau, "scale", _compare(r, c, _COUNT, depths)))
    less, more = _holm_signs([t[3] for _, _, tests in families for t in tests])
    offset, found = 0, {"asymmetry": ([], []), "scale": ([], [])}
    texts = []
    for tau, effect, tests in families:
        span = slice(offset, offset + len(tests))
        offset += len(tests)
        lo = [t[0] for t, m in zip(tests, less[span], strict=True) if m]
        hi = [t[0] for t, m in zip(tests, more[span], strict=True) if m]
        found[effect][0].extend(lo)
        found[effect][1].extend(hi)
        pair = "rai_he vs iid_bias" if effect == "asymmetry" else "rai vs rai_he"
        shares = "; ".join(f"k={d}: {p1:.3f} vs {p2:.3f}" for d, p1, p2, _ in tests)
        texts.append(
            f"tau = {tau:g}, {pair} ({effect}): {shares}; less at k = {_ranges(lo) or 'none'}, "
            f"more at k = {_ranges(hi) or 'none'}"
        )
    for tau in taus:
        parts = []
        for name, frame in (("rai", rai), ("rai_he", control), ("iid_bias", he)):
            parts.append(f"{name} {{{_halves(frame[frame['tau'] == tau])}}}")
        texts.append(f"k_half by n at tau = {tau:g}: " + ", ".join(parts))
    asym_less, asym_more = found["asymmetry"]
    scale_hurts = bool(found["scale"][1])
    helps = bool(asym_less) and not asym_more
    verdict = judge(helps, partly=helps and scale_hurts)
    m = moments.set_index(["scheme", "n"])
    ratio = "; ".join(
        f"{s} {{"
        + ", ".join(
            f"{n}: {m.at[(s, n), 'ratio']:.3f} [{m.at[(s, n), 'ratio_low']:.3f}, "
            f"{m.at[(s, n), 'ratio_high']:.3f}]"
            for n in widths
            if (s, n) in m.index
        )
        + "}"
        for s in ("rai", "rai_he", "iid_bias")
    )
    he_sigma = min(he_criterion_sigma(n, n) for n in widths)
    field = (
        f", and the infinite-width recursion preserves it at sigma = {mean_field[1]:.3f} "
        f"(ratio {mean_field[0]:.3f} at {RAI_SIGMA})"
        if mean_field
        else ""
    )
    texts.insert(
        0,
        f"control rai_he: RAI's draw with the symmetric entries at He's 2/n (the same random "
        f"numbers as rai) at n = {_ranges(widths)}, k <= {depth}; second-moment ratio per layer "
        f"(biases dropped, {MOMENTS}): {ratio}; sigma = {RAI_SIGMA} meets no second-moment "
        f"criterion (He's with fan-in n or n + 1 needs sigma >= {he_sigma:.3f} here{field}); "
        f"{offset} tests (pooled over widths, per tau and depth), two-sided, Holm-corrected at "
        "95% within the claim",
    )
    return Claim(claim_id, source, claim, ". ".join(texts), verdict, CONTROL)
