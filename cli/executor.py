"""Where the model work of a run happens: here, or on the actors of a Ray cluster.

An executor turns sources into a stream of ``DocumentResult``, ``Failure`` and
``Skipped`` items: ``LocalExecutor`` in this process, ``RayExecutor`` (``ray_executor``)
on Ray Data actors. ``summarise_to`` (commands/run.py) writes the items of either the
same way (atomic per-document files, ``run.json``, failures, resume), so the two cannot
drift apart.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .documents import Document, Source
from .errors import UsageError

EXECUTORS = ("local", "ray")
Item = object  # DocumentResult | Failure | Skipped
Skip = Callable[[Document], bool]
Stop = Callable[[], bool]
OnRead = Callable[[int], None]


@dataclass(frozen=True)
class RayOptions:
    """How to reach Ray and how big each actor is (``--ray-address``, ``--workers`` ...)."""

    address: str | None = None  # None: start a Ray on this machine
    workers: int | None = None  # None: as many as the cluster's CPUs (or GPUs) allow
    worker_cpus: float = 1.0
    worker_gpus: float = 0.0
    batch_docs: int = 16  # documents per Pipeline.run: the same for both executors


def executor_from_params(params: dict):
    """``make_executor`` from a command's parsed flags (``options.EXECUTOR_FLAGS``)."""
    return make_executor(params["executor"], params.get("ray_address"), params.get("workers"),
                         params.get("worker_cpus"), params.get("worker_gpus"),
                         params.get("batch_docs"))


def make_executor(name: str, address: str | None = None, workers: int | None = None,
                  worker_cpus: float | None = None, worker_gpus: float | None = None,
                  batch_docs: int | None = None):
    """The executor a command asked for; Ray is imported only when it is used."""
    if name not in EXECUTORS:
        raise UsageError(f"--executor {name!r}: use local or ray")
    flags = {"--ray-address": address, "--workers": workers, "--worker-cpus": worker_cpus,
             "--worker-gpus": worker_gpus}
    defaults = RayOptions()
    if name == "local":
        given = [flag for flag, value in flags.items() if value is not None]
        if given:
            raise UsageError(f"{', '.join(given)} only apply with --executor ray")
        return LocalExecutor(batch_docs or defaults.batch_docs)
    if not all(importlib.util.find_spec(m) for m in ("ray", "pyarrow", "pandas")):
        raise UsageError("--executor ray needs Ray Data, which is not installed: "
                         "pip install 'summarise[ray]' (or pip install 'ray[data]')")
    if worker_cpus == 0 and not worker_gpus:
        raise UsageError("--worker-cpus 0 needs --worker-gpus: an actor must get a CPU or a GPU")
    from .ray_executor import RayExecutor

    return RayExecutor(RayOptions(
        address=address, workers=workers,
        worker_cpus=defaults.worker_cpus if worker_cpus is None else worker_cpus,
        worker_gpus=worker_gpus or defaults.worker_gpus,
        batch_docs=batch_docs or defaults.batch_docs))


class LocalExecutor:
    """Today's behaviour: the Pipeline in this process, batch by batch."""

    name = "local"

    def __init__(self, batch_docs: int = 16) -> None:
        self.batch_docs = batch_docs

    def items(self, pipeline, sources: list[Source], text_field: str, skip: Skip | None,
              stop: Stop, on_read: OnRead | None = None,
              doc_timeout: float | None = None) -> Iterator[Item]:
        from .pipeline import summarise_sources

        yield from summarise_sources(pipeline, sources, self.batch_docs, text_field=text_field,
                                     skip=skip, stop=stop, on_read=on_read,
                                     doc_timeout=doc_timeout)
