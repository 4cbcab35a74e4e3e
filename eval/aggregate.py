"""The aggregator: per-summary scores -> means with bootstrap confidence intervals.

Intervals are percentile bootstrap intervals over documents (Efron & Tibshirani): the
documents are resampled with replacement ``resamples`` times from a fixed seed, and the
same resamples serve every metric, so a run always reports the same interval.

The unit of resampling is the document, never the summary: a document scored at two
lengths (or in two languages) contributes two summaries that are not independent
(lead-K writes the same text at every length), so all of a document's summaries are
drawn together (a cluster bootstrap).  A resample's mean is the mean over the summaries
it holds, so with one summary per document this is the plain bootstrap of the mean.
``n`` counts documents; ``summaries`` counts what was averaged.
Groups are language × length (``"de/medium"``) plus ``"overall"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

RESAMPLES = 1000
SEED = 12345
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Bootstrap:
    resamples: int = RESAMPLES
    seed: int = SEED
    confidence: float = CONFIDENCE

    def describe(self) -> str:
        return (f"bootstrap-percentile:{self.resamples}x,seed={self.seed},"
                f"ci={round(100 * self.confidence)}%")


DEFAULT_BOOTSTRAP = Bootstrap()


def resample_weights(n: int, resamples: int, seed: int) -> np.ndarray:
    """How often each of ``n`` documents is drawn in each resample, shape (resamples, n)."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(n, np.full(n, 1.0 / n), size=resamples)


def bootstrap_means(values: np.ndarray, bootstrap: Bootstrap = DEFAULT_BOOTSTRAP
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, lower and upper CI bound of each column of ``values`` (documents × metrics),
    one row per document."""
    values = np.asarray(values, dtype=float)
    return cluster_bootstrap_means(values, [str(i) for i in range(values.shape[0])],
                                   bootstrap)


def document_sums(values: np.ndarray, documents: Sequence[str]
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Per distinct document (in first-seen order): the column sums of its rows of
    ``values`` and how many rows it has."""
    index: dict[str, int] = {}
    rows = np.array([index.setdefault(doc, len(index)) for doc in documents], dtype=int)
    sums = np.zeros((len(index), values.shape[1]))
    np.add.at(sums, rows, values)
    return sums, np.bincount(rows, minlength=len(index)).astype(float)


def cluster_bootstrap_means(values: np.ndarray, documents: Sequence[str],
                            bootstrap: Bootstrap = DEFAULT_BOOTSTRAP
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and CI of each column of ``values`` (summaries × metrics), resampling the
    documents named in ``documents`` (one per row): a document's rows move together."""
    values = np.asarray(values, dtype=float)
    means = values.mean(axis=0)
    sums, counts = document_sums(values, documents)
    if len(counts) < 2 or bootstrap.resamples < 1:
        return means, means.copy(), means.copy()
    weights = resample_weights(len(counts), bootstrap.resamples, bootstrap.seed)
    sampled = (weights @ sums) / (weights @ counts)[:, None]
    tail = 100 * (1 - bootstrap.confidence) / 2
    low, high = np.percentile(sampled, [tail, 100 - tail], axis=0)
    return means, low, high


def summarise_rows(rows: Sequence[dict[str, float]], keys: Sequence[str],
                   bootstrap: Bootstrap = DEFAULT_BOOTSTRAP,
                   documents: Sequence[str] | None = None) -> dict[str, dict]:
    """``{key: {mean, low, high, n, summaries}}`` over ``rows`` (each a dict of scores);
    ``documents`` names each row's document (default: every row its own document)."""
    if not rows:
        return {}
    documents = list(documents) if documents is not None else [str(i) for i in range(
        len(rows))]
    values = np.array([[row[k] for k in keys] for row in rows], dtype=float)
    means, low, high = cluster_bootstrap_means(values, documents, bootstrap)
    n = len(set(documents))
    return {k: {"mean": float(means[i]), "low": float(low[i]), "high": float(high[i]),
                "n": n, "summaries": len(rows)} for i, k in enumerate(keys)}


def summarise_units(units: Sequence, keys: Sequence[str],
                    bootstrap: Bootstrap = DEFAULT_BOOTSTRAP) -> dict[str, dict]:
    """``summarise_rows`` over scored units, each resampled with its document (``.id``)."""
    return summarise_rows([u.scores for u in units], keys, bootstrap, [u.id for u in units])


def aggregate(units: Sequence, keys: Sequence[str], bootstrap: Bootstrap = DEFAULT_BOOTSTRAP,
              lengths: Sequence[str] = ()) -> dict[str, dict[str, dict]]:
    """Per ``lang/length`` group and ``overall``; ``units`` have .lang, .length, .scores.

    Groups come by language, then in the order of ``lengths`` (short before long).
    """
    groups: dict[tuple[str, str], list] = {}
    for unit in units:
        groups.setdefault((unit.lang, unit.length), []).append(unit)
    order = {name: i for i, name in enumerate(lengths)}
    result = {"overall": summarise_units(units, keys, bootstrap)}
    for lang, length in sorted(groups, key=lambda g: (g[0], order.get(g[1], len(order)), g[1])):
        result[f"{lang}/{length}"] = summarise_units(groups[lang, length], keys, bootstrap)
    return result


ID_PREFIX = "id-prefix"


def group_value(record, field: str) -> str:
    """A record's group under ``--group-by field``."""
    if field == ID_PREFIX:
        return record.id.split("-", 1)[0]
    return record.fields.get(field, "(none)")


def breakdown(units: Sequence, records: dict, field: str, keys: Sequence[str],
              bootstrap: Bootstrap = DEFAULT_BOOTSTRAP) -> dict[str, dict[str, dict]]:
    """``{group value: {key: {mean, low, high, n, summaries}}}`` with ``records`` by
    (id, lang); within a group, documents are resampled with all their summaries."""
    groups: dict[str, list] = {}
    for unit in units:
        value = group_value(records[(unit.id, unit.lang)], field)
        groups.setdefault(value, []).append(unit)
    return {value: summarise_units(members, keys, bootstrap) for value, members in sorted(
        groups.items())}
