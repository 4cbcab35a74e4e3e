"""``--executor ray``: the same ``Pipeline`` on Ray Data actors, here or on a cluster.

The driver reads the sources, drops documents whose output is up to date and cuts
the rest into the very batches a local run makes (``document_batches``): a summary may
depend on what shares its batch, so the same batches make the same bytes. The batches
become a Ray Dataset; ``map_batches`` hands each to a ``PipelineWorker`` actor holding one
``Pipeline`` (models loaded once per actor), and the driver gets a row per document back,
written by ``record_run`` exactly as a local run's results are.

Ray Data restarts an actor that dies (``max_restarts``) and retries the batch it held
(``max_task_retries``); a batch's rows reach the driver only once the batch is done,
and ``record_run`` keeps the first result per id, so nothing is lost or written twice.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

from .documents import Document, Source
from .errors import SummariseError, UsageError
from .executor import Item, OnRead, RayOptions, Skip, Stop

COLUMNS = ("id", "source", "result", "models", "error")
# Environment a worker on this machine needs to find models as the driver does.
FORWARDED_ENV = ("HF_HOME", "HF_HUB_CACHE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE",
                 "XDG_CACHE_HOME", "TOKENIZERS_PARALLELISM")


def batch_row(documents: list[Document], key: str = "") -> dict:
    """One batch as one dataset row: the documents as JSON (text, language, metadata), and
    the key of the settings to run them with."""
    return {"key": key, "documents": json.dumps(
        [{"id": d.id, "source": d.source, "text": d.text, "lang": d.lang, "meta": d.meta}
         for d in documents], ensure_ascii=False)}


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

    def __init__(self, settings: dict, cwd: str):
        from .models import ModelRegistry
        from .pipeline import Pipeline

        enter(cwd)
        registry = ModelRegistry(next(iter(settings.values())))
        self.pipelines = {key: Pipeline(each, registry) for key, each in settings.items()}
        self.registry = registry

    def __call__(self, batch):
        """Summarise each batch row (a batch of documents) into one row per document.

        An error meant for the user (a model missing on this node) comes back as a row,
        since Ray would hand the driver a traceback where the message was."""
        out = []
        try:
            for record in batch.to_pylist():
                documents = [Document(**d) for d in json.loads(record["documents"])]
                for result in self.summarise(self.pipelines[record["key"]], documents):
                    out.append({"id": result.id, "source": result.source, "error": "",
                                "result": json.dumps(result.to_dict(), ensure_ascii=False)})
        except SummariseError as exc:
            out = [{"id": "", "source": "", "result": "",
                    "error": json.dumps([type(exc).__name__, str(exc)])}]
        models = json.dumps(self.registry.manifest())
        return table([{**r, "models": models} for r in out])

    def summarise(self, pipeline, documents: list[Document]):
        return pipeline.run(documents)


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

    def __init__(self, options: RayOptions):
        self.options = options
        self._models: dict = {}

    def models(self) -> dict:
        return self._models

    def items(self, pipeline, sources: list[Source], text_field: str, skip: Skip | None,
              stop: Stop, on_read: OnRead | None = None,
              doc_timeout: float | None = None) -> Iterator[Item]:
        """Reading and batching as a local run does; the batches' model work on Ray.
        (``doc_timeout`` is a local run's: Ray's actors run without it.)"""
        from .pipeline import document_batches

        if any(str(s.path) == "-" for s in sources):
            raise UsageError("--executor ray reads its inputs before starting Ray, but not "
                             "from stdin ('-'); use --executor local for that")
        batches = []
        for item in document_batches(pipeline, sources, self.options.batch_docs, text_field,
                                     skip, stop, on_read):
            if isinstance(item, list):
                batches.append(batch_row(item))
            else:
                yield item  # failures and documents up to date: on record at once
        if batches and not stop():
            yield from self.run_batches({"": pipeline.settings}, batches, stop)

    def run_batches(self, settings: dict, batches: list[dict], stop: Stop = lambda: False
                    ) -> Iterator:
        """DocumentResults of ``batches`` (``batch_row``s), in their order, from the actors."""
        ray = connect(self.options.address)
        try:
            for record in self.dataset(ray, settings, batches).iter_rows():
                if record["error"]:
                    raise user_error(*json.loads(record["error"]))
                self._models.update(json.loads(record["models"]))
                yield result_from_row(record)
                if stop():
                    return
        finally:
            ray.shutdown()

    def dataset(self, ray, settings: dict, batches: list[dict]):
        """Batches of documents -> one actor call each -> a row per document, lazily."""
        options = self.options
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # stdout in input order, as locally
        # Ray Data restarts a dead actor and retries its batch (its defaults:
        # max_restarts=-1, max_task_retries=-1).
        workers = min(options.workers or self.fitting_workers(ray), len(batches))
        return ray.data.from_items(batches, override_num_blocks=len(batches)).map_batches(
            self.worker_class, fn_constructor_kwargs={"settings": settings, "cwd": os.getcwd()},
            batch_size=1, batch_format="pyarrow", compute=ray.data.ActorPoolStrategy(size=workers),
            num_cpus=options.worker_cpus, num_gpus=options.worker_gpus or None)

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


def connect(address: str | None):
    """Start a Ray here (no dashboard, no usage reporting, nothing from the network) or join
    the cluster at ``address``; returns the ``ray`` module."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray

    env = {name: os.environ[name] for name in FORWARDED_ENV if name in os.environ}
    quiet = {"logging_level": "WARNING", "log_to_driver": True,
             "runtime_env": {"env_vars": env} if env else None}
    try:
        if address is None:
            ray.init(address="local", include_dashboard=False, **quiet)
        else:
            ray.init(address=address, **quiet)
    except (ConnectionError, ValueError, RuntimeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UsageError(f"--ray-address {address}: cannot reach a Ray cluster there "
                         f"({reason}); start one with `ray start --head`") from None
    return ray


def user_error(kind: str, message: str) -> SummariseError:
    """The SummariseError a worker raised, raised again here with its message."""
    from . import errors

    found = getattr(errors, kind, None)
    kind = found if isinstance(found, type) and issubclass(found, SummariseError) else None
    return (kind or SummariseError)(message)
