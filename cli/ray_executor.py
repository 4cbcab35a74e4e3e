"""``--executor ray``: the same ``Pipeline`` on Ray Data actors, here or on a cluster.

The job (``summarise.job``) reads the sources, drops documents whose output is up to
date and cuts the rest into the very batches a local run makes: a summary may depend on
what shares its batch, so the same batches make the same bytes. ``RayExecutor.run``
gathers the batches into a Ray Dataset; ``map_batches`` hands each to a
``PipelineWorker`` actor holding one ``Pipeline`` (models loaded once per actor), and the
driver gets a row per document back, which the job writes exactly as a local run's.

Inside the actor each batch goes through ``isolation.run_batch``, as it does locally: a
document the models fail on (or that runs past ``--doc-timeout``) comes back as a
``Failure`` row and the rest of its batch is summarised.

A document that kills the actor's process cannot be caught there. Ray restarts a dead
actor (``max_restarts``) and runs the batch again, ``ATTEMPTS`` times in all
(``max_task_retries``); a batch that used them up is left out of the dataset
(``max_errored_blocks``), and the driver sees which documents did not come back. It runs
each of those again in a batch of its own, ``ATTEMPTS`` times at most, so a death now
names its document; one that still kills its worker becomes a ``Failure``. An actor runs
one batch at a time (``max_tasks_in_flight_per_actor=1``), so a death costs only the
batch that caused it. A batch's rows reach the driver only once the batch is done, and
the driver keeps the first result per id, so nothing is lost or written twice.
"""

from __future__ import annotations

import inspect
import json
import logging
import os
import signal
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

from .documents import Document, Failure, Skipped, Source
from .errors import SummariseError, UsageError
from .executor import DEFAULT_BATCH_DOCS, Batch, Item, Stop, Work

COLUMNS = ("key", "id", "source", "result", "failure", "models", "error")
# Tries of one batch on the actors before its documents are tried alone, and tries of a
# document alone before it is a failure: a death by chance (a node lost) is survived,
# a document that kills its worker every time costs 2 + 2 deaths, not a run.
ATTEMPTS = 2
# Environment a worker on this machine needs to find models as the driver does.
FORWARDED_ENV = ("HF_HOME", "HF_HUB_CACHE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE",
                 "XDG_CACHE_HOME", "TOKENIZERS_PARALLELISM")


@dataclass(frozen=True)
class RayOptions:
    """How to reach Ray and how big each actor is (``--ray-address``, ``--workers`` ...)."""

    address: str | None = None  # None: start a Ray on this machine
    workers: int | None = None  # None: as many as the cluster's CPUs (or GPUs) allow
    worker_cpus: float = 1.0
    worker_gpus: float = 0.0
    batch_docs: int = DEFAULT_BATCH_DOCS  # documents per Pipeline.run, as locally


def batch_row(documents: list[Document], key: str = "") -> dict:
    """One batch as one dataset row: the documents as JSON (text, language, metadata), and
    the key of the settings to run them with."""
    return {"key": key, "documents": json.dumps(
        [{"id": d.id, "source": d.source, "text": d.text, "lang": d.lang, "meta": d.meta}
         for d in documents], ensure_ascii=False)}


def unpack(row: dict) -> tuple[str, list[Document]]:
    """A ``batch_row`` back as its key and documents."""
    return row["key"], [Document(**d) for d in json.loads(row["documents"])]


def table(rows: list[dict]):
    import pyarrow as pa

    return pa.table({name: [r[name] for r in rows] for name in COLUMNS},
                    schema=pa.schema([(name, pa.string()) for name in COLUMNS]))


def enter(cwd: str) -> None:
    """Work from the driver's folder where this node has it, so that relative model
    folders mean what they meant on the command line."""
    if os.getcwd() != cwd and os.path.isdir(cwd):
        os.chdir(cwd)


