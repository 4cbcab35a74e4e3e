"""What produces the summaries being scored: a model pipeline, a baseline, or a file.

Every system turns dataset records into ``Prediction`` rows, one per record × length,
written in the record's ``summary_lang``.  ``make_system`` reads the ``--system`` name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ..errors import UsageError
from .baselines import lead_summary, textrank_summary
from .datasets import Record, json_objects
from .text import Analyzer

Advance = Callable[..., None]
SYSTEM_HELP = "model (the summarise pipeline), lead-K (first K sentences) or textrank"
_LEAD = re.compile(r"lead-(\d+)$")


@dataclass(frozen=True)
class Prediction:
    id: str
    lang: str  # language of the summary
    length: str
    text: str
    route: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return self.id, self.lang, self.length

    def to_dict(self) -> dict:
        data = asdict(self)
        if not self.route:
            del data["route"]
        return data


class System:
    """Base: a name for the reports and ``predict`` over records and lengths."""

    name = "system"
    copies_source = False  # extractive: its text is in the source's language

    def describe(self) -> dict:
        return {"name": self.name}

    def check(self, records: list[Record]) -> None:
        """Fail early (before the progress bar) when the system cannot run these records."""

    def lengths(self) -> list[str]:
        """Lengths the system's output already carries (a predictions file); none here."""
        return []

    def failures(self) -> list:
        """The records ``predict`` could not summarise (``documents.Failure``, its source
        the record's id); the rest are scored. None here."""
        return []

    def predict(self, records: list[Record], lengths: dict[str, int],
                advance: Advance) -> Iterator[Prediction]:
        raise NotImplementedError


class LeadBaseline(System):
    """The first k sentences.  It has no length target: the same text is filed under
    every length asked, so it can be paired with systems at those lengths."""

    copies_source = True

    def __init__(self, k: int):
        if k < 1:
            raise UsageError("--system lead-K needs K >= 1, e.g. lead-3")
        self.k = k
        self.name = f"lead-{k}"

    def describe(self) -> dict:
        return {"name": self.name, "kind": "baseline", "sentences": self.k,
                "splitter": "summarise.segment.split_sentences"}

    def predict(self, records, lengths, advance):
        for record in records:
            text = lead_summary(record.text, record.lang, self.k)
            for length in lengths:
                yield Prediction(record.id, record.summary_lang, length, text, "extract")
            advance(1, record.id)


class TextRankBaseline(System):
    """LexRank-style centrality ranking; takes sentences up to each length's word target."""

    name = "textrank"
    copies_source = True

    def __init__(self, stemmer: str = "auto"):
        self.stemmer = stemmer
        self._analyzers: dict[str, Analyzer] = {}

    def describe(self) -> dict:
        return {"name": self.name, "kind": "baseline", "graph": "tf-idf cosine, PageRank 0.85",
                "splitter": "summarise.segment.split_sentences"}

    def predict(self, records, lengths, advance):
        for record in records:
            analyzer = self._analyzers.setdefault(
                record.lang, Analyzer.for_lang(record.lang, self.stemmer))
            for length, words in lengths.items():
                text = textrank_summary(record.text, record.lang, words, analyzer)
                yield Prediction(record.id, record.summary_lang, length, text, "extract")
            advance(1, record.id)


