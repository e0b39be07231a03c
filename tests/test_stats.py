"""The bootstrap's resampling weights (reludeath.stats.bootstrap_counts): each row is one
draw of `units` units with replacement, so Multinomial(units, 1/units)."""

from __future__ import annotations

import numpy as np

from reludeath.stats import bootstrap_counts


def test_each_row_draws_every_unit_with_replacement():
    counts = bootstrap_counts(np.random.default_rng(1), 16, 500)
    assert counts.shape == (500, 16) and counts.dtype == float
    assert np.all(counts.sum(axis=1) == 16) and np.all(counts >= 0)
    assert np.all(counts == np.round(counts))


def test_counts_have_the_multinomial_moments():
    """Mean 1, variance 1 - 1/T, covariance -1/T between units; 5 SE, R = 40000."""
    T, R = 8, 40_000
    counts = bootstrap_counts(np.random.default_rng(2), T, R)
    mean_se = np.sqrt((1 - 1 / T) / R)
    np.testing.assert_array_less(np.abs(counts.mean(axis=0) - 1), 5 * mean_se)
    centred = counts - 1
    # Binomial(T, p = 1/T): var = T p (1 - p), E d^4 = var (1 + 3 (T - 2) p (1 - p)).
    var = 1 - 1 / T
    fourth = var * (1 + 3 * (T - 2) / T * (1 - 1 / T))
    var_se = np.sqrt((fourth - var**2) / R)
    np.testing.assert_array_less(np.abs((centred**2).mean(axis=0) - var), 5 * var_se)
    cov = (centred[:, 0] * centred[:, 1]).mean()
    assert abs(cov + 1 / T) < 5 * np.sqrt(var * var / R)


def test_same_generator_same_counts_and_rows_differ():
    a = bootstrap_counts(np.random.default_rng(3), 1024, 4)
    b = bootstrap_counts(np.random.default_rng(3), 1024, 4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a[0], a[1])
