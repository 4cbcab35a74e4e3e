"""The kinds of summariser model, named once (``models/kinds.py`` tells them apart).

A module of its own, importing nothing: the backend registry, the config schema and the
job all name the kinds, and none of them may import the model code to do it.
"""

from __future__ import annotations

from enum import StrEnum


class ModelKind(StrEnum):
    """How a summariser is asked: a plain encoder-decoder, an instruction-tuned one
    given a prompt, or a decoder-only chat model given a chat-templated prompt."""

    SEQ2SEQ = "seq2seq"
    INSTRUCT = "instruct"
    CHAT = "chat"


KINDS = tuple(kind.value for kind in ModelKind)
