"""The practice family: comparisons, claims whose verdicts move with the numbers, the summary
table and the figure, on small synthetic grid tables."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from reludeath.claims import CLAIM_COLUMNS
from reludeath.practice.claims import practice_claims
from reludeath.practice.compare import compare_schemes, depth_below, practice_schemes
from reludeath.practice.equivalence import EQUIVALENCE_COLUMNS, equivalence_row
from reludeath.practice.plots import practice_figure
from reludeath.practice.summary import depth_table, practice_markdown
from reludeath.stats import wilson_interval

T = 1000


def cells(scheme, alive, collapsed=None, widths=(2, 4)):
    """Grid rows of `scheme`: alive(n, k) and collapsed(n, k) give network counts; the
    constant ones are the not alive ones (zero biases)."""
    rows = []
    for n in widths:
        for k in range(1, 9):
            a = int(alive(n, k))
            c = int(collapsed(n, k)) if collapsed else T - a
            rows.append({"scheme": scheme, "n": n, "k": k, "networks": T, "alive_networks": a,
                         "collapsed_networks": c, "constant_networks": T - a})  # fmt: skip
    frame = pd.DataFrame(rows)
    for count, prefix in (
        ("alive_networks", "p_alive"),
        ("collapsed_networks", "p_collapsed"),
        ("constant_networks", "p_constant"),
    ):
        low, high = wilson_interval(frame[count], frame["networks"])
        frame[prefix] = frame[count] / T
        frame[f"{prefix}_low"], frame[f"{prefix}_high"] = low, high
    return frame


def decay(rate):
    return lambda n, k: round(T * (1 - rate / n) ** k)


def grid(**schemes):
    return pd.concat([cells(name, *spec) for name, spec in schemes.items()], ignore_index=True)


def verdicts(frame, equivalence=None):
    claims = practice_claims(frame, evidence="grid.parquet", equivalence=equivalence)
    assert list(claims.columns) == list(CLAIM_COLUMNS)
    return dict(zip(claims.claim_id, claims.verdict, strict=True))


def test_practice_schemes_in_order_with_plugins_last():
    assert practice_schemes(["plugin-b-f", "iid", "const_bias", "uniform", "plugin-a-g"]) == [
        "uniform",
        "const_bias",
        "plugin-a-g",
        "plugin-b-f",
    ]


def test_compare_schemes_z():
    frame = grid(iid=(decay(0.5),), uniform=(decay(0.5),))
    same = compare_schemes(frame, "uniform", "iid")
    assert (same["diff"] == 0).all() and (same["z"] == 0).all()
    frame = grid(iid=(lambda n, k: 500,), uniform=(lambda n, k: 600,))
    row = compare_schemes(frame, "uniform", "iid").iloc[0]
    se = np.sqrt(0.6 * 0.4 / T + 0.5 * 0.5 / T)
    assert row["diff"] == pytest.approx(0.1) and row["z"] == pytest.approx(0.1 / se)


def split_arrays(rates, networks=400, depth=6, seed=0):
    """(at_risk, split) of `networks` networks, all at risk, layer j splitting with
    probability rates[j]."""
    rng = np.random.default_rng(seed)
    at_risk = np.ones((networks, depth), bool)
    return at_risk, rng.random((networks, depth)) < np.asarray(rates)[None, :]


def equivalence(results):
    """An equivalence table whose rows have the given {scheme: [result per width]}."""
    rows = []
    for scheme, per_width in results.items():
        for n, result in zip((2, 4), per_width, strict=True):
            rows.append({"scheme": scheme, "reference": "iid", "n": n, "depth": 8,
                         "networks": T, "paired": scheme == "orthogonal", "S": 1.0,
                         "S_ref": 1.0, "delta": 0.0, "delta_low": -0.1, "delta_high": 0.1,
                         "p_deep": 0.5, "margin": 0.2, "result": result})  # fmt: skip
    return pd.DataFrame(rows, columns=list(EQUIVALENCE_COLUMNS))


def test_same_law_holds_and_a_difference_fails():
    frame = grid(
        iid=(decay(0.5),),
        uniform=(decay(0.5),),
        orthogonal=(decay(0.3),),
        torch_default=(lambda n, k: decay(0.5)(n, k) + 8,),  # within noise
    )
    table = equivalence(
        {"uniform": ["equivalent", "equivalent"], "orthogonal": ["equivalent", "different"]}
    )
    got = verdicts(frame, table)
    assert got["practice.uniform_vs_gaussian"] == "holds"
    assert got["practice.torch_default_vs_he"] == "holds"
    assert got["practice.orthogonal_vs_gaussian"] == "partly"
    assert "folk.small_positive_bias" not in got  # const_bias not configured
    table = equivalence(
        {"uniform": ["different", "undetermined"], "orthogonal": ["undetermined"] * 2}
    )
    got = verdicts(frame, table)
    assert got["practice.uniform_vs_gaussian"] == "fails"
    assert got["practice.orthogonal_vs_gaussian"] == "undecided"
    assert verdicts(frame)["practice.uniform_vs_gaussian"] == "undecided"  # no table


def test_torch_default_fails_on_a_real_difference_and_states_its_power():
    frame = grid(iid=(decay(0.5),), torch_default=(decay(0.3),))
    claims = practice_claims(frame, evidence="grid.parquet").set_index("claim_id")
    row = claims.loc["practice.torch_default_vs_he"]
    assert row["verdict"] == "fails"
    assert "Holm-corrected" in row["measured"] and "power:" in row["measured"]


def test_equivalence_paired_identical_networks_is_exactly_zero():
    arrays = split_arrays([0.9, 0.5, 0.3, 0.2, 0.1, 0.05])
    row = equivalence_row("orthogonal", "iid", 4, arrays, arrays, seed=1, replicates=200)
    assert row["paired"] and row["delta"] == row["delta_low"] == row["delta_high"] == 0
    assert row["result"] == "equivalent"
    c = np.prod(1 + arrays[1].mean(axis=0) / 15)
    assert row["margin"] == pytest.approx(0.01 * 15 / ((15 / 16) ** 6 * c))


def test_equivalence_unpaired_same_law_is_equivalent_and_a_shift_is_different():
    rates = [0.9, 0.5, 0.3, 0.2, 0.1, 0.05]
    base = split_arrays(rates, seed=1)
    same = equivalence_row("uniform", "iid", 6, split_arrays(rates, seed=2), base, seed=3)
    assert not same["paired"] and same["result"] == "equivalent"
    assert same["delta_low"] < 0 < same["delta_high"]
    # n = 2: margin 0.01 * 3 / P(2, 6) ~ 0.17; doubling the late split rates moves S by ~0.7
    shifted = split_arrays([0.9, 0.5, 0.6, 0.4, 0.2, 0.1], seed=2)
    far = equivalence_row("uniform", "iid", 2, shifted, base, seed=3)
    assert far["result"] == "different" and far["delta_low"] > far["margin"]


def test_equivalence_paired_needs_the_same_networks():
    with pytest.raises(ValueError, match="same networks"):
        equivalence_row("orthogonal", "iid", 4, split_arrays([0.5], 10), split_arrays([0.5]), 0)


@pytest.mark.parametrize(
    "alive, verdict",
    [
        (lambda n, k: T - k, "holds"),  # far more alive, >= 0.9 at the deepest layer
        (decay(0.3), "partly"),  # more alive, but networks still die
        (decay(0.5), "fails"),  # no measurable difference
        (decay(0.8), "fails"),  # worse
    ],
)
def test_folk_verdict_moves_with_the_numbers(alive, verdict):
    frame = grid(iid=(decay(0.5),), const_bias=(alive,))
    assert verdicts(frame)["folk.small_positive_bias"] == verdict


def test_depth_below_and_the_summary_table():
    frame = grid(iid=(decay(0.5),), const_bias=(lambda n, k: T,))
    first = depth_below(frame, 0.5).set_index(["scheme", "n"])["depth"]
    # (1 - 0.5/2)^k < 0.5 first at k = 3; (1 - 0.5/4)^k at k = 6.
    assert first[("iid", 2)] == 3 and first[("iid", 4)] == 6
    assert np.isnan(first[("const_bias", 2)])
    table = depth_table(frame)
    assert list(table.index) == ["iid", "const_bias"]
    assert table.loc["iid", "n=2"] == "1 / 3"
    assert table.loc["const_bias", "n=4"] == ">8 / >8"
    text = practice_markdown(frame, practice_claims(frame, "grid.parquet"))
    assert text.startswith("## Initializations in practice")
    assert "| `iid` | 1 / 3 |" in text and "`folk.small_positive_bias`: **holds**" in text


def test_practice_figure_has_two_rows_per_width():
    frame = grid(iid=(decay(0.5),), iid_bias=(decay(0.4),), orthogonal=(decay(0.45),),
                 **{"plugin-x-draw": (decay(0.5),)})  # fmt: skip
    figure = practice_figure(frame)
    assert isinstance(figure, Figure)
    assert len(figure.axes) == 4  # widths 2 and 4 of (2, 4, 8, 15), two rows
    labels = [t.get_text() for t in figure.axes[1].get_legend().get_texts()]
    assert labels == ["IID", "He + bias", "orthogonal", "plugin-x-draw"]


def test_folk_fails_when_the_bias_makes_outputs_near_constant():
    """More alive, never more born dead, but near-constant (spread <= 1e-5) more often than He:
    the bias hurts on the near-constant criterion, so the folk advice fails."""
    frame = grid(iid=(decay(0.5),), const_bias=(lambda n, k: T - k, lambda n, k: T))
    claims = practice_claims(frame, evidence="grid.parquet").set_index("claim_id")
    folk = claims.loc["folk.small_positive_bias"]
    assert folk["verdict"] == "fails"
    assert "fewer near-constant (output spread <= 1e-5) in 0, more in 16" in folk["measured"]
