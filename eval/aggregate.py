"""The aggregator: per-document scores -> means with bootstrap confidence intervals.

Intervals are percentile bootstrap intervals over documents (Efron & Tibshirani): the
documents are resampled with replacement ``resamples`` times from a fixed seed, and the
same resamples serve every metric, so a run always reports the same interval.
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
    """Mean, lower and upper CI bound of each column of ``values`` (documents × metrics)."""
    values = np.asarray(values, dtype=float)
    n = values.shape[0]
    means = values.mean(axis=0)
    if n < 2 or bootstrap.resamples < 1:
        return means, means.copy(), means.copy()
    sampled = resample_weights(n, bootstrap.resamples, bootstrap.seed) @ values / n
    tail = 100 * (1 - bootstrap.confidence) / 2
    low, high = np.percentile(sampled, [tail, 100 - tail], axis=0)
    return means, low, high


def summarise_rows(rows: Sequence[dict[str, float]], keys: Sequence[str],
                   bootstrap: Bootstrap = DEFAULT_BOOTSTRAP) -> dict[str, dict]:
    """``{key: {mean, low, high, n}}`` over ``rows`` (each a dict of scores)."""
    if not rows:
        return {}
    values = np.array([[row[k] for k in keys] for row in rows], dtype=float)
    means, low, high = bootstrap_means(values, bootstrap)
    return {k: {"mean": float(means[i]), "low": float(low[i]), "high": float(high[i]),
                "n": len(rows)} for i, k in enumerate(keys)}


def aggregate(units: Sequence, keys: Sequence[str], bootstrap: Bootstrap = DEFAULT_BOOTSTRAP,
              lengths: Sequence[str] = ()) -> dict[str, dict[str, dict]]:
    """Per ``lang/length`` group and ``overall``; ``units`` have .lang, .length, .scores.

    Groups come by language, then in the order of ``lengths`` (short before long).
    """
    groups: dict[tuple[str, str], list[dict[str, float]]] = {}
    for unit in units:
        groups.setdefault((unit.lang, unit.length), []).append(unit.scores)
    order = {name: i for i, name in enumerate(lengths)}
    result = {"overall": summarise_rows([u.scores for u in units], keys, bootstrap)}
    for lang, length in sorted(groups, key=lambda g: (g[0], order.get(g[1], len(order)), g[1])):
        result[f"{lang}/{length}"] = summarise_rows(groups[lang, length], keys, bootstrap)
    return result


ID_PREFIX = "id-prefix"


def group_value(record, field: str) -> str:
    """A record's group under ``--group-by field``."""
    if field == ID_PREFIX:
        return record.id.split("-", 1)[0]
    return record.fields.get(field, "(none)")


def breakdown(units: Sequence, records: dict, field: str, keys: Sequence[str],
              bootstrap: Bootstrap = DEFAULT_BOOTSTRAP) -> dict[str, dict[str, dict]]:
    """``{group value: {key: {mean, low, high, n}}}`` with ``records`` by (id, lang)."""
    groups: dict[str, list[dict[str, float]]] = {}
    for unit in units:
        value = group_value(records[(unit.id, unit.lang)], field)
        groups.setdefault(value, []).append(unit.scores)
    return {value: summarise_rows(rows, keys, bootstrap) for value, rows in sorted(
        groups.items())}
