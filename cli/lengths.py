"""Length presets: word targets a reader understands, turned into token budgets per model.

A preset says how long a summary should be in words (and sentences).  Models count in
tokens, and how many tokens a word takes depends on the tokenizer and the language, so
the ratio is measured once per tokenizer and language on a fixed sample text shipped
with the package: budgets are then the same for every batch, which keeps runs
reproducible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .segment import count_words


@dataclass(frozen=True)
class LengthPreset:
    name: str
    words: int
    sentences: int

    def describe(self) -> str:
        unit = "sentence" if self.sentences == 1 else "sentences"
        return f"about {self.words} words / {self.sentences} {unit}"


PRESETS: dict[str, LengthPreset] = {
    "short": LengthPreset("short", words=25, sentences=1),
    "medium": LengthPreset("medium", words=60, sentences=3),
    "long": LengthPreset("long", words=120, sentences=6),
}
LENGTH_NAMES = tuple(PRESETS)

# Budgets around the word target: let the model stop from half the target on, and cap
# it at 1.6x (a summary that runs over is cut back at a sentence boundary afterwards).
MIN_FACTOR = 0.5
MAX_FACTOR = 1.6


@dataclass(frozen=True)
class TokenBudget:
    min_new_tokens: int
    max_new_tokens: int


@lru_cache(maxsize=4)
def sample_text(lang: str) -> str:
    name = f"sample_{lang if lang in ('de', 'en') else 'en'}.txt"
    return resources.files("summarise.data").joinpath(name).read_text(encoding="utf-8")


def tokens_per_word(tokenizer, lang: str) -> float:
    """How many tokens this tokenizer spends on one word of ``lang`` (at least 1.0)."""
    text = sample_text(lang)
    tokens = len(tokenizer(text, add_special_tokens=False)["input_ids"])
    return max(1.0, tokens / max(1, count_words(text)))


def budget(preset: LengthPreset, ratio: float) -> TokenBudget:
    """Token budget for one preset given a tokens-per-word ratio."""
    target = preset.words * ratio
    return TokenBudget(
        min_new_tokens=max(1, math.floor(target * MIN_FACTOR)),
        max_new_tokens=max(2, math.ceil(target * MAX_FACTOR)),
    )
