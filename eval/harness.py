"""One evaluation run: a system's predictions on a dataset, scored and aggregated.

    from summarise.eval import evaluate, load_dataset, make_system
    result = evaluate(load_dataset(Path("en-news.dev.jsonl")), make_system("lead-3"),
                      {"medium": 60})
    result.aggregate["overall"]["rouge1_f"]["mean"]
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import dataclass, field

from .. import __version__
from ..errors import SummariseError, UsageError
from .aggregate import DEFAULT_BOOTSTRAP, Bootstrap, aggregate, breakdown
from .datasets import Dataset
from .metrics import DEFAULT_METRICS, Key, Metric, Sample, build_metrics
from .signature import format_signature, signature_fields
from .systems import Prediction, System


@dataclass
class ScoredUnit:
    """One summary (document × language × length) and its scores."""

    id: str
    lang: str
    length: str
    scores: dict[str, float]

    @property
    def key(self) -> tuple[str, str, str]:
        return self.id, self.lang, self.length

    def to_dict(self) -> dict:
        return {"id": self.id, "lang": self.lang, "length": self.length,
                "scores": {k: round(v, 6) for k, v in self.scores.items()}}


@dataclass
class EvalResult:
    dataset: Dataset
    system: dict
    lengths: dict[str, int]
    signature: str
    signature_fields: dict[str, str]
    keys: list[Key]
    predictions: list[Prediction]
    units: list[ScoredUnit]
    aggregate: dict[str, dict[str, dict]]
    corpus: dict = field(default_factory=dict)
    breakdowns: dict[str, dict[str, dict]] = field(default_factory=dict)  # by --group-by
    missing: list[dict] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    failures: list = field(default_factory=list)  # records the system could not summarise

    def to_dict(self) -> dict:
        return {
            "tool": "summarise", "version": __version__,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "signature": self.signature, "settings": self.signature_fields,
            "dataset": self.dataset.describe(), "system": self.system,
            "lengths": self.lengths,
            "metrics": {k.name: {"label": k.label, "short": k.brief,
                                 "higher_is_better": k.higher_is_better, "unit": k.unit}
                        for k in self.keys},
            "corpus": self.corpus,
            "aggregate": self.aggregate, "breakdowns": self.breakdowns,
            "missing": self.missing, "seconds": self.seconds,
            "documents": [u.to_dict() for u in self.units],
        }


def evaluate(dataset: Dataset, system: System, lengths: dict[str, int],
             metric_names: tuple[str, ...] = DEFAULT_METRICS, stemmer: str = "auto",
             references: str = "first", bootstrap: Bootstrap = DEFAULT_BOOTSTRAP,
             reporter=None, group_by: list[str] | tuple[str, ...] = ()) -> EvalResult:
    """Run ``system`` over ``dataset`` at ``lengths`` ({name: target words}) and score it."""
    metrics = build_metrics(metric_names, stemmer, references)
    started = time.perf_counter()
    progress = reporter.progress(len(dataset.records)) if reporter else nullcontext(
        lambda n=1, label="": None)
    with progress as advance:
        predictions = list(system.predict(dataset.records, lengths, advance))
    produced = time.perf_counter()
    failures = system.failures()
    for failure in failures if reporter else ():
        reporter.failed(failure.describe())
    units, missing, corpus = score_predictions(dataset, predictions, lengths, metrics,
                                               {f.source: f.reason for f in failures})
    if not units and failures:
        raise SummariseError(f"the system failed on every record, so nothing can be scored; "
                             f"the first: {failures[0].describe()}")
    if not units:
        example = f" (the first has id {predictions[0].id!r})" if predictions else ""
        raise UsageError(f"none of the {len(predictions)} prediction(s){example} matches a "
                         f"record of {dataset.path} by id, language and length "
                         f"({', '.join(lengths)}); is it the right dataset?")
    scored = time.perf_counter()
    if reporter and len(units) < len(predictions):
        reporter.warn(f"{len(predictions) - len(units)} prediction(s) match no record of "
                      f"{dataset.name} (by id, language and length) or repeat one, and are "
                      "not scored")
    if reporter and missing:
        reporter.warn(f"{len(missing)} document × length pair(s) have no prediction and are "
                      "left out of the scores (listed under 'missing' in scores.json"
                      + (f"; {len(failures)} record(s) failed, with the reason there)"
                         if failures else ")"))
    keys = [key for metric in metrics for key in metric.keys]
    names = [k.name for k in keys]
    fields = signature_fields(metrics, stemmer, references, bootstrap)
    result = EvalResult(
        dataset=dataset, system=system.describe(), lengths=dict(lengths),
        signature=format_signature(fields), signature_fields=fields, keys=keys,
        predictions=predictions, units=units,
        aggregate=aggregate(units, names, bootstrap, list(lengths)),
        corpus=corpus, missing=missing, failures=failures)
    records = {r.key: r for r in dataset.records}
    result.breakdowns = {name: breakdown(units, records, name, names, bootstrap)
                         for name in group_by}
    result.seconds = {"system": round(produced - started, 3), "scoring": round(
        scored - produced, 3), "aggregation": round(time.perf_counter() - scored, 3)}
    return result


def score_predictions(dataset: Dataset, predictions: list[Prediction],
                      lengths: dict[str, int], metrics: list[Metric],
                      failed: dict[str, str] | None = None,
                      ) -> tuple[list[ScoredUnit], list[dict], dict]:
    """Score each prediction against its record; list the record × length pairs lacking
    one (with the reason, for a record in ``failed``: id -> why the system could not
    summarise it); and the corpus-level figures (overall and per language/length group)."""
    failed = failed or {}
    records = {record.key: record for record in dataset.records}
    scored: list[tuple[Prediction, Sample]] = []
    done: set[tuple[str, str, str]] = set()
    for prediction in predictions:
        record = records.get((prediction.id, prediction.lang))
        if record is None or prediction.key in done or prediction.length not in lengths:
            continue
        done.add(prediction.key)
        scored.append((prediction, Sample(
            hypothesis=prediction.text, references=record.references_for(prediction.length),
            source=record.text, lang=prediction.lang, source_lang=record.lang,
            target_words=lengths[prediction.length],
            reference_langs=record.reference_langs if not record.references_by_length
            else ())))
    per_unit: list[dict[str, float]] = [{} for _ in scored]
    corpus: dict = {}
    samples = [sample for _, sample in scored]
    groups: dict[str, list[int]] = {}
    for i, (prediction, _) in enumerate(scored):
        groups.setdefault(f"{prediction.lang}/{prediction.length}", []).append(i)
    for metric in metrics:
        if metric.corpus and samples:
            documents, overall = metric.score_corpus(samples)
            for scores, more in zip(per_unit, documents, strict=True):
                scores.update(more)
            corpus[metric.key] = overall[metric.key]
            corpus["nrefs"] = overall["nrefs"]
            corpus.setdefault("signatures", {})[metric.key] = overall["signature"]
            for group, members in groups.items() if len(groups) > 1 else ():
                _, figure = metric.score_corpus([samples[i] for i in members])
                corpus.setdefault("groups", {}).setdefault(group, {})[metric.key] = figure[
                    metric.key]
        else:
            for scores, sample in zip(per_unit, samples, strict=True):
                scores.update(metric.score(sample))
    units = [ScoredUnit(p.id, p.lang, p.length, scores)
             for (p, _), scores in zip(scored, per_unit, strict=True)]
    missing = [{"id": r.id, "lang": r.summary_lang, "length": length,
                **({"failure": failed[r.id]} if r.id in failed else {})}
               for r in dataset.records for length in lengths
               if (r.id, r.summary_lang, length) not in done]
    return units, missing, corpus
