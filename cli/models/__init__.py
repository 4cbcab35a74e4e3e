"""Model families behind two protocols (``Summariser``, ``Translator``), loaded once each."""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import CancelledError, Future
from typing import TYPE_CHECKING, Protocol

from ..backends import backend_named
from ..config import Settings
from ..errors import SummariseError, UsageError
from ..isolation import is_out_of_memory
from ..lengths import MODEL_STOPS, LengthPolicy
from ..modelkind import ModelKind
from ..serveropts import SERVER_TRANSLATOR
from .base import Generated, Summariser, Translator
from .checker import CHECKER_FLAG, NliChecker
from .hub import SUMMARISER_FLAG, ModelRef, resolve, with_value
from .modelfiles import check_files, check_translator_role

if TYPE_CHECKING:  # at run time summarise.checks imports the eval side, which imports us
    from ..checks import Checker  # the protocol annotate() calls; NliChecker is one

__all__ = ["Generated", "ModelRegistry", "Models", "Summariser", "Translator"]

# One model load at a time in this process, whichever registry or thread asks.
# transformers' from_pretrained flips process-wide switches for the time of a load (weight
# tying off, torch.linspace patched) and puts back what it found; two loads that overlap
# put them back out of order and leave them flipped for good. Measured with transformers
# 5.24: after two threads loaded the same mT5 at once, every later load left its tied
# embeddings on the meta device ("Cannot copy out of meta tensor").
_ONE_LOAD_AT_A_TIME = threading.Lock()


class Models(Protocol):
    """What a Pipeline and an executor ask of the models of a run: ``ModelRegistry``, or
    anything a Python user puts in its place (a test's fake, a server's pool)."""

    def summariser(self) -> Summariser: ...

    def translator(self, src: str, tgt: str) -> Translator: ...

    def prefetch_summariser(self) -> None:
        """Start loading the summariser in the background (nothing, if it loads on use)."""

    def prefetch_translators(self, directions: list[tuple[str, str]]) -> None:
        """Start loading these translator directions in the background."""

    def settle(self) -> None:
        """Wait for what is loading in the background."""

    def stop_prefetching(self) -> None:
        """Drop the loads still queued; wait for the one in progress."""

    def manifest(self) -> dict:
        """Per loaded model: its files and how it ran (run.json)."""

    def checker(self) -> Checker | None:
        """The ``--checker`` model that scores each summary sentence, or None."""


def summariser_for(loaded, settings: Settings, kind: ModelKind,
                   lengths: LengthPolicy = MODEL_STOPS) -> Summariser:
    """The summariser the backend's engine builds for the model's kind (see ``kinds``:
    seq2seq, instruct, chat; detected from its config and name, or set with
    ``--model-kind``), checked by ``ModelRegistry.summariser_kind``; ``lengths``: how
    long it writes (a bench forces the whole budget)."""
    return _engine(settings).summariser(loaded, settings, kind, lengths)


def _engine(settings: Settings):
    return backend_named(settings.generation.backend).load_engine()


