"""The engines that run a model (``--backend``), by name, in one registry.

Each backend declares which summariser kinds it runs and names the engine that loads a
resolved model and builds a summariser and a translator from it. The config schema, the
``--backend`` help and the model loader all read ``BACKENDS``, so adding a backend is one
engine module and one ``register`` line here; nothing else branches on a backend's name.

This module imports nothing heavy: the config schema reads it at ``--help`` time, and an
engine (torch, ctranslate2) is imported only when a model is loaded.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol

from .modelkind import KINDS

TORCH = "torch"
CTRANSLATE2 = "ctranslate2"
OPENAI = "openai"
ALL_KINDS = KINDS  # the summariser kinds of models/kinds.py


class Engine(Protocol):
    """What a backend does with a model: load it, and wrap it as a summariser of a kind
    it runs (``Backend.kinds``) or as a translator."""

    def load_model(self, ref, settings, notify=None): ...

    def summariser(self, loaded, settings, kind: str): ...

    def translator(self, loaded, generation): ...


@dataclass(frozen=True)
class Backend:
    """A backend: its name, the summariser kinds it runs, its engine (a module path,
    relative to this package or absolute, imported only when a model loads; or an object
    with the ``Engine`` methods) and the words the ``--backend`` help says after its name."""

    name: str
    engine: str | Engine
    kinds: tuple[str, ...] = ALL_KINDS
    help: str = ""
    # The summariser is a model id on a server, not files here: the engine resolves
    # (``server_ref``) and checks (``check_summariser``) it; translators stay local.
    remote: bool = False

    def runs(self, kind: str) -> bool:
        return kind in self.kinds

    def load_engine(self) -> Engine:
        if isinstance(self.engine, str):
            return importlib.import_module(self.engine, __package__)
        return self.engine


BACKENDS: dict[str, Backend] = {}


def register(backend: Backend) -> Backend:
    """Make ``backend`` a value of ``--backend`` and ``[generation] backend``."""
    if backend.name in BACKENDS:
        raise ValueError(f"a backend named {backend.name!r} is already registered")
    BACKENDS[backend.name] = backend
    return backend


def backend_named(name: str) -> Backend:
    """The registered backend ``name`` (``Settings.validate`` has refused any other)."""
    return BACKENDS[name]


def backends_help() -> str:
    """The ``--backend`` help: every registered backend with what it says of itself."""
    return ", or ".join(f"{b.name}{b.help}" for b in BACKENDS.values())


register(Backend(TORCH, ".models.torch_engine"))
register(Backend(
    CTRANSLATE2, ".models.ct2", kinds=("seq2seq",),
    help=" (pip install 'summarise[ctranslate2]'): models are converted once into "
    "~/.cache/summarise/ct2 and run in int8 on CPU, the fastest and smallest CPU path; "
    "words differ slightly from torch's"))
register(Backend(
    OPENAI, ".models.openai_engine", kinds=("chat",), remote=True,
    help=": the summariser (--summariser MODEL_ID) is a chat model on an OpenAI-compatible "
    "server at --api-base (vLLM, Ollama, llama.cpp, LM Studio, transformers serve); "
    "translators stay local"))
