"""A run of summarise as a library call: resolve once, check, run through an executor,
hand each result to a writer.

    from pathlib import Path
    from summarise import Settings
    from summarise.executor import LocalExecutor
    from summarise.job import open_writer, resolve_job, run_job

    spec = resolve_job(Settings(langs=("en",)), [Path("articles/")], out=Path("runs/today"))
    executor = LocalExecutor()
    exit_code = run_job(spec, executor, open_writer(spec, executor, "json"))

``resolve_job`` turns settings and paths into one frozen ``JobSpec``: the files found, how
to read them, the summariser's kind and the plan per source language, with every check
that needs no model done (``preflight``: models resolved, ``--out`` writable, the prompt
template), so that a mistake is one message before anything loads. ``run_job`` reads the
sources into batches (``pipeline.document_batches``), has the executor summarise them,
and hands every result, failure and skip to the writer as it comes; it owns what a run
does around that: Ctrl-C and SIGTERM, progress, ``--strict``, the manifest's status, the
closing report and the exit code. The ``summarise`` command only parses flags into these
calls.
"""

from __future__ import annotations

import importlib.util
import signal
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from .config import Settings
from .documents import Document, Failure, Skipped, Source
from .errors import UsageError
from .executor import DEFAULT_BATCH_DOCS, Batch, Executor, LocalExecutor, Work, never
from .langdetect import Detection
from .modelkind import ModelKind
from .models import ModelRegistry
from .output import ResultPrinter, RunDirectory, Writer
from .pipeline import DocumentResult, Pipeline, document_batches
from .plan import Plan, possible_plans
from .preflight import language_pass, preflight
from .reading import find_sources
from .runchecks import refusal
from .runpage import write_run_page

EXECUTORS = ("local", "ray")


@dataclass(frozen=True)
class ReadOptions:
    """How the sources are found and read: ``--glob`` and ``--text-field`` (JSONL)."""

    text_field: str = "text"
    globs: tuple[str, ...] = ()


@dataclass(frozen=True)
class JobSpec:
    """One run, resolved and checked: nothing in it is decided again while it runs."""

    settings: Settings
    summariser_kind: ModelKind
    plans: Mapping[str, Plan]  # by source language: the routes the inputs need
    sources: tuple[Source, ...]
    read: ReadOptions = ReadOptions()
    inputs: tuple[str, ...] = ()  # the paths as given, for run.json
    out: Path | None = None
    strict: bool = False  # stop at the first failure
    doc_timeout: float | None = None  # seconds of model time per document
    # --fail-on: checks whose failure makes a document a failure row (``runchecks``)
    fail_on: tuple[str, ...] = ()
    # Languages the checks' language pass detected, by document id: not detected again.
    detected: Mapping[str, Detection] = field(default_factory=dict, repr=False)
    # The models, resolved by the checks and loaded on first use.
    models: ModelRegistry | None = field(default=None, compare=False, repr=False)


def job_sources(paths: list[Path], read: ReadOptions = ReadOptions(),
                out: Path | None = None) -> list[Source]:
    """The files to read under ``paths``, leaving out those under ``out``: a rerun must
    not read its own results as inputs."""
    sources = find_sources(paths, read.globs)
    if out is not None:
        root = out.absolute()
        sources = [s for s in sources
                   if str(s.path) == "-" or not s.path.absolute().is_relative_to(root)]
    if not sources:
        raise UsageError(f"every file found is inside --out {out}; give other inputs")
    return sources


def resolve_job(settings: Settings, paths: list[Path], read: ReadOptions = ReadOptions(),
                out: Path | None = None, *, strict: bool = False,
                doc_timeout: float | None = None, sources: list[Source] | None = None,
                notify: Callable[[str], None] | None = None,
                fail_on: tuple[str, ...] = ()) -> JobSpec:
    """The ``JobSpec`` for summarising ``paths`` (or ``sources`` already found) with
    ``settings``, checked before any model loads: a ``PreflightError`` lists every
    problem. ``notify`` hears one-line messages of the model resolver."""
    settings = settings.validate()
    if sources is None:
        sources = job_sources(paths, read, out)
    registry = ModelRegistry(settings, notify=notify)
    found: list = []

    def plans_of_the_inputs() -> list[Plan]:
        """A translator is missing: read the inputs once to see if they need it."""
        found.append(language_pass(settings, sources, read.text_field))
        return possible_plans(settings, found[0].langs)

    checked = preflight(settings, registry, possible_plans(settings), out,
                        narrow=plans_of_the_inputs)
    return JobSpec(
        settings=settings, summariser_kind=checked.kind,
        plans=MappingProxyType({plan.source_lang: plan for plan in checked.plans}),
        sources=tuple(sources), read=read, inputs=tuple(str(p) for p in paths), out=out,
        strict=strict, doc_timeout=doc_timeout, fail_on=fail_on,
        detected=MappingProxyType(found[0].detected if found else {}), models=registry)