class ModelRegistry:
    """Resolves model names early (fast, clear errors) and loads each model at most once.

    ``lengths`` is how much of its token budget each model call must write: by default
    a model stops when it is done; a benchmark passes ``lengths.ForcedLengths()`` so that
    every call writes its whole budget. It is no setting (not in config files, not in the
    settings hash): only a program that builds its own registry can choose it."""

    def __init__(self, settings: Settings, download: bool = True, notify=None,
                 lengths: LengthPolicy = MODEL_STOPS):
        self.settings = settings
        self.lengths = lengths
        self.download = download
        self.notify = notify  # called with one-line progress messages (model conversion)
        self._refs: dict[str, ModelRef] = {}
        self._loaded: dict[str, object] = {}
        self._loading: dict[str, Future] = {}  # names being loaded in the background
        self._lock = threading.Lock()
        self._queue: deque[str] = deque()  # names to prefetch, under the lock
        self._worker: threading.Thread | None = None
        self._summariser: Summariser | None = None
        self._kind: ModelKind | None = None
        self._translators: dict[str, Translator] = {}
        self._checker: NliChecker | None = None

    def served(self, name: str) -> bool:
        """True for the summariser of a server backend (``--backend openai``), and for
        ``--translator SRC-TGT=server`` there (the same model translates)."""
        return (name in (self.settings.summariser, SERVER_TRANSLATOR)
                and backend_named(self.settings.generation.backend).remote)

    def ref(self, name: str) -> ModelRef:
        if name not in self._refs and self.served(name):
            self._refs[name] = _engine(self.settings).server_ref(name, self.settings)
        if name not in self._refs:
            self._refs[name] = resolve(name, self.settings.allow_pickle, self.download,
                                       self.flag_for(name), self.notify)
        return self._refs[name]

    def flag_for(self, name: str) -> str:
        """How the user sets this model: ``--summariser`` or ``--translator de-en=``."""
        if name == self.settings.summariser:
            return "--summariser"
        if name == self.settings.checker:
            return CHECKER_FLAG
        directions = [d for d, model in self.settings.translators.items() if model == name]
        return f"--translator {directions[0]}=" if directions else "--summariser"

    def translator_name(self, src: str, tgt: str) -> str:
        direction = f"{src}-{tgt}"
        name = self.settings.translators.get(direction)
        if not name:
            raise UsageError(f"no translator for {direction}: pass --translator "
                             f"{direction}=MODEL")
        return name

    def summariser_kind(self, plans: list | None = None) -> ModelKind:
        """seq2seq, instruct or chat, from the model's files (no weights loaded: its JSON
        files and safetensors headers are checked); refuses a model that is no summariser,
        and a backend, strategy or prompt option its kind cannot honour (``plans``: the
        routes the run may take; every one the settings allow if not given). Checked once
        per registry: the summariser is built with the kind found here."""
        if self._kind is None:
            from ..plan import possible_plans
            from .kinds import check_fits, kind_of

            name = self.settings.summariser
            every = plans if plans is not None else possible_plans(self.settings)
            if self.served(name):  # the server answers and serves it (no files here)
                kind = ModelKind(_engine(self.settings).check_summariser(self.settings))
            else:
                path = self.ref(name).path
                check_files(path, with_value(SUMMARISER_FLAG, name))
                kind = kind_of(name, path, self.settings.model_kind)
            check_fits(kind, self.settings, name, every)
            self._kind = kind
        return self._kind

    def check_translator(self, src: str, tgt: str) -> None:
        """The translator for ``src``-``tgt`` is there, readable and a translation model
        (no weights loaded)."""
        name = self.translator_name(src, tgt)
        if self.served(name):  # the server, checked with the summariser
            return
        label = with_value(f"--translator {src}-{tgt}=", name)
        check_translator_role(check_files(self.ref(name).path, label), label)

    def check_checker(self) -> None:
        """The ``--checker`` model is there, readable and an NLI classifier with an
        entailment class (no weights loaded)."""
        from .checker import check_checker_role

        label = with_value(CHECKER_FLAG, self.settings.checker)
        check_checker_role(check_files(self.ref(self.settings.checker).path, label), label)

    def prefetch(self, names: list[str]) -> None:
        """Load ``names`` in a background thread, one after the other, so that importing
        torch and reading the weights overlap with what the caller does meanwhile (reading
        files, detecting languages, the summariser's first batch). ``_load`` waits for a
        model being fetched; a loading error is raised there, where the model is needed.

        The thread ends as soon as nothing is left to load, and is not a daemon: a
        daemon thread still inside torch or the tokenizer's native code when the
        interpreter exits is torn down mid-call, and the C++ runtime aborts the process
        ("terminate called without an active exception", exit 134). So exiting waits
        for the load in progress; ``stop_prefetching`` drops the ones still queued."""
        with self._lock:
            names = [n for n in dict.fromkeys(names)
                     if n not in self._loaded and n not in self._loading]
            for name in names:
                self._loading[name] = Future()
                self._queue.append(name)
            if self._queue and self._worker is None:
                self._worker = threading.Thread(target=self._prefetch_loop,
                                                name="summarise-prefetch")
                self._worker.start()

    def _prefetch_loop(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._worker = None
                    return
                name = self._queue.popleft()
                future = self._loading[name]
            try:
                future.set_result(self._load_now(name))
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits
                future.set_exception(exc)
                if isinstance(exc, SummariseError):
                    self.stop_prefetching()  # the run ends with this error: load no more

    def stop_prefetching(self) -> None:
        """Drop the loads still queued (a later ``_load`` of one loads it then) and wait
        for the load in progress, so that a run ending early waits for one load at most
        and leaves no thread behind that still loads when the caller goes on (a library
        user, or the next run in the same process)."""
        with self._lock:
            while self._queue:
                self._loading.pop(self._queue.popleft()).cancel()
            worker = self._worker
        if worker is not None and worker is not threading.current_thread():
            worker.join()

    def prefetch_summariser(self) -> None:
        self.prefetch([self.settings.summariser])

    def prefetch_translators(self, directions: list[tuple[str, str]]) -> None:
        names = []
        for src, tgt in directions:
            try:
                names.append(self.translator_name(src, tgt))
            except UsageError:  # reported when the direction is really used
                pass
        self.prefetch(names)

    def settle(self) -> None:
        """Wait until every model asked for in the background is loaded (or failed: the
        error is raised where that model is used), so that ``--doc-timeout`` does not
        count loading against the first documents."""
        for future in list(self._loading.values()):
            try:
                future.exception()
            except CancelledError:  # dropped: loads when it is used
                pass

    def _load(self, name: str):
        future = self._loading.get(name)
        if future is None:
            return self._load_now(name)
        try:
            loaded = future.result()
        except CancelledError:  # dropped from the queue before it started
            return self._load_now(name)
        if getattr(loaded, "remote", False):  # no torch in this process for it
            return loaded
        # torch's thread count and grad mode are per thread: the thread that runs the
        # model gets the settings that loading gave the prefetch thread.
        import torch

        from .runtime import set_threads

        set_threads(self.settings.generation.threads)
        torch.set_grad_enabled(False)
        return loaded

    def _load_now(self, name: str, read=None):
        """Load ``name``; a failure that is the model's, not the run's, becomes one
        ``UsageError`` naming the flag that chose it, so that it ends the run instead of
        failing every document (``isolation`` retries only what is no ``SummariseError``).
        ``read``: how to load it, where the backend's engine is not the way (the checker)."""
        if name not in self._loaded:
            try:
                with _ONE_LOAD_AT_A_TIME:
                    self._loaded[name] = read() if read else self._read_model(name)
            except (SummariseError, KeyboardInterrupt):
                raise
            except Exception as exc:
                if is_out_of_memory(exc):
                    raise
                reason = " ".join(str(exc).split())[:200] or "no message"
                if "ignore_mismatched_sizes" in reason:  # its report went to the muted log
                    reason = "weights of other shapes than its config.json says"
                raise UsageError(f"{with_value(self.flag_for(name), name)}: the model could "
                                 f"not be loaded ({type(exc).__name__}: {reason}); its "
                                 "files may be damaged, incomplete or not match its "
                                 "config.json: download it again or pass another model"
                                 ) from exc
        return self._loaded[name]

    def _read_model(self, name: str):
        from .runtime import set_threads

        if not self.served(name):
            set_threads(self.settings.generation.threads)
        return _engine(self.settings).load_model(self.ref(name), self.settings, self.notify)

    def summariser(self) -> Summariser:
        if self._summariser is None:
            kind = self.summariser_kind()
            self._summariser = summariser_for(self._load(self.settings.summariser),
                                              self.settings, kind, self.lengths)
        return self._summariser

    def translator(self, src: str, tgt: str) -> Translator:
        name = self.translator_name(src, tgt)
        if name not in self._translators:  # one model may serve several directions
            self._translators[name] = _engine(self.settings).translator(
                self._load(name), self.settings.generation, self.lengths)
        return self._translators[name]

    def checker(self) -> Checker | None:
        """The ``--checker`` NLI model, loaded at its first use (torch, on the run's
        device, dtype and threads, whatever ``--backend`` runs the summariser); None when
        no checker was asked for."""
        name = self.settings.checker
        if not name:
            return None
        if self._checker is None:
            from .checker import NliChecker, load_checker

            self.check_checker()
            loaded = self._load_now(name, read=lambda: load_checker(self.ref(name),
                                                                    self.settings))
            self._checker = NliChecker(loaded, self.settings.generation.batch_size)
        return self._checker

    def loaded_names(self) -> list[str]:
        return list(self._loaded)

    def manifest(self) -> dict:
        """Per loaded model: its files, and the profile, window and decoding it ran with."""
        from .profiles import used

        out = {name: loaded.manifest() for name, loaded in self._loaded.items()}
        for model in (self._summariser, *self._translators.values()):
            if model is not None and model.name in out and hasattr(model, "profile"):
                window = getattr(model, "max_input_tokens", None) or model.window
                out[model.name].update(used(model.profile, model.generation, window))
        if self._checker is not None and self._checker.name in out:
            out[self._checker.name].update(self._checker.manifest())
        return out
