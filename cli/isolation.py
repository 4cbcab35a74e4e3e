"""One bad document never costs a batch.

Documents are summarised in batches for speed, so one document that makes a tokenizer
or model fail would take the whole batch down with it. ``run_batch`` catches that:
out of memory halves the batch and tries again (smaller batches need less); any other
unexpected error retries the batch one document at a time. A document that still
fails alone becomes a ``Failure`` with a one-line reason, and the others are kept.
Errors about the run itself (settings, a missing model) are not a document's fault
and still end the run.

``--doc-timeout SECONDS`` is a budget per document that holds inside a batch (``budget``):
each decoding step's time is shared among the documents whose rows it ran, and a
document whose share passes SECONDS is cut out of the batch at the next step and fails
alone, while the rest of the batch runs on (again, without it). A hang outside any
decoding step, where no step can notice, is still ended by an alarm after N x SECONDS
for a batch of N, and its documents are then tried one by one.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .budget import Ledger, OverBudget, charging
from .documents import Document, Failure
from .errors import DocumentError, SummariseError


class DocumentTimeout(Exception):
    """A batch or document ran past ``--doc-timeout``."""


def is_out_of_memory(exc: BaseException) -> bool:
    """torch.OutOfMemoryError (CUDA and CPU allocators) or Python's MemoryError."""
    return isinstance(exc, MemoryError) or type(exc).__name__ == "OutOfMemoryError"


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``DocumentTimeout`` in this thread after ``seconds`` (SIGALRM; only the
    main thread of a process can receive it, elsewhere there is no limit)."""
    usable = (seconds and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise DocumentTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_batch(run: Callable[[list[Document]], list], documents: list[Document],
              timeout: float | None = None, notify: Callable[[str], None] | None = None,
              ledger: Ledger | None = None) -> list:
    """``run(documents)``, or as much of it as can be done: results for the documents
    that work, a ``Failure`` for each that does not (see the module's docstring), one
    item per document in their order. ``notify`` hears which document is slow."""
    if timeout and ledger is None:
        ledger = Ledger(timeout, {d.id: d.source for d in documents}, notify)
    try:
        with (time_limit(timeout * len(documents) if timeout else None),
              charging(ledger, [d.id for d in documents])):
            return list(run(documents))
    except OverBudget as over:
        return without_the_slow(run, documents, over.ids, timeout, ledger)
    except DocumentError as exc:
        if len(documents) == 1:  # the reason names its file (a server's error does not)
            source, reason = documents[0].source, str(exc)
            return [Failure(source, reason if reason.startswith(source)
                            else f"{source}: {reason}")]
        return one_by_one(run, documents, timeout, ledger)
    except SummariseError:
        raise  # the settings or a model, not this document: the run cannot go on
    except Exception as exc:  # noqa: BLE001 - any failure inside a document's work
        if len(documents) == 1:
            return [Failure(documents[0].source,
                            f"{documents[0].source}: {failure_reason(exc, timeout)}")]
        if is_out_of_memory(exc):
            half = len(documents) // 2
            return (run_batch(run, documents[:half], timeout, ledger=ledger)
                    + run_batch(run, documents[half:], timeout, ledger=ledger))
        return one_by_one(run, documents, timeout, ledger)


def without_the_slow(run: Callable[[list[Document]], list], documents: list[Document],
                     slow: set[str], timeout: float, ledger: Ledger) -> list:
    """The documents past their budget fail; the rest of the batch runs again without
    them, each with its whole budget again (the work redone is no fault of theirs)."""
    for document in documents:
        if document.id in slow:
            ledger.tell(f"{document.source}: over its --doc-timeout {timeout:g} s, cut out of "
                        "its batch; the others go on")
    others = [d for d in documents if d.id not in slow]
    ledger.restart([d.id for d in others])
    rest = iter(run_batch(run, others, timeout, ledger=ledger))
    return [Failure(d.source, f"{d.source}: {over_budget_reason(timeout)}")
            if d.id in slow else next(rest) for d in documents]


def one_by_one(run: Callable[[list[Document]], list], documents: list[Document],
               timeout: float | None, ledger: Ledger | None = None) -> list:
    return [item for document in documents
            for item in run_batch(run, [document], timeout, ledger=ledger)]


def over_budget_reason(timeout: float) -> str:
    return (f"needed more than --doc-timeout {timeout:g} s of model time (its share of "
            "the batch it ran in) and was stopped; the rest of its batch went on; raise the "
            "limit, or split the document")


def failure_reason(exc: Exception, timeout: float | None) -> str:
    """One line a user can act on, for a document that failed alone."""
    if isinstance(exc, DocumentTimeout):
        return (f"took longer than --doc-timeout {timeout:g} s and was stopped; raise the "
                "limit, or split the document")
    if is_out_of_memory(exc):
        return ("ran out of memory even alone; try --batch-size 1, a smaller --dtype, or "
                "split the document")
    message = " ".join(str(exc).split())[:200] or "no message"
    return (f"could not be summarised ({type(exc).__name__}: {message}); the other "
            "documents went on; please report this with the document")
