"""Is system B really better than A on these documents?  Paired significance tests.

Both tests pair the two systems' scores per document and ask how often chance alone
would give a mean difference at least as large as the one observed:

* approximate randomisation (Noreen 1989; Riezler & Maxwell 2005): swap the two systems'
  scores of each document at random;
* paired bootstrap (Koehn 2004; Berg-Kirkpatrick et al. 2012): resample documents and
  centre the resampled differences on zero.

p-values are two-sided with the +1 correction, so they are never exactly 0.

The unit of both tests is the document: when a document has several summaries (lengths,
languages), its differences are summed and the whole document is swapped or drawn at
once, so summaries of one document never count as independent evidence.  With one
summary per document this is the usual test over summaries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .aggregate import DEFAULT_BOOTSTRAP, Bootstrap, document_sums, resample_weights

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


def _paired_sums(a: np.ndarray, b: np.ndarray, documents: Sequence[str] | None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per document the summed differences b - a and its number of summaries, and the
    observed mean difference over summaries."""
    diffs = np.asarray(b, float) - np.asarray(a, float)
    if documents is None:
        documents = [str(i) for i in range(diffs.shape[0])]
    sums, counts = document_sums(diffs, documents)
    return sums, counts, diffs.mean(axis=0)


def approximate_randomisation(a: np.ndarray, b: np.ndarray, trials: int = TRIALS,
                              seed: int = 12345, documents: Sequence[str] | None = None
                              ) -> np.ndarray:
    """p-value per column of the paired score matrices ``a`` and ``b`` (summaries ×
    metrics); ``documents`` names each row's document (default: one row each)."""
    sums, counts, observed = _paired_sums(a, b, documents)
    total = counts.sum()
    observed = np.abs(observed)
    rng = np.random.default_rng(seed)
    extreme = np.zeros(sums.shape[1])
    for start in range(0, trials, _CHUNK):
        size = min(_CHUNK, trials - start)
        signs = rng.choice(np.array([-1.0, 1.0]), size=(size, len(counts)))
        permuted = np.abs(signs @ sums / total)
        extreme += (permuted >= observed - 1e-12).sum(axis=0)
    return (extreme + 1) / (trials + 1)


def paired_bootstrap(a: np.ndarray, b: np.ndarray, bootstrap: Bootstrap = DEFAULT_BOOTSTRAP,
                     documents: Sequence[str] | None = None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower and upper CI of the mean difference b - a, and a bootstrap p-value, per column,
    resampling documents (each with all its rows)."""
    sums, counts, observed = _paired_sums(a, b, documents)
    if len(counts) < 2:
        return observed.copy(), observed.copy(), np.ones_like(observed)
    weights = resample_weights(len(counts), bootstrap.resamples, bootstrap.seed)
    sampled = (weights @ sums) / (weights @ counts)[:, None]
    tail = 100 * (1 - bootstrap.confidence) / 2
    low, high = np.percentile(sampled, [tail, 100 - tail], axis=0)
    extreme = (np.abs(sampled - observed) >= np.abs(observed) - 1e-12).sum(axis=0)
    return low, high, (extreme + 1) / (bootstrap.resamples + 1)


def compare_scores(a: np.ndarray, b: np.ndarray, test: str = "ar",
                   bootstrap: Bootstrap = DEFAULT_BOOTSTRAP, trials: int = TRIALS,
                   documents: Sequence[str] | None = None) -> list[Paired]:
    """Every column of ``a`` against ``b``: means, delta, bootstrap CI of delta, p-value;
    ``documents`` names each row's document, the unit both tests resample."""
    if test not in TESTS:
        raise ValueError(f"unknown test {test!r}; choose from {', '.join(TESTS)}")
    a, b = np.asarray(a, float), np.asarray(b, float)
    low, high, p_boot = paired_bootstrap(a, b, bootstrap, documents)
    p = (approximate_randomisation(a, b, trials, bootstrap.seed, documents) if test == "ar"
         else p_boot)
    mean_a, mean_b = a.mean(axis=0), b.mean(axis=0)
    return [Paired(float(mean_a[i]), float(mean_b[i]), float(mean_b[i] - mean_a[i]),
                   float(low[i]), float(high[i]), float(p[i])) for i in range(a.shape[1])]