class PipelineWorker:
    """A Ray Data actor: one Pipeline, its models loaded on first use and kept.

    ``settings`` maps a key to the Settings of a batch; a run has one, an evaluation one
    per summary language. They differ in languages and lengths only, so their Pipelines
    share one set of models.
    """

    def __init__(self, settings: dict, cwd: str, doc_timeout: float | None = None):
        from .models import ModelRegistry
        from .pipeline import Pipeline

        enter(cwd)
        registry = ModelRegistry(next(iter(settings.values())))
        self.pipelines = {key: Pipeline(each, registry) for key, each in settings.items()}
        self.registry = registry
        self.doc_timeout = doc_timeout
        self.broken: SummariseError | None = None  # reported by the first call
        try:  # every plan summarises: load it now, not within a document's --doc-timeout
            registry.summariser()
        except SummariseError as exc:
            self.broken = exc

    def __call__(self, batch):
        """Summarise each batch row (a batch of documents) into one row per document:
        its result, or its ``Failure`` (``isolation.run_batch``, as in a local run).

        An error meant for the user (a model missing on this node) comes back as a row,
        since Ray would hand the driver a traceback where the message was."""
        from .isolation import run_batch

        out = []
        try:
            if self.broken:
                raise self.broken
            for record in batch.to_pylist():
                key, documents = unpack(record)
                items = run_batch(partial(self.summarise, self.pipelines[key]), documents,
                                  self.doc_timeout)
                out.extend(answer_rows(key, documents, items))
        except SummariseError as exc:
            out = [{**empty_row(), "error": json.dumps([type(exc).__name__, str(exc)])}]
        models = json.dumps(self.registry.manifest())
        return table([{**r, "models": models} for r in out])

    def summarise(self, pipeline, documents: list[Document]):
        return pipeline.run(documents)


def empty_row() -> dict:
    return dict.fromkeys(COLUMNS, "")


def answer_rows(key: str, documents: list[Document], items: list) -> Iterator[dict]:
    """A row per document of a batch, its result or its failure. ``run_batch`` gives a
    failure per failed document in the batch's order, so the documents without a result
    get the failures in turn; each row carries the id the driver sent."""
    results = {item.id: item for item in items if not isinstance(item, Failure)}
    failures = iter([item for item in items if isinstance(item, Failure)])
    for document in documents:
        row = {**empty_row(), "key": key, "id": document.id, "source": document.source}
        if document.id in results:
            yield {**row, "result": json.dumps(results[document.id].to_dict(),
                                               ensure_ascii=False)}
        elif (failure := next(failures, None)) is not None:
            yield {**row, "source": failure.source, "failure": failure.reason}


def item_from_row(record: dict):
    """A row the actors sent back, as the DocumentResult or Failure a local run makes."""
    if record["failure"]:
        return Failure(record["source"], record["failure"])
    return result_from_row(record)


def died_on(document: Document, alone: int, in_batch: int) -> Failure:
    """The failure of a document whose worker process died every time it ran it."""
    times = f"{alone + in_batch} times, {alone} of them alone" if in_batch else f"{alone} times"
    return Failure(document.source, (
        f"{document.source}: the Ray worker process died each time it summarised this "
        f"document ({times}), so it was given up; the other documents went on. Ray's log "
        "of that node says why (often memory: run fewer workers per node with --workers "
        "or a larger --worker-cpus, or split the document); then run the same command "
        "again to retry it"))


def result_from_row(record: dict):
    """A row the actors sent back, as the DocumentResult a local run would have made."""
    from .pipeline import DocumentResult, Summary

    data = json.loads(record["result"])
    data["summaries"] = [Summary(**s) for s in data["summaries"]]
    return DocumentResult(**data)


