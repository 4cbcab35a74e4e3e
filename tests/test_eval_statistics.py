"""Bootstrap intervals and paired significance tests: deterministic, and right on known data."""

from __future__ import annotations

import numpy as np
import pytest
from summarise.eval.aggregate import Bootstrap, aggregate, bootstrap_means
from summarise.eval.harness import ScoredUnit
from summarise.eval.significance import approximate_randomisation, compare_scores, paired_bootstrap


def _scores(seed: int = 0, n: int = 60, columns: int = 3) -> np.ndarray:
    return np.random.default_rng(seed).normal(40, 10, size=(n, columns))


def test_bootstrap_is_deterministic_for_a_seed():
    values = _scores()
    first = bootstrap_means(values, Bootstrap(1000, seed=7))
    again = bootstrap_means(values, Bootstrap(1000, seed=7))
    other = bootstrap_means(values, Bootstrap(1000, seed=8))
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not np.array_equal(first[1], other[1])


def test_bootstrap_interval_brackets_the_mean_and_narrows_with_more_documents():
    small = bootstrap_means(_scores(n=30))
    large = bootstrap_means(_scores(n=600))
    for means, low, high in (small, large):
        assert np.all(low <= means) and np.all(means <= high)
    assert np.all((large[2] - large[1]) < (small[2] - small[1]))
    # 95% CI of a mean of N(40, 10) over 600 documents: about ±0.8
    assert np.all(np.abs((large[2] - large[1]) / 2 - 1.96 * 10 / np.sqrt(600)) < 0.25)


def test_constant_scores_and_single_documents_have_zero_width():
    means, low, high = bootstrap_means(np.full((20, 2), 5.0))
    assert np.array_equal(low, high) and np.all(means == 5.0)
    means, low, high = bootstrap_means(np.array([[3.0, 4.0]]))
    assert list(low) == [3.0, 4.0] and list(high) == [3.0, 4.0]


def test_aggregate_groups_by_language_and_length_in_preset_order():
    units = [ScoredUnit(str(i), lang, length, {"m": float(i)})
             for i, (lang, length) in enumerate([("en", "long"), ("de", "short"),
                                                 ("en", "short"), ("de", "short")])]
    result = aggregate(units, ["m"], Bootstrap(100), lengths=["short", "medium", "long"])
    assert list(result) == ["overall", "de/short", "en/short", "en/long"]
    assert result["overall"]["m"]["mean"] == pytest.approx(1.5)
    assert result["de/short"]["m"] == pytest.approx({"mean": 2.0, "low": 1.0, "high": 3.0,
                                                     "n": 2, "summaries": 2}, abs=1e-9)


def test_known_difference_is_significant_and_no_difference_is_not():
    a = _scores(seed=1, n=100, columns=1)
    better = a + 3.0 + np.random.default_rng(2).normal(0, 1, size=a.shape)
    noise = a + np.random.default_rng(3).normal(0, 1, size=a.shape)
    assert approximate_randomisation(a, better, 2000)[0] < 0.001
    assert approximate_randomisation(a, noise, 2000)[0] > 0.05
    low, high, p = paired_bootstrap(a, better)
    assert low[0] < 3.0 < high[0] and p[0] < 0.01
    assert approximate_randomisation(a, a, 500)[0] == 1.0


def test_p_values_are_deterministic_and_symmetric():
    a, b = _scores(seed=4, n=40, columns=2), _scores(seed=5, n=40, columns=2)
    assert np.array_equal(approximate_randomisation(a, b, 1000, seed=3),
                          approximate_randomisation(a, b, 1000, seed=3))
    assert np.array_equal(approximate_randomisation(a, b, 1000, seed=3),
                          approximate_randomisation(b, a, 1000, seed=3))


@pytest.mark.parametrize("test", ["ar", "bootstrap"])
def test_compare_scores_reports_means_delta_and_p(test):
    a = np.array([[1.0, 10.0], [2.0, 10.0], [3.0, 10.0], [4.0, 10.0]])
    b = a + np.array([1.0, 0.0])
    first, second = compare_scores(a, b, test, Bootstrap(200), trials=200)
    assert (first.mean_a, first.mean_b, first.delta) == pytest.approx((2.5, 3.5, 1.0))
    assert first.low == pytest.approx(1.0) and first.high == pytest.approx(1.0)
    assert second.delta == 0.0 and second.p_value == 1.0
