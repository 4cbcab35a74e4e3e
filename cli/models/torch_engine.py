"""The PyTorch backend (``--backend torch``, the default): transformers models run as
they are, each summariser kind by its own class."""

from __future__ import annotations

from ..config import Generation, Settings
from ..errors import UsageError
from ..lengths import MODEL_STOPS, LengthPolicy
from .base import Summariser, Translator
from .hub import ModelRef


def load_model(ref: ModelRef, settings: Settings, notify=None):
    from .runtime import load

    return load(ref, settings.generation, settings.allow_pickle)


def summariser(loaded, settings: Settings, kind: str,
               lengths: LengthPolicy = MODEL_STOPS) -> Summariser:
    """The class for the model's kind: chat and instruct models are prompted, seq2seq
    models summarise what they are given."""
    from ..prompting import template_for

    if kind == "chat":
        from .chat import ChatSummariser

        return ChatSummariser(loaded, settings.generation, template_for(settings, kind), lengths)
    if kind == "instruct":
        from .instruct import InstructSummariser

        return InstructSummariser(loaded, settings.generation, template_for(settings, kind),
                                  lengths)
    if loaded.config.is_encoder_decoder:
        from .seq2seq import Seq2SeqSummariser

        return Seq2SeqSummariser(loaded, settings.generation, lengths)
    raise UsageError(f"model {loaded.ref.name} ({loaded.config.model_type}) is not an "
                     "encoder-decoder summariser")


def translator(loaded, generation: Generation,
               lengths: LengthPolicy = MODEL_STOPS) -> Translator:
    from .translator import Seq2SeqTranslator

    return Seq2SeqTranslator(loaded, generation, lengths)