class RayExecutor:
    """Ray Data over a local Ray (started and stopped here) or a running cluster."""

    name = "ray"
    worker_class = PipelineWorker
    attempts = ATTEMPTS

    def __init__(self, options: RayOptions):
        self.options = options
        self._models: dict = {}

    @property
    def batch_docs(self) -> int:
        return self.options.batch_docs

    def models_manifest(self, registry=None) -> dict:
        """The models the actors loaded (the driver loads none)."""
        return self._models

    def check(self, sources: Sequence[Source], doc_timeout: float | None) -> None:
        if any(str(s.path) == "-" for s in sources):
            raise UsageError("--executor ray reads its inputs before starting Ray, but not "
                             "from stdin ('-'); use --executor local for that")
        if doc_timeout and not threads_option():
            raise UsageError("--doc-timeout with --executor ray needs a newer Ray (one whose "
                             "ActorPoolStrategy takes enable_true_multi_threading, as 2.60's "
                             "does): pip install -U 'ray[data]'")

    def warm_up(self, work: Work) -> None:
        """Nothing loads on the driver: each actor loads its models when it starts."""

    def run(self, work: Work, stream: Iterable[Batch | Failure | Skipped]) -> Iterator[Item]:
        """The stream read to its end first (failures and documents up to date are on
        record at once), then its batches' model work on Ray."""
        batches = []
        for entry in stream:
            if isinstance(entry, Batch):
                batches.append(batch_row(entry.documents, entry.key))
            else:
                yield entry
        if batches and not work.stop():
            settings = {key: pipeline.settings for key, pipeline in work.pipelines.items()}
            yield from self.run_batches(settings, batches, work.stop, work.doc_timeout)

    def run_batches(self, settings: dict, batches: list[dict], stop: Stop = lambda: False,
                    doc_timeout: float | None = None) -> Iterator:
        """DocumentResults and Failures of ``batches`` (``batch_row``s) from the actors, in
        their order; then those of the documents lost with a dead worker, tried alone."""
        self.check((), doc_timeout)
        ray = connect(self.options.address)
        try:
            with quiet_skipped_batches():
                answered: set[tuple[str, str]] = set()
                yield from self.answers(ray, settings, batches, stop, doc_timeout, answered)
                if stop():
                    return
                lost = [(key, document, len(documents))
                        for key, documents in map(unpack, batches) for document in documents
                        if (key, document.id) not in answered]
                again = [batch_row([document], key) for key, document, size in lost
                         if size > 1]  # a batch of one already died `attempts` times alone
                if again:
                    yield from self.answers(ray, settings, again, stop, doc_timeout, answered)
                    if stop():
                        return
                for key, document, size in lost:
                    if (key, document.id) not in answered:
                        yield died_on(document, self.attempts,
                                      self.attempts if size > 1 else 0)
        finally:
            ray.shutdown()

    def answers(self, ray, settings: dict, batches: list[dict], stop: Stop,
                doc_timeout: float | None, answered: set) -> Iterator:
        """One pass of ``batches`` over the actors; ``answered`` gains each (key, id).

        ``stop`` is asked each time a batch has come back whole: a signal lets the batch
        in hand be written, and no other (the ones queued or running on other actors are
        dropped with Ray, which the caller shuts down)."""
        owner, left = {}, []
        for number, (key, documents) in enumerate(map(unpack, batches)):
            owner.update({(key, d.id): number for d in documents})
            left.append(len(documents))
        for record in self.dataset(ray, settings, batches, doc_timeout).iter_rows():
            if record["error"]:
                raise user_error(*json.loads(record["error"]))
            self._models.update(json.loads(record["models"]))
            answered.add((record["key"], record["id"]))
            yield item_from_row(record)
            number = owner.get((record["key"], record["id"]))
            if number is not None:
                left[number] -= 1
                if left[number] == 0 and stop():
                    return

    def dataset(self, ray, settings: dict, batches: list[dict],
                doc_timeout: float | None = None):
        """Batches of documents -> one actor call each -> a row per document, lazily."""
        options = self.options
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # stdout in input order, as locally
        context.max_errored_blocks = -1  # a batch whose worker kept dying: see run_batches
        workers = min(options.workers or self.fitting_workers(ray), len(batches))
        # One batch in flight per actor: a death then fails only the batch that caused it.
        # The actor's own thread runs the batch, so --doc-timeout's SIGALRM reaches it.
        main_thread = {name: True for name in [threads_option()] if name}
        pool = ray.data.ActorPoolStrategy(size=workers, max_tasks_in_flight_per_actor=1,
                                          **main_thread)
        kwargs = {"settings": settings, "cwd": os.getcwd(), "doc_timeout": doc_timeout}
        with warnings.catch_warnings():
            # Ray 2.60 deprecates **ray_remote_args but names no other way to bound retries.
            warnings.filterwarnings("ignore", message=".*ray_remote_args.*is deprecated")
            return ray.data.from_items(batches, override_num_blocks=len(batches)).map_batches(
                self.worker_class, fn_constructor_kwargs=kwargs, batch_size=1,
                batch_format="pyarrow", compute=pool, num_cpus=options.worker_cpus,
                num_gpus=options.worker_gpus or None,
                max_restarts=-1, max_task_retries=self.attempts - 1)

    def fitting_workers(self, ray) -> int:
        """As many actors as the cluster has room for, by GPUs if each needs one, else CPUs."""
        resources = ray.cluster_resources()
        if self.options.worker_gpus:
            room = resources.get("GPU", 0) / self.options.worker_gpus
            if room < 1:
                raise UsageError(f"--worker-gpus {self.options.worker_gpus:g}: the Ray cluster "
                                 f"has {resources.get('GPU', 0):g} GPU(s)")
            return int(room)
        return max(1, int(resources.get("CPU", 1) / max(self.options.worker_cpus, 1e-9)))


