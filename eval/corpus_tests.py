"""Corpus chrF++ and BLEU in ``compare``, tested by sacreBLEU's own paired tests.

A corpus score is not a mean of documents, so it cannot go through the document-level
tests of ``significance.py``.  It is handed to sacreBLEU's ``PairedTest`` (paired
bootstrap, Koehn 2004, or approximate randomisation, Riezler & Maxwell 2005), with the
CLI's trial counts and seed, so a p-value here is the one ``sacrebleu REF -i A B
--paired-bs`` (or ``--paired-ar``) prints for the same texts.

sacreBLEU resamples lines; one line is one summary.  Each language × length group is
therefore its own corpus and its own test (the files one would give the CLI), and with
several groups the p-values are also given Holm-corrected (Holm 1979) across the groups
of each metric, so "some length differs" keeps a 5 % family-wise error rate.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from .metrics.chrf import SacreMetric

SACRE_TESTS = {"ar": "ar", "bootstrap": "bs"}
Unit = tuple[str, str, str]  # id, lang, length


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the order given."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted = [0.0] * len(p_values)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


@contextmanager
def _sacrebleu_seed(seed: int) -> Iterator[None]:
    """sacreBLEU reads its seed from SACREBLEU_SEED (default 12345, as our --seed)."""
    before = os.environ.get("SACREBLEU_SEED")
    os.environ["SACREBLEU_SEED"] = str(seed)
    try:
        yield
    finally:
        if before is None:
            del os.environ["SACREBLEU_SEED"]
        else:
            os.environ["SACREBLEU_SEED"] = before


def reference_streams(references: list[tuple[str, ...]]) -> list[list[str | None]]:
    """Per reference position one stream, ``None`` where a summary has fewer references:
    the layout sacreBLEU expects (and the same as the eval's corpus scores)."""
    width = max(len(refs) for refs in references)
    return [[refs[i] if i < len(refs) else None for refs in references] for i in range(width)]


def group_test(metric: SacreMetric, hypotheses_a: list[str], hypotheses_b: list[str],
               references: list[tuple[str, ...]], test: str, samples: int, seed: int) -> dict:
    """One corpus, one metric: both corpus scores and sacreBLEU's paired p-value."""
    from sacrebleu.significance import PairedTest

    with _sacrebleu_seed(seed):
        paired = PairedTest([("A", hypotheses_a), ("B", hypotheses_b)],
                            {metric.key: metric.corpus_metric()},
                            references=reference_streams(references),
                            test_type=SACRE_TESTS[test], n_samples=samples)
        signatures, scores = paired()
    [(name, (result_a, result_b))] = [(k, v) for k, v in scores.items() if k != "System"]
    return {"a": result_a.score, "b": result_b.score, "delta": result_b.score - result_a.score,
            "p_value": result_b.p_value, "signature": signatures[name].format(short=False)}


def corpus_comparison(metrics: list[SacreMetric], units: list[Unit],
                      hypotheses_a: dict[Unit, str], hypotheses_b: dict[Unit, str],
                      references: dict[Unit, tuple[str, ...]], test: str, samples: int,
                      seed: int, order: Sequence[str] = ()) -> dict:
    """``{group: {metric key: {a, b, delta, p_value, p_holm, summaries, signature}}}``,
    one group per language/length of ``units``, in the order of ``order`` (the run's
    groups: short before long) where it names them."""
    groups: dict[str, list[Unit]] = {}
    for unit in units:
        groups.setdefault(f"{unit[1]}/{unit[2]}", []).append(unit)
    rank = {group: i for i, group in enumerate(order)}
    groups = dict(sorted(groups.items(), key=lambda g: (rank.get(g[0], len(rank)), g[0])))
    result: dict[str, dict] = {group: {} for group in groups}
    for metric in metrics:
        for group, members in groups.items():
            figure = group_test(metric, [hypotheses_a[u] for u in members],
                                [hypotheses_b[u] for u in members],
                                [references[u] for u in members], test, samples, seed)
            result[group][metric.key] = {**figure, "summaries": len(members)}
        adjusted = holm([result[g][metric.key]["p_value"] for g in groups])
        for group, p in zip(groups, adjusted, strict=True):
            result[group][metric.key]["p_holm"] = p
    return result
