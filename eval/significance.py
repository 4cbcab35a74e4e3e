"""Is system B really better than A on these documents?  Paired significance tests.

Both tests pair the two systems' scores per document and ask how often chance alone
would give a mean difference at least as large as the one observed:

* approximate randomisation (Noreen 1989; Riezler & Maxwell 2005): swap the two systems'
  scores of each document at random;
* paired bootstrap (Koehn 2004; Berg-Kirkpatrick et al. 2012): resample documents and
  centre the resampled differences on zero.

p-values are two-sided with the +1 correction, so they are never exactly 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .aggregate import DEFAULT_BOOTSTRAP, Bootstrap, resample_weights

TESTS = ("ar", "bootstrap")
TRIALS = 10000
_CHUNK = 1000  # trials per matrix product, to bound memory on large sets


@dataclass(frozen=True)
class Paired:
    """One metric, two systems: their means, the difference, its CI and p-value."""

    mean_a: float
    mean_b: float
    delta: float  # b - a
    low: float
    high: float
    p_value: float

    def to_dict(self) -> dict:
        return {"a": self.mean_a, "b": self.mean_b, "delta": self.delta,
                "delta_ci": [self.low, self.high], "p_value": self.p_value}


def approximate_randomisation(a: np.ndarray, b: np.ndarray, trials: int = TRIALS,
                              seed: int = 12345) -> np.ndarray:
    """p-value per column of the paired score matrices ``a`` and ``b`` (documents × metrics)."""
    diffs = np.asarray(b, float) - np.asarray(a, float)
    n = diffs.shape[0]
    observed = np.abs(diffs.mean(axis=0))
    rng = np.random.default_rng(seed)
    extreme = np.zeros(diffs.shape[1])
    for start in range(0, trials, _CHUNK):
        size = min(_CHUNK, trials - start)
        signs = rng.choice(np.array([-1.0, 1.0]), size=(size, n))
        permuted = np.abs(signs @ diffs / n)
        extreme += (permuted >= observed - 1e-12).sum(axis=0)
    return (extreme + 1) / (trials + 1)


def paired_bootstrap(a: np.ndarray, b: np.ndarray, bootstrap: Bootstrap = DEFAULT_BOOTSTRAP
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower and upper CI of the mean difference b - a, and a bootstrap p-value, per column."""
    diffs = np.asarray(b, float) - np.asarray(a, float)
    n = diffs.shape[0]
    observed = diffs.mean(axis=0)
    if n < 2:
        return observed.copy(), observed.copy(), np.ones_like(observed)
    sampled = resample_weights(n, bootstrap.resamples, bootstrap.seed) @ diffs / n
    tail = 100 * (1 - bootstrap.confidence) / 2
    low, high = np.percentile(sampled, [tail, 100 - tail], axis=0)
    extreme = (np.abs(sampled - observed) >= np.abs(observed) - 1e-12).sum(axis=0)
    return low, high, (extreme + 1) / (bootstrap.resamples + 1)


def compare_scores(a: np.ndarray, b: np.ndarray, test: str = "ar",
                   bootstrap: Bootstrap = DEFAULT_BOOTSTRAP, trials: int = TRIALS) -> list[Paired]:
    """Every column of ``a`` against ``b``: means, delta, bootstrap CI of delta, p-value."""
    if test not in TESTS:
        raise ValueError(f"unknown test {test!r}; choose from {', '.join(TESTS)}")
    a, b = np.asarray(a, float), np.asarray(b, float)
    low, high, p_boot = paired_bootstrap(a, b, bootstrap)
    p = approximate_randomisation(a, b, trials, bootstrap.seed) if test == "ar" else p_boot
    mean_a, mean_b = a.mean(axis=0), b.mean(axis=0)
    return [Paired(float(mean_a[i]), float(mean_b[i]), float(mean_b[i] - mean_a[i]),
                   float(low[i]), float(high[i]), float(p[i])) for i in range(a.shape[1])]
