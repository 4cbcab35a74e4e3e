"""Where the model work of a job happens: here, or on the actors of a Ray cluster.

The job (``summarise.job``) reads the inputs and cuts them into batches; an ``Executor``
turns that stream of batches into a stream of ``DocumentResult``, ``Failure`` and
``Skipped`` items, and the job hands each to its writer. ``LocalExecutor`` runs every
batch in this process, ``RayExecutor`` (``ray_executor``) on Ray Data actors; both run a
batch through ``isolation.run_batch`` with the same ``--doc-timeout``, so the two give the
same items for the same batches. Nothing outside an executor asks which one it is.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, Union

from .documents import Document, Failure, Skipped, Source
from .errors import UsageError

if TYPE_CHECKING:
    from .models import ModelRegistry
    from .pipeline import DocumentResult, Pipeline

EXECUTORS = ("local", "ray")
DEFAULT_BATCH_DOCS = 16  # documents per Pipeline.run: the same for every executor
Item = Union["DocumentResult", Failure, Skipped]
Stop = Callable[[], bool]


def never() -> bool:
    return False


@dataclass(frozen=True)
class Batch:
    """Documents that run through one ``Pipeline.run`` together: the pipeline of ``key``
    (a run has one; an evaluation one per summary language)."""

    documents: list[Document]
    key: str = ""


@dataclass(frozen=True)
class Work:
    """What an executor needs besides the batches.

    ``pipelines``: by ``Batch.key``. ``registry``: the models to load ahead of the
    batches that need them (prefetch), or None to load each when first used.
    ``on_slow`` hears which document nears ``doc_timeout``; ``stop`` is asked between
    batches (a signal, or ``--strict`` after a failure)."""

    pipelines: Mapping[str, Pipeline]
    registry: ModelRegistry | None = None
    doc_timeout: float | None = None
    stop: Stop = never
    on_slow: Callable[[str], None] | None = field(default=None, compare=False)


class Executor(Protocol):
    """Turns batches into results; the job and the writer need nothing else from it."""

    name: str  # recorded in run.json ("executor")
    batch_docs: int  # documents per batch: the job cuts the batches this size

    def check(self, sources: Sequence[Source], doc_timeout: float | None) -> None:
        """Refuse, before anything runs, inputs or options this executor cannot take."""

    def warm_up(self, work: Work) -> None:
        """The first document to summarise has been read: start what takes long."""

    def run(self, work: Work, stream: Iterable[Batch | Failure | Skipped]) -> Iterator[Item]:
        """Each ``Batch`` summarised, as a result or a ``Failure`` per document, in the
        stream's order; failures and skips in the stream are passed on as they come."""

    def models_manifest(self, registry: ModelRegistry | None) -> dict:
        """Per model loaded for the work so far: its files and how it ran (run.json)."""


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


class LocalExecutor:
    """The Pipeline in this process, batch by batch, each written before the next runs."""

    name = "local"

    def __init__(self, batch_docs: int = DEFAULT_BATCH_DOCS) -> None:
        self.batch_docs = batch_docs

    def check(self, sources: Sequence[Source], doc_timeout: float | None) -> None:
        """Anything goes here, stdin included."""

    def warm_up(self, work: Work) -> None:
        """The summariser loads in the background while the rest of the first batch is
        read (cold start)."""
        if work.registry is not None:
            work.registry.prefetch_summariser()

    def run(self, work: Work, stream: Iterable[Batch | Failure | Skipped]) -> Iterator[Item]:
        for entry in stream:
            if isinstance(entry, Batch):
                yield from self.run_one(work, entry)
            else:
                yield entry

    def run_one(self, work: Work, batch: Batch) -> list:
        from .isolation import run_batch

        pipeline = work.pipelines[batch.key]
        if work.registry is not None:  # the translators load while the batch is summarised
            work.registry.prefetch_translators(pipeline.directions(batch.documents))
            if work.doc_timeout:  # loading is no document's time (as on a Ray actor)
                work.registry.settle()
        return run_batch(pipeline.run, batch.documents, work.doc_timeout, notify=work.on_slow)

    def models_manifest(self, registry: ModelRegistry | None) -> dict:
        return registry.manifest() if registry is not None else {}
