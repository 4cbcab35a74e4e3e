"""Where the model work of a job happens: here, or on the actors of a Ray cluster.

The job (``summarise.job``) reads the inputs and cuts them into batches; an ``Executor``
turns that stream of batches into a stream of ``DocumentResult``, ``Failure`` and
``Skipped`` items, and the job hands each to its writer. ``LocalExecutor`` runs every
batch in this process, ``RayExecutor`` (``ray_executor``) on Ray Data actors; both run a
batch through ``isolation.run_batch`` with the same ``--doc-timeout``, so the two give the
same items for the same batches. Nothing outside an executor asks which one it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, Union

from .documents import Document, Failure, Skipped, Source

if TYPE_CHECKING:
    from .models import ModelRegistry
    from .pipeline import DocumentResult, Pipeline

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
