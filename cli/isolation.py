"""One bad document never costs a batch.

Documents are summarised in batches for speed, so one document that makes a tokenizer
or model fail would take the whole batch down with it. ``run_batch`` catches that:
out of memory halves the batch and tries again (smaller batches need less); any other
unexpected error retries the batch one document at a time. A document that still
fails alone becomes a ``Failure`` with a one-line reason, and the others are kept.
Errors about the run itself (settings, a missing model) are not a document's fault
and still end the run.

``--doc-timeout`` works the same way. It is a limit per document, so a batch of n
documents gets n times the limit (a batch of 16 that needs longer than one document's
limit is not thrown away and redone alone); a batch that runs past that is retried
document by document, and a document that runs past the limit alone is a failure.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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
              timeout: float | None = None) -> list:
    """``run(documents)``, or as much of it as can be done: results for the documents
    that work, a ``Failure`` for each that does not (see the module's docstring)."""
    try:
        with time_limit(timeout * len(documents) if timeout else None):
            return list(run(documents))
    except DocumentError as exc:
        if len(documents) == 1:
            return [Failure(documents[0].source, str(exc))]
        return one_by_one(run, documents, timeout)
    except SummariseError:
        raise  # the settings or a model, not this document: the run cannot go on
    except Exception as exc:  # noqa: BLE001 - any failure inside a document's work
        if len(documents) == 1:
            return [Failure(documents[0].source,
                            f"{documents[0].source}: {failure_reason(exc, timeout)}")]
        if is_out_of_memory(exc):
            half = len(documents) // 2
            return (run_batch(run, documents[:half], timeout)
                    + run_batch(run, documents[half:], timeout))
        return one_by_one(run, documents, timeout)


def one_by_one(run: Callable[[list[Document]], list], documents: list[Document],
               timeout: float | None) -> list:
    return [item for document in documents for item in run_batch(run, [document], timeout)]


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
