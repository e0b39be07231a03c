"""The practice family: comparisons, claims whose verdicts move with the numbers, the summary
table and the figure, on small synthetic grid tables."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from reludeath.claims import CLAIM_COLUMNS
from reludeath.practice.claims import practice_claims
from reludeath.practice.compare import compare_schemes, depth_below, practice_schemes
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


def verdicts(frame):
    claims = practice_claims(frame, evidence="grid.parquet")
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


def test_same_law_holds_and_a_difference_fails():
    frame = grid(
        iid=(decay(0.5),),
        uniform=(decay(0.5),),
        orthogonal=(decay(0.3),),
        torch_default=(lambda n, k: decay(0.5)(n, k) + 8,),  # within noise
    )
    got = verdicts(frame)
    assert got["practice.uniform_vs_gaussian"] == "holds"
    assert got["practice.torch_default_vs_he"] == "holds"
    assert got["practice.orthogonal_vs_gaussian"] == "fails"
    assert "folk.small_positive_bias" not in got  # const_bias not configured


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
