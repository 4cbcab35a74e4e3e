"""The summarisation pipeline, top-down: read -> detect language -> summarise -> translate -> write.

``Pipeline.run`` does the model work for one batch of documents already read, and is
what a Python user calls for texts in hand; ``document_batches`` reads files into those
batches; the whole job for files on disk (checks, executor, writer) is ``summarise.job``::

    from summarise import Pipeline, Document, Settings
    results = Pipeline(Settings(langs=("en",))).run([Document("doc", "-", text)])
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field

from .budget import owned_by
from .config import Settings
from .config_schema import LANGS
from .documents import Document, Failure, Skipped, Source
from .errors import DocumentError, SummariseError
from .langdetect import Detection, detect_language
from .lengths import LengthPreset
from .longdoc import LongDocStats, summarise_any_length
from .models import Generated, ModelRegistry, Models
from .plan import SOURCE, TRANSLATOR, Plan, plain_summariser_refused
from .plan import directions as plan_directions
from .postprocess import fit_text
from .reading import read_source
from .runchecks import Origin, annotate_summaries
from .segment import count_words

# Called as on_chunks(source, done, total, reduce_round, max_rounds): in round 1, ``done``
# of ``total`` chunks of the document are summarised; later rounds summarise joined partials.
ChunkProgress = Callable[[str, int, int, int, int], None]
# Called with one line saying what a batch is doing now ("step 2 of 3: translate ...").
PhaseProgress = Callable[[str], None]


@dataclass
class Summary:
    lang: str
    length: str
    text: str
    words: int
    target_words: int
    route: str
    # Written as this many summaries of the document's parts, joined: the length was
    # beyond what the summariser was trained to write (``outputparts``).
    parts: int = 1
    # Issue 23's checks of this summary and its sentences grounded in the source
    # (``summarise.checks``; computed in ``Pipeline.execute`` through ``runchecks``).
    checks: dict = field(default_factory=dict)
    sentences: list = field(default_factory=list)


@dataclass
class DocumentResult:
    id: str
    source: str
    source_lang: str
    lang_confidence: float
    summaries: list[Summary]
    sha256: str
    chunks: int = 1
    reduce_rounds: int = 0
    truncated: bool = False  # map-reduce had to cut words to fit the window
    words_dropped: int = 0
    # The batch's time shared evenly among its documents: documents in a batch run
    # together, so one document's own time is not known (a batch of one: it is).
    batch_seconds_per_document: float = 0.0
    meta: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


class Pipeline:
    """Summaries of documents in every requested language and length.

    Its hooks are given here, once: ``on_chunks`` hears progress inside long documents
    (map-reduce), ``on_phase`` which step of its plan a batch is in. ``plans``: the
    routes already built for the source languages a job meets (``summarise.job``); a
    language not among them gets its plan built on first use."""

    def __init__(self, settings: Settings, registry: Models | None = None,
                 on_chunks: ChunkProgress | None = None,
                 on_phase: PhaseProgress | None = None,
                 plans: Mapping[str, Plan] | None = None):
        self.settings = settings.validate()
        self.models: Models = registry or ModelRegistry(self.settings)
        self.presets = [self.settings.presets[name] for name in self.settings.lengths]
        self.on_chunks = on_chunks
        self.on_phase = on_phase
        self._plans: dict[str, Plan] = dict(plans or {})

    def detect(self, document: Document, found: Detection | None = None) -> tuple[str, float]:
        """Source language: declared, forced by --source-lang, or detected (``found``:
        detected already, by the language pass of a job's checks)."""
        if document.lang:
            return document.lang, document.meta.get("lang_confidence", 1.0)
        if self.settings.source_lang != "auto":
            return self.settings.source_lang, 1.0
        found = found or detect_language(document.text)
        if found.lang not in LANGS:
            raise DocumentError(
                f"{document.source}: {found.describe()}, not German or English; pass "
                "--source-lang de|en if that is wrong")
        return found.lang, found.confidence

    def plan(self, source_lang: str) -> Plan:
        """The route for documents in ``source_lang``, built once per language."""
        if source_lang not in self._plans:
            self._plans[source_lang] = Plan.build(self.settings, source_lang)
        return self._plans[source_lang]

    def directions(self, documents: list[Document]) -> list[tuple[str, str]]:
        """Translator directions, as (source, target), that the plans of these
        (language-checked) documents use."""
        plans = []
        for lang in sorted({d.lang for d in documents if d.lang}):
            try:
                plans.append(self.plan(lang))
            except SummariseError:  # the batch reports it when it runs
                continue
        return [tuple(direction.split("-")) for direction in plan_directions(plans)]

    def run(self, documents: list[Document]) -> list[DocumentResult]:
        """Summarise one batch of documents (all must be German or English)."""
        started = time.perf_counter()
        detected = [self.detect(d) for d in documents]
        results = [DocumentResult(d.id, d.source, lang, conf, [], d.sha256,
                                  meta={k: v for k, v in d.meta.items()
                                        if k != "lang_confidence"})
                   for d, (lang, conf) in zip(documents, detected, strict=True)]
        for src in sorted({lang for lang, _ in detected}):
            group = [i for i, (lang, _) in enumerate(detected) if lang == src]
            stats = [LongDocStats() for _ in group]
            with owned_by(group):  # --doc-timeout charges the model work to its documents
                produced = self.execute(self.plan(src), [documents[i].text for i in group],
                                        stats, [documents[i].source for i in group])
            for i, summaries, stat in zip(group, produced, stats, strict=True):
                results[i].summaries = summaries
                results[i].chunks, results[i].reduce_rounds = stat.chunks, stat.reduce_rounds
                results[i].truncated, results[i].words_dropped = stat.truncated, stat.words_dropped
        share = (time.perf_counter() - started) / max(1, len(documents))
        for result in results:
            result.batch_seconds_per_document = round(share, 4)
        return results

    def execute(self, plan: Plan, texts: list[str], stats: list[LongDocStats],
                sources: list[str] | None = None) -> list[list[Summary]]:
        """Run the plan's steps over texts in its source language, each step once for all
        texts (one batched pass); summaries are listed in the plan's language order.
        ``sources`` names the texts for ``on_chunks``."""
        if plan.needs_multilingual_summariser:
            summariser = self.models.summariser()
            if not getattr(summariser, "can_write_other_language", False):
                raise plain_summariser_refused(
                    summariser.name, "--model-kind if the kind was guessed wrong")
        translations: dict[str, list[str]] = {}  # the texts translated, by language
        written: dict[str, list[list[Generated]]] = {}  # the summariser's rows, by language
        kept: dict[str, list[list[Summary]]] = {}  # summaries yielded, by language
        origins: dict[str, list[list[Origin]]] = {}  # how each was made, for its checks
        for number, step in enumerate(plan.steps, 1):
            if self.on_phase:
                self.on_phase(f"{len(texts)} document(s) in {plan.source_lang}, step {number} "
                              f"of {len(plan.steps)}: {step.describe()}")
            if step.role == TRANSLATOR and step.reads == SOURCE:
                translations[step.writes] = self.models.translator(
                    step.reads_lang, step.writes).translate(texts, step.reads_lang, step.writes)
            elif step.role == TRANSLATOR:  # the summaries, all in one batched pass
                rows = written[step.reads_lang]
                flat = [g.text for row in rows for g in row]
                with owned_by([i for i, row in enumerate(rows) for _ in row]):
                    translated = iter(self.models.translator(step.reads_lang, step.writes)
                                      .translate(flat, step.reads_lang, step.writes))
                kept[step.writes] = [[self._summary(next(translated), step.writes, p,
                                                    step.route, g.parts)
                                      for g, p in zip(row, self.presets, strict=True)]
                                     for row in rows]
                origins[step.writes] = [[Origin(via=g.text, truncated=g.hit_limit) for g in row]
                                        for row in rows]
            else:
                inputs = texts if step.reads == SOURCE else translations[step.reads_lang]
                rows = self._summarise(inputs, step.reads_lang, stats, sources or [],
                                       out_lang=step.writes if step.told_language else None)
                written[step.writes] = rows
                if step.route:
                    kept[step.writes] = [[self._summary(g.text, step.writes, p, step.route,
                                                        g.parts)
                                          for g, p in zip(row, self.presets, strict=True)]
                                         for row in rows]
                    origins[step.writes] = [[Origin(truncated=g.hit_limit) for g in row]
                                            for row in rows]
        produced, checker = [], self.models.checker()
        for i, text in enumerate(texts):  # each grounded in its whole text, map-reduce or not
            summaries = [summary for lang in plan.langs for summary in kept[lang][i]]
            annotate_summaries(summaries, [o for lang in plan.langs for o in origins[lang][i]],
                               text, plan.source_lang, checker=checker)
            produced.append(summaries)
        return produced

    def _summarise(self, texts: list[str], lang: str, stats: list[LongDocStats],
                   sources: list[str], out_lang: str | None = None) -> list[list[Generated]]:
        """Every preset for every text; long texts go through map-reduce (``longdoc``)."""
        progress = lambda index: self._chunk_progress(sources, index)  # noqa: E731
        summariser = self.models.summariser()
        watch = getattr(summariser, "watch_progress", None)  # a server's requests in flight
        if watch and self.on_phase:
            watch(self.on_phase)
        rows, found = summarise_any_length(summariser, texts, lang, self.presets,
                                           out_lang=out_lang, progress=progress)
        for mine, new in zip(stats, found, strict=True):
            mine.chunks = max(mine.chunks, new.chunks)
            mine.reduce_rounds = max(mine.reduce_rounds, new.reduce_rounds)
            mine.truncated = mine.truncated or new.truncated
            mine.words_dropped = max(mine.words_dropped, new.words_dropped)
        return [[fit(g, p, out_lang or lang) for g, p in zip(row, self.presets, strict=True)]
                for row in rows]

    def _chunk_progress(self, sources: list[str], index: int):
        if self.on_chunks is None or index >= len(sources):
            return None
        source, hear = sources[index], self.on_chunks
        return lambda *counts: hear(source, *counts)

    @staticmethod
    def _summary(text: str, lang: str, preset: LengthPreset, route: str,
                 parts: int = 1) -> Summary:
        return Summary(lang=lang, length=preset.name, text=text, words=count_words(text),
                       target_words=preset.words, route=route, parts=parts)


def fit(generated: Generated, preset: LengthPreset, lang: str) -> Generated:
    """Cut an over-long or unfinished summary back at a sentence boundary, never mid-word."""
    text = fit_text(generated.text, lang, preset.words, generated.hit_limit)
    return Generated(text=text, tokens=generated.tokens, hit_limit=generated.hit_limit,
                     parts=generated.parts)


def document_batches(pipeline: Pipeline, sources: list[Source], batch_docs: int = 16,
                     text_field: str = "text",
                     skip: Callable[[Document], bool] | None = None,
                     stop: Callable[[], bool] | None = None,
                     on_read: Callable[[int], None] | None = None,
                     detected: Mapping[str, Detection] | None = None,
                     ) -> Iterator[list[Document] | Failure | Skipped]:
    """Read, skip what is done, detect languages, and cut the rest into the batches that
    ``Pipeline.run`` gets, ``batch_docs`` documents each (the last may be smaller). Every
    executor runs these same batches: a summary may depend on what else shares its batch
    (padding), so the same batches give the same bytes; and a JSONL of a million records
    is written as it goes, and spread over Ray's actors, not run as one batch.
    ``detected``: languages already detected, by document id (a job's language pass)."""
    detected = detected or {}
    batch: list[Document] = []
    for source in sources:
        if stop and stop():
            return
        items = read_source(source, text_field)
        if on_read:
            on_read(len(items))
        for item in items:
            if isinstance(item, Failure):
                yield item
            elif skip and skip(item):
                yield Skipped(item.source, item.id)
            else:
                try:  # language is checked before the batch, so one bad file fails alone
                    item.lang, item.meta["lang_confidence"] = pipeline.detect(
                        item, detected.get(item.id))
                    batch.append(item)
                except DocumentError as exc:
                    yield Failure(item.source, str(exc))
            if len(batch) >= batch_docs:  # also inside a file: a big JSONL is many batches
                yield batch
                batch = []
                if stop and stop():
                    return
    if batch and not (stop and stop()):
        yield batch
