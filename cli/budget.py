"""``--doc-timeout`` as a budget each document keeps inside its batch.

Documents are summarised together, so a document's time is its share of the model work
it is part of: each decoding step's time is shared evenly among the rows of that step,
and each row's share is charged to the document the row belongs to (its text, one of its
chunks, one of its summaries being translated). A document whose charges pass the budget
is cut out of the batch at the next decoding step (``OverBudget``); ``isolation`` then
records it as a failure and runs the rest of the batch again without it, each with its
whole budget again. A short document in a batch with a huge one is charged for its own rows only,
so it never fails because of its neighbour, and nobody waits N x SECONDS.

Who owns which row travels down the call stack: the pipeline, map-reduce and the
translator each say how the texts they hand on map to theirs (``owned_by``), and a
model's ``generate()`` gets ``watching()``, the stopping criterion that charges.
Without a budget (no ``--doc-timeout``) every function here does nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

_here = threading.local()  # .ledger and .owners of the batch this thread is running
clock = time.perf_counter  # what a decoding step's time is measured with


class OverBudget(Exception):
    """Documents of the running batch used up their ``--doc-timeout`` (their ids)."""

    def __init__(self, ids: set[str]):
        super().__init__(", ".join(sorted(ids)))
        self.ids = ids


class Ledger:
    """Seconds charged to each document of a batch, by id, kept across the batch's
    retries; ``notify`` hears, once per document, that it is slow and that it is out."""

    def __init__(self, seconds: float, names: dict[str, str],
                 notify: Callable[[str], None] | None = None):
        self.seconds = seconds
        self.names = names  # id -> what messages call it (its source)
        self.notify = notify
        self.spent: dict[str, float] = dict.fromkeys(names, 0.0)
        self.warned: set[str] = set()

    def charge(self, owners: Sequence[str], elapsed: float) -> None:
        """Share ``elapsed`` evenly among ``owners`` (one per row; a document with three
        rows pays three shares); raise ``OverBudget`` for those past the budget."""
        if not owners:
            return
        share = elapsed / len(owners)
        for owner in owners:
            self.spent[owner] = self.spent.get(owner, 0.0) + share
        over = {owner for owner in owners if self.spent[owner] > self.seconds}
        for owner in sorted(set(owners) - self.warned):
            if self.spent[owner] > self.seconds / 2:
                self.warned.add(owner)
                self.tell(f"{self.names.get(owner, owner)}: slow, {self.spent[owner]:.1f} s "
                          f"of its --doc-timeout {self.seconds:g} s used")
        if over:
            raise OverBudget(over)

    def restart(self, ids: Sequence[str]) -> None:
        """A fresh budget for ``ids``: their batch is run again from the start."""
        for owner in ids:
            self.spent[owner] = 0.0
            self.warned.discard(owner)

    def tell(self, text: str) -> None:
        if self.notify:
            self.notify(text)


@contextmanager
def charging(ledger: Ledger | None, ids: Sequence[str]) -> Iterator[None]:
    """Charge this thread's model work to ``ids`` (row ``i`` of the texts handed to the
    pipeline belongs to ``ids[i]``) while the block runs."""
    if ledger is None:
        yield
        return
    before = getattr(_here, "ledger", None), getattr(_here, "owners", None)
    _here.ledger, _here.owners = ledger, list(ids)
    try:
        yield
    finally:
        _here.ledger, _here.owners = before


@contextmanager
def owned_by(indices: Sequence[int]) -> Iterator[None]:
    """The texts handed on inside the block belong to the current texts ``indices``
    (text ``j`` inside is a part of text ``indices[j]`` outside)."""
    outer = getattr(_here, "owners", None)
    if outer is None:
        yield
        return
    _here.owners = [outer[i] for i in indices]
    try:
        yield
    finally:
        _here.owners = outer


def watching() -> dict:
    """``generate()`` arguments that charge each decoding step to the documents owning
    the current texts (one row each: a model wraps each of its batches in ``owned_by``);
    {} without a budget."""
    ledger, owners = getattr(_here, "ledger", None), getattr(_here, "owners", None)
    if ledger is None or owners is None:
        return {}
    from transformers import StoppingCriteria, StoppingCriteriaList

    class ChargeEachStep(StoppingCriteria):
        """Charges the time since the last step; never ends a row itself."""

        def __init__(self):
            self.last = clock()

        def __call__(self, input_ids, scores, **kwargs):
            import torch

            now = clock()
            ledger.charge(owners, now - self.last)
            self.last = now
            return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)

    return {"stopping_criteria": StoppingCriteriaList([ChargeEachStep()])}


def charge_call(elapsed: float) -> None:
    """Charge one whole model call over the current texts (a backend without a hook per
    decoding step: CTranslate2)."""
    ledger, owners = getattr(_here, "ledger", None), getattr(_here, "owners", None)
    if ledger is not None and owners is not None:
        ledger.charge(owners, elapsed)