def threads_option() -> str | None:
    """The ActorPoolStrategy flag that runs a batch on the actor's main thread (Ray
    Data otherwise calls it from a helper thread, where SIGALRM cannot reach), if this
    Ray has it."""
    from ray.data import ActorPoolStrategy

    name = "enable_true_multi_threading"
    return name if name in inspect.signature(ActorPoolStrategy).parameters else None


@contextmanager
def quiet_skipped_batches() -> Iterator[None]:
    """Ray Data logs a traceback for each batch it leaves out (``max_errored_blocks``);
    that batch's documents are tried again alone, or reported as failures, by us."""
    def keep(record: logging.LogRecord) -> bool:
        return "Ignoring this exception" not in record.getMessage()

    logger = logging.getLogger("ray.data._internal.execution.streaming_executor_state")
    logger.addFilter(keep)
    try:
        yield
    finally:
        logger.removeFilter(keep)


def connect(address: str | None):
    """Start a Ray here (no dashboard, no usage reporting, nothing from the network) or join
    the cluster at ``address``; returns the ``ray`` module."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray

    env = {name: os.environ[name] for name in FORWARDED_ENV if name in os.environ}
    quiet = {"logging_level": "WARNING", "log_to_driver": True,
             "runtime_env": {"env_vars": env} if env else None}
    try:
        with our_signal_handlers():
            if address is None:
                ray.init(address="local", include_dashboard=False, **quiet)
            else:
                ray.init(address=address, **quiet)
    except (ConnectionError, ValueError, RuntimeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UsageError(f"--ray-address {address}: cannot reach a Ray cluster there "
                         f"({reason}); start one with `ray start --head`") from None
    return ray


@contextmanager
def our_signal_handlers() -> Iterator[None]:
    """Keep the run's SIGINT and SIGTERM handlers (finish the batch in hand, then stop)
    whatever ``ray.init`` installs in their place."""
    try:
        kept = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # pragma: no cover - no signals here
        kept = {}
    try:
        yield
    finally:
        for sig, handler in kept.items():
            if handler is not None and signal.getsignal(sig) is not handler:
                try:
                    signal.signal(sig, handler)
                except ValueError:  # not the main thread: Ray's stay
                    break


def user_error(kind: str, message: str) -> SummariseError:
    """The SummariseError a worker raised, raised again here with its message."""
    from . import errors

    found = getattr(errors, kind, None)
    kind = found if isinstance(found, type) and issubclass(found, SummariseError) else None
    return (kind or SummariseError)(message)