def open_writer(spec: JobSpec, executor: Executor, fmt: str, force: bool = False) -> Writer:
    """``--out``'s folder (results, run.json, resume; ``force`` redoes what is up to
    date), or stdout in ``fmt``."""
    if spec.out is None:
        return ResultPrinter(fmt)
    return RunDirectory(spec.out, fmt, {"settings": spec.settings.manifest(),
                                        "inputs": list(spec.inputs),
                                        "executor": executor.name}, force=force)


@dataclass
class Tally:
    """What became of the documents so far."""

    done: int = 0
    skipped: int = 0
    failures: list[Failure] = field(default_factory=list)
    written: set[str] = field(default_factory=set)  # a batch Ray retried is written once
    stopped_by: list[int] = field(default_factory=list)  # the signal that left work undone


def run_job(spec: JobSpec, executor: Executor, writer: Writer, reporter=None) -> int:
    """Run ``spec`` through ``executor``, each result to ``writer`` as soon as it is done.

    Returns the exit code by outcome: 0 all done (or skipped as up to date), 1 some
    failed; 130 (Ctrl-C) or 143 (SIGTERM) only when the signal left documents undone.
    ``reporter``: where progress and messages go (``console.Reporter``; quiet if None).
    """
    from .console import QUIET, Reporter

    reporter = reporter or Reporter(QUIET)
    registry = spec.models or ModelRegistry(spec.settings, notify=reporter.info)
    settings, out, tally = spec.settings, writer.where, Tally()
    try:
        executor.check(spec.sources, spec.doc_timeout)
    except BaseException:
        writer.close()  # the folder's lock: nothing ran, the next run must not wait
        raise
    models = lambda: executor.models_manifest(registry)  # noqa: E731
    for note in writer.notes:
        reporter.warn(note)
    signalled = lambda: 0  # noqa: E731 - replaced by the handler's once it is installed
    reporter.info(f"{len(spec.sources)} file(s) to read; summaries in "
                  f"{', '.join(settings.langs)} × {', '.join(settings.lengths)}; progress "
                  "counts documents")
    writer.save_manifest(models=models(), status="running")  # a run in progress says so
    try:
        with interrupt_after_batch() as signalled, reporter.progress(len(spec.sources)) as advance:
            def stop() -> bool:
                if signalled():
                    tally.stopped_by.append(signalled())
                    return True
                return bool(spec.strict and tally.failures)

            pipeline = Pipeline(settings, registry, plans=spec.plans, on_phase=advance.note,
                                on_chunks=lambda *counts: advance.note(
                                    long_document_phase(*counts)))
            work = Work({"": pipeline}, registry, spec.doc_timeout, stop, advance.alert)
            stream = job_batches(pipeline, list(spec.sources), executor, work,
                                 spec.read.text_field, writer.is_done,
                                 lambda count: advance.grow(count - 1), spec.detected)
            for item in executor.run(work, stream):
                item = refusal(item, spec.fail_on) or item  # --fail-on: a failure row
                if record(item, writer, tally, reporter):
                    writer.save_manifest(every=2.0, models=models())
                    advance(1, item.source, timed=not isinstance(item, Skipped),
                            seconds=item.batch_seconds_per_document
                            if isinstance(item, DocumentResult) else None)
    except KeyboardInterrupt:  # the second signal (or a Ctrl-C without our handler): now
        tally.stopped_by.append(signalled() or signal.SIGINT)
    finally:
        registry.stop_prefetching()  # an early end waits only for the load in progress
        # what finished is on record even when a model fails mid-run
        writer.save_manifest(models=models(),
                             status="interrupted" if tally.stopped_by else "finished")
        if isinstance(writer, RunDirectory):  # the folder's page, of this run and earlier
            write_run_page(writer, spec.read.text_field, reporter.warn)
        writer.close()
    return report(tally, out, reporter)


def record(item, writer: Writer, tally: Tally, reporter) -> bool:
    """Hand one item to the writer and count it; False for a result written already."""
    if isinstance(item, Failure):
        tally.failures.append(item)
        reporter.failed(item.reason)
        writer.fail(item)
    elif isinstance(item, Skipped):
        tally.skipped += 1
        reporter.debug(f"{item.source}: up to date in {writer.where}, skipped")
        writer.skip(item)
    elif item.id in tally.written:
        return False
    else:
        tally.written.add(item.id)
        tally.done += 1
        if item.truncated:
            reporter.warn(truncation_warning(item))
        writer.write(item)
    return True


def report(tally: Tally, out: Path | None, reporter) -> int:
    """The closing lines, and the exit code they stand for."""
    reporter.info(f"done: {tally.done} summarised, {tally.skipped} up to date (skipped), "
                  f"{len(tally.failures)} failed" + (f"; results in {out}" if out else ""))
    for failure in tally.failures:
        reporter.info(f"  failed: {failure.describe()}")
    if tally.stopped_by:
        reporter.warn("interrupted; run the same command again to resume (finished "
                      "documents are skipped)")
        return 128 + int(tally.stopped_by[0])
    return 1 if tally.failures else 0


