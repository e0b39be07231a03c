"""The errata's measurements (reludeath.errata.measure) and their claims: Lemma 5.7's
corrected form holds and the printed one does not, sign flipping moves the marginals at
small widths, and the conditional-variance step fails on a known counterexample."""

import numpy as np
import pytest

from reludeath import ShardSpec, simulate_shard
from reludeath.errata.claims import (
    SIGMAS,
    conditional_variance_step,
    lemma_5_7,
    signflip_marginals,
)
from reludeath.errata.measure import (
    _conditional_row,
    _draw,
    _lemma_row,
    errata_tables,
    forward_layers,
)

SEED = 20190813


@pytest.fixture(scope="module")
def tables():
    return errata_tables([2, 4], depth=4, networks=400, points=128, seed=SEED)


def test_corrected_lemma_holds_and_printed_does_not(tables):
    """At layers >= 2: the corrected form within SIGMAS SE in every cell, the printed form
    excluded in some (both schemes)."""
    rows = tables["lemma_5_7"]
    deep = rows[rows.layer >= 2]
    assert set(deep.scheme) == {"iid", "iid_bias"} and len(deep) == 12
    assert (deep.z_corrected.abs() <= SIGMAS).all()
    for _, g in deep.groupby("scheme"):
        assert (g.z_printed.abs() > SIGMAS).any()
    claim = lemma_5_7(rows)
    assert claim.verdict == "fails" and "corrected" in claim.measured
    # Judged on the corrected side as if printed, it would hold: the verdict follows the data.
    as_printed = rows.assign(z_printed=rows.z_corrected)
    assert lemma_5_7(as_printed).verdict == "holds"


def test_lemma_sides_are_the_moments():
    """One network by hand: the three sides from the definitions."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 3, 50))
    w = rng.standard_normal((1, 2, 3, 3))
    _, (h2, z2, _, _) = forward_layers(x, w, np.zeros((1, 0, 3)), False)
    f = np.maximum(z2[0], 0)
    g = (h2[0] ** 2).sum(axis=0).mean()
    expected = (f.var(axis=1) / g).mean()
    row = _lemma_row(np.repeat(h2, 2, 0), np.repeat(z2, 2, 0), (1.0, 0.0))
    np.testing.assert_allclose(row["measured"], expected)
    printed = ((z2[0].var(axis=1) / 2 - f.mean(axis=1) ** 2) / g).mean()
    np.testing.assert_allclose(row["printed"], printed)


@pytest.mark.parametrize("n", [1, 3])
def test_signflip_forward_matches_the_kernel(n):
    spec = ShardSpec("signflip", n, 12, 100, 64, seed=SEED)
    kernel = simulate_shard(spec).column("alive_points").to_numpy().reshape(100, 12)
    arrays, _ = _draw("signflip", n, 12, 100, 64, SEED, {})
    alive = np.stack([a.sum(axis=1) for _, _, a, _ in forward_layers(*arrays, True)], axis=1)
    np.testing.assert_array_equal(alive[:, 1:], kernel[:, :-1])


def test_signflip_marginals_fail_at_small_widths():
    table = errata_tables([1, 2, 8], depth=6, networks=300, points=64, seed=SEED)
    marginals = table["signflip_marginals"].set_index("n")
    assert marginals.at[1, "p_positive"] == 1.0  # flipping is what makes w > 0 at n = 1
    assert marginals.at[2, "p_positive"] - 0.5 > SIGMAS * marginals.at[2, "p_positive_se"]
    assert abs(marginals.at[8, "p_positive"] - 0.5) < SIGMAS * marginals.at[8, "p_positive_se"]
    claim = signflip_marginals(table["signflip_marginals"])
    assert claim.verdict == "fails" and "n = [1, 2]" in claim.measured
    wide = table["signflip_marginals"][lambda t: t.n == 8]
    assert signflip_marginals(wide).verdict == "holds"


def test_conditional_variance_counterexample():
    """X = -0.001 w.p. 0.98, 1 or 100 w.p. 0.01 each: Var(X | X > 0) > Var(X)."""
    z = np.full((1, 2, 100), -0.001)
    z[0, 0, :2] = (1.0, 100.0)
    z[0, 1] = np.linspace(-1, 1, 100)  # symmetric: conditioning shrinks the variance
    row = _conditional_row(z, np.ones((1, 100), bool))
    values = np.r_[np.full(98, -0.001), 1.0, 100.0]
    expected = 49.5**2 / values.var()  # Var(X | X > 0) = 2450.25 against Var(X) = 98.99
    assert row == {"units": 2, "violations": 1, "worst_ratio": pytest.approx(expected)}
    # dead points are left out: with the two positives dead, the first unit has none
    alive = np.ones((1, 100), bool)
    alive[0, :2] = False
    assert _conditional_row(z, alive)["violations"] == 0


def test_conditional_variance_claim(tables):
    table = tables["conditional_variance"]
    claim = conditional_variance_step(table)
    assert claim.verdict == ("fails" if table.violations.sum() else "holds")
    assert conditional_variance_step(table.assign(violations=0)).verdict == "holds"
