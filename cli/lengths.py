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
from typing import TYPE_CHECKING

from .segment import count_words

if TYPE_CHECKING:
    from .config import Generation


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

# Token budgets around the word target: let the model stop from half the target on, and
# cap it at 1.6x the target's tokens, above OVERRUN so that a summary can finish its
# sentence before it is cut back.
MIN_FACTOR = 0.5
MAX_TOKEN_FACTOR = 1.6
# How far past its word target a summary may run before it is cut back at a sentence
# boundary (postprocess.fit_text); the eval's within-target rate uses the same bound.
OVERRUN = 1.4


@dataclass(frozen=True)
class TokenBudget:
    """How many new tokens one model call may write, and how many it must."""

    min_new_tokens: int
    max_new_tokens: int

    @property
    def exact(self) -> bool:
        """Every row writes the whole budget (``Generation.force_lengths``): a batch
        padded to its longest budget must cut each row back to its own."""
        return self.min_new_tokens >= self.max_new_tokens


@lru_cache(maxsize=4)
def sample_text(lang: str) -> str:
    name = f"sample_{lang if lang in ('de', 'en') else 'en'}.txt"
    return resources.files("summarise.data").joinpath(name).read_text(encoding="utf-8")


def tokens_per_word(tokenizer, lang: str) -> float:
    """How many tokens this tokenizer spends on one word of ``lang`` (at least 1.0)."""
    text = sample_text(lang)
    tokens = len(tokenizer(text, add_special_tokens=False)["input_ids"])
    return max(1.0, tokens / max(1, count_words(text)))


def budget(preset: LengthPreset, ratio: float, generation: Generation | None = None,
           floor: float = MIN_FACTOR, limit: int | None = None) -> TokenBudget:
    """Token budget for one preset given a tokens-per-word ratio.

    ``floor`` is the share of the target a model must write before it may stop (0: none).
    ``limit``: the most tokens the decoder can write at all (``output_window``).
    Benchmarks (``generation.force_lengths``) make every call write its whole budget, so
    that timings compare equal work; that is decided here, not in each model family.
    """
    target = preset.words * ratio
    most = max(2, math.ceil(target * MAX_TOKEN_FACTOR))
    if limit is not None:
        most = min(most, limit)
    if generation is not None and generation.force_lengths:
        return TokenBudget(most, most)
    least = min(most, max(1, math.floor(target * floor))) if floor else 0
    return TokenBudget(min_new_tokens=least, max_new_tokens=most)


def words_within(tokens: int, ratio: float) -> int:
    """The most words whose whole token budget (``budget``'s ``max_new_tokens``) stays
    within ``tokens``: what a model trained on summaries of ``tokens`` tokens is asked."""
    return max(1, math.floor(tokens / (ratio * MAX_TOKEN_FACTOR)))


def translation_budget(source_tokens: int, window: int,
                       generation: Generation | None = None) -> TokenBudget:
    """Room for the translation of a segment of ``source_tokens`` tokens: twice the source
    and a little, within the model's ``window`` of positions. Forced (benchmarks), exactly
    as long as the source: about what a real translation takes, and the same however
    segments are batched."""
    if generation is not None and generation.force_lengths:
        exact = max(1, source_tokens)
        return TokenBudget(exact, exact)
    return TokenBudget(0, max(4, min(window - 2, 2 * source_tokens + 8)))