def job_batches(pipeline: Pipeline, sources: list[Source], executor: Executor, work: Work,
                text_field: str = "text", is_done: Callable[[Document], bool] | None = None,
                on_read: Callable[[int], None] | None = None,
                detected: Mapping[str, Detection] | None = None,
                ) -> Iterator[Batch | Failure | Skipped]:
    """The sources read and cut into the executor's batches (the same for every
    executor); the executor warms up at the first document to do."""
    warmed: list[bool] = []

    def skip_or_warm_up(document: Document) -> bool:
        if is_done and is_done(document):
            return True
        if not warmed:
            warmed.append(True)
            executor.warm_up(work)
        return False

    for item in document_batches(pipeline, sources, executor.batch_docs, text_field,
                                 skip_or_warm_up, work.stop, on_read, detected):
        yield Batch(item) if isinstance(item, list) else item


def summarise_sources(pipeline: Pipeline, sources: list[Source], batch_docs: int = 16,
                      text_field: str = "text",
                      skip: Callable[[Document], bool] | None = None,
                      stop: Callable[[], bool] | None = None,
                      on_read: Callable[[int], None] | None = None,
                      doc_timeout: float | None = None) -> Iterator:
    """Files on disk through ``pipeline`` in this process, with no checks, writer or
    signals: ``DocumentResult``, ``Failure`` and ``Skipped`` (by ``skip``) as each batch is
    done, the models loading ahead of the batches that need them. For benches and Python
    callers that hold a Pipeline already; a run is ``resolve_job`` + ``run_job``."""
    executor = LocalExecutor(batch_docs)
    work = Work({"": pipeline}, pipeline.models, doc_timeout, stop or never)
    yield from executor.run(work, job_batches(pipeline, sources, executor, work, text_field,
                                              skip, on_read))


def executor_from_params(params: dict) -> Executor:
    """``make_executor`` from a command's parsed flags (``options.EXECUTOR_FLAGS``)."""
    return make_executor(params["executor"], params.get("ray_address"), params.get("workers"),
                         params.get("worker_cpus"), params.get("worker_gpus"),
                         params.get("batch_docs"))


def make_executor(name: str, address: str | None = None, workers: int | None = None,
                  worker_cpus: float | None = None, worker_gpus: float | None = None,
                  batch_docs: int | None = None) -> Executor:
    """The executor a command asked for; Ray is imported only when it is used."""
    if name not in EXECUTORS:
        raise UsageError(f"--executor {name!r}: use local or ray")
    flags = {"--ray-address": address, "--workers": workers, "--worker-cpus": worker_cpus,
             "--worker-gpus": worker_gpus}
    if name == "local":
        given = [flag for flag, value in flags.items() if value is not None]
        if given:
            raise UsageError(f"{', '.join(given)} only apply with --executor ray")
        return LocalExecutor(batch_docs or DEFAULT_BATCH_DOCS)
    if not all(importlib.util.find_spec(m) for m in ("ray", "pyarrow", "pandas")):
        raise UsageError("--executor ray needs Ray Data, which is not installed: "
                         "pip install 'summarise[ray]' (or pip install 'ray[data]')")
    if worker_cpus == 0 and not worker_gpus:
        raise UsageError("--worker-cpus 0 needs --worker-gpus: an actor must get a CPU or a GPU")
    from .ray_executor import RayExecutor, RayOptions

    defaults = RayOptions()
    return RayExecutor(RayOptions(
        address=address, workers=workers,
        worker_cpus=defaults.worker_cpus if worker_cpus is None else worker_cpus,
        worker_gpus=worker_gpus or defaults.worker_gpus,
        batch_docs=batch_docs or defaults.batch_docs))


def long_document_phase(source: str, done: int, total: int, round_: int,
                        max_rounds: int) -> str:
    """Where map-reduce is in a long document, as its progress line says it."""
    if round_ == 1:
        return (f"{source}: chunk {done} of {total} (reduce round 1 of at most "
                f"{max_rounds})")
    return f"{source}: reduce round {round_} of at most {max_rounds}, {done} of {total} parts"


def truncation_warning(result) -> str:
    return (f"{result.source}: even one-sentence partial summaries did not fit the "
            f"summariser's input window, so {result.words_dropped} word(s) of them were "
            "dropped (\"truncated\": true in its output); a model with a longer window "
            "reads it whole")


# What the first signal's message tells a person to do to stop at once.
AGAIN = {signal.SIGINT: "Ctrl-C again", signal.SIGTERM: "send SIGTERM again"}


@contextmanager
def interrupt_after_batch():
    """First Ctrl-C or SIGTERM: finish the batch in flight, start no other, then stop.
    Second: stop now (``KeyboardInterrupt``).

    Yields a function that returns the signal received (0 for none)."""
    hit: list[int] = []

    def handler(signum, frame):
        if hit:
            raise KeyboardInterrupt
        hit.append(signum)
        print(f"\nstopping after the current batch ({AGAIN.get(signum, 'again')} to stop now)",
              file=sys.stderr, flush=True)

    try:
        previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread (e.g. embedded): no handler
        yield lambda: 0
        return
    try:
        yield lambda: hit[0] if hit else 0
    finally:
        for sig, before in previous.items():
            signal.signal(sig, before)
