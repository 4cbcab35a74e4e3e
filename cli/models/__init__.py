"""Model families behind two protocols (``Summariser``, ``Translator``), loaded once each."""

from __future__ import annotations

from ..config import Settings, parse_direction
from ..errors import UsageError
from .base import Generated, Summariser, Translator
from .hub import ModelRef, resolve

__all__ = ["Generated", "ModelRegistry", "Summariser", "Translator"]


def summariser_for(loaded, settings: Settings) -> Summariser:
    """The summariser class that fits the model's architecture."""
    from .seq2seq import Seq2SeqSummariser

    if loaded.config.is_encoder_decoder:
        return Seq2SeqSummariser(loaded, settings.generation)
    raise UsageError(f"model {loaded.ref.name} ({loaded.config.model_type}) is not an "
                     "encoder-decoder summariser")


class ModelRegistry:
    """Resolves model names early (fast, clear errors) and loads each model at most once."""

    def __init__(self, settings: Settings, download: bool = True):
        self.settings = settings
        self.download = download
        self._refs: dict[str, ModelRef] = {}
        self._loaded: dict[str, object] = {}
        self._summariser: Summariser | None = None
        self._translators: dict[str, Translator] = {}

    def ref(self, name: str) -> ModelRef:
        if name not in self._refs:
            self._refs[name] = resolve(name, self.settings.allow_pickle, self.download)
        return self._refs[name]

    def translator_name(self, src: str, tgt: str) -> str:
        direction = f"{src}-{tgt}"
        name = self.settings.translators.get(direction)
        if not name:
            raise UsageError(f"no translator for {direction}: pass --translator "
                             f"{direction}=MODEL")
        return name

    def check(self, directions: list[str]) -> None:
        """Find every model the run may need before any heavy import."""
        self.ref(self.settings.summariser)
        for direction in directions:
            self.ref(self.translator_name(*parse_direction(direction)))

    def _load(self, name: str):
        from .runtime import load, set_threads

        if name not in self._loaded:
            set_threads(self.settings.generation.threads)
            self._loaded[name] = load(self.ref(name), self.settings.generation,
                                      self.settings.allow_pickle)
        return self._loaded[name]

    def summariser(self) -> Summariser:
        if self._summariser is None:
            self._summariser = summariser_for(self._load(self.settings.summariser),
                                              self.settings)
        return self._summariser

    def translator(self, src: str, tgt: str) -> Translator:
        from .translator import Seq2SeqTranslator

        name = self.translator_name(src, tgt)
        if name not in self._translators:  # one model may serve several directions
            self._translators[name] = Seq2SeqTranslator(self._load(name),
                                                        self.settings.generation)
        return self._translators[name]

    def loaded_names(self) -> list[str]:
        return list(self._loaded)

    def manifest(self) -> dict:
        return {name: loaded.manifest() for name, loaded in self._loaded.items()}