class PipelineSystem(System):
    """The summarise pipeline with the models of ``settings``; cross-lingual records
    (``summary_lang`` differs from ``lang``) go through the translator.

    Its batches run through an executor (``summarise.executor``) as a run's do, with the
    same isolation: a record the model fails on is a failure, and the others are scored."""

    name = "model"
    batch_docs = 8

    def __init__(self, settings, executor=None):
        from ..models import ModelRegistry

        self.settings = settings
        self.registry = ModelRegistry(settings)
        self.executor = executor  # None: a LocalExecutor of ``batch_docs``
        self._failures: list = []

    def check(self, records: list[Record]) -> None:
        """Resolve every model the records need before anything heavy loads."""
        from ..plan import Plan
        from ..preflight import preflight

        pairs = sorted({(r.lang, r.summary_lang) for r in records})
        plans = [Plan.build(replace(self.settings, langs=(tgt,)), src) for src, tgt in pairs]
        preflight(self.settings, self.registry, plans)

    def describe(self) -> dict:
        settings = self.settings.manifest()
        for per_run in ("langs", "lengths", "source_lang"):  # set per record by the harness
            settings.pop(per_run, None)
        return {"name": self.name, "kind": "model", "summariser": self.settings.summariser,
                "strategy": self.settings.strategy, "settings": settings,
                "models": self.running().models_manifest(self.registry)}

    def running(self):
        """The executor the batches run on."""
        from ..executor import LocalExecutor

        if self.executor is None:
            self.executor = LocalExecutor(self.batch_docs)
        return self.executor

    def failures(self) -> list:
        return list(self._failures)

    def predict(self, records, lengths, advance):
        from ..documents import Document

        self.check(records)
        settings, batches = {}, []
        for target in sorted({r.summary_lang for r in records}):
            group = [r for r in records if r.summary_lang == target]
            settings[target] = replace(self.settings, langs=(target,), lengths=tuple(lengths))
            for start in range(0, len(group), self.batch_docs):
                batches.append((target, [Document(id=r.id, source=r.id, text=r.text,
                                                  lang=r.lang)
                                         for r in group[start:start + self.batch_docs]]))
        for result in self.results(settings, batches, advance):
            for summary in result.summaries:
                yield Prediction(result.id, summary.lang, summary.length, summary.text,
                                 summary.route)

    def results(self, settings: dict, batches: list, advance: Advance):
        """Each batch through its language's Pipeline, on the executor; a failure is kept
        (``failures``) and the other records go on."""
        from ..documents import Failure
        from ..executor import Batch, Work
        from ..pipeline import Pipeline

        pipelines = {key: Pipeline(each, self.registry) for key, each in settings.items()}
        stream = [Batch(documents, key) for key, documents in batches]
        self._failures = []
        for result in self.running().run(Work(pipelines), stream):
            if isinstance(result, Failure):
                self._failures.append(result)
                advance(1, result.source)
                continue
            yield result
            advance(1, result.id)  # per document, so the rate is per document


class PredictionsFile(System):
    """Summaries written elsewhere: JSONL with ``id``, ``text``, optional ``length``/``lang``.

    A row without ``length`` is filed under the one length being scored.
    """

    def __init__(self, path: Path):
        self.path = path
        self.name = f"predictions:{path.name}"
        self.rows = list(_read_predictions(path))

    def lengths(self) -> list[str]:
        return sorted({row["length"] for row in self.rows if row.get("length")})

    def describe(self) -> dict:
        return {"name": self.name, "kind": "predictions", "path": str(self.path)}

    def predict(self, records, lengths, advance):
        wanted = {r.id: r for r in records}
        unlabelled = [row for row in self.rows if not row.get("length")]
        if unlabelled and len(lengths) != 1:
            raise UsageError(f"{self.path}: rows without 'length' can only be scored at one "
                             f"length; pass a single --length (asked: {', '.join(lengths)})")
        for row in self.rows:
            record = wanted.get(row["id"])
            length = row.get("length") or next(iter(lengths))
            if length not in lengths:
                continue
            lang = row.get("lang") or (record.summary_lang if record else "")
            yield Prediction(row["id"], lang, length, row["text"], row.get("route", ""))
        advance(len(records), self.path.name)


def _read_predictions(path: Path) -> Iterable[dict]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"--predictions {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--predictions {path}: cannot be read as UTF-8 ({exc})") from None
    for number, row in json_objects(text, str(path)):
        if not isinstance(row.get("id"), str) or not isinstance(row.get("text"), str):
            raise UsageError(f"{path} line {number}: needs string fields 'id' and 'text'")
        yield row


def make_system(name: str, settings_factory: Callable[[], object] | None = None,
                stemmer: str = "auto", executor=None) -> System:
    """The system called ``name``; ``settings_factory`` builds model settings on demand;
    ``executor`` (a RayExecutor) runs a model system's batches on Ray."""
    match = _LEAD.match(name)
    if match:
        return LeadBaseline(int(match.group(1)))
    if name == "textrank":
        return TextRankBaseline(stemmer)
    if name == "model":
        if settings_factory is None:
            raise UsageError("--system model needs model settings")
        return PipelineSystem(settings_factory(), executor)
    if executor is not None:
        raise UsageError(f"--executor ray runs model systems; {name} runs here (leave it out)")
    raise UsageError(f"--system {name!r} is unknown; use {SYSTEM_HELP}")
