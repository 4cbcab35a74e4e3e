"""The two small protocols every model family implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..lengths import LengthPreset


@dataclass(frozen=True)
class Generated:
    text: str
    tokens: int
    hit_limit: bool  # stopped by max_new_tokens rather than by end-of-sequence
    ids: tuple[int, ...] = ()  # the generated token ids (no specials), for exact comparisons
    parts: int = 1  # summaries of the document's parts joined (``outputparts``)


class Summariser(Protocol):
    """Writes summaries of whole texts at several lengths in one call."""

    name: str
    tokenizer: object  # counts tokens for length budgets and chunking
    max_input_tokens: int
    can_write_other_language: bool  # True for models that summarise across languages

    def count_tokens(self, texts: list[str]) -> list[int]: ...

    def summarise(self, texts: list[str], lang: str,
                  presets: list[LengthPreset], out_lang: str | None = None
                  ) -> list[list[Generated]]:
        """One row per text, one ``Generated`` per preset, in the order given."""
        ...


class Translator(Protocol):
    """Translates texts of any length from ``src`` to ``tgt`` (never truncating)."""

    name: str

    def translate(self, texts: list[str], src: str, tgt: str) -> list[str]: ...
