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
from typing import Protocol

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
        """Every row writes the whole budget (``ForcedLengths``): a batch padded to its
        longest budget must cut each row back to its own."""
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


def budget(preset: LengthPreset, ratio: float, floor: float = MIN_FACTOR,
           limit: int | None = None) -> TokenBudget:
    """Token budget for one preset given a tokens-per-word ratio.

    ``floor`` is the share of the target a model must write before it may stop (0: none).
    ``limit``: the most tokens the decoder can write at all (``output_window``).
    """
    target = preset.words * ratio
    most = max(2, math.ceil(target * MAX_TOKEN_FACTOR))
    if limit is not None:
        most = min(most, limit)
    least = min(most, max(1, math.floor(target * floor))) if floor else 0
    return TokenBudget(min_new_tokens=least, max_new_tokens=most)


def words_within(tokens: int, ratio: float) -> int:
    """The most words whose whole token budget (``budget``'s ``max_new_tokens``) stays
    within ``tokens``: what a model trained on summaries of ``tokens`` tokens is asked."""
    return max(1, math.floor(tokens / (ratio * MAX_TOKEN_FACTOR)))


def translation_budget(source_tokens: int, window: int) -> TokenBudget:
    """Room for the translation of a segment of ``source_tokens`` tokens: twice the source
    and a little, within the model's ``window`` of positions."""
    return TokenBudget(0, max(4, min(window - 2, 2 * source_tokens + 8)))


class LengthPolicy(Protocol):
    """How much of its token budget a model call must write. Passed to the model classes
    (through ``ModelRegistry(..., lengths=)``), never read from the settings."""

    def summary(self, preset: LengthPreset, ratio: float, floor: float = MIN_FACTOR,
                limit: int | None = None) -> TokenBudget: ...

    def translation(self, source_tokens: int, window: int) -> TokenBudget: ...


class ModelStops:
    """The length policy of every run: a model writes at least the floor of its budget
    and may stop anywhere after it, up to the budget's maximum."""

    def summary(self, preset: LengthPreset, ratio: float, floor: float = MIN_FACTOR,
                limit: int | None = None) -> TokenBudget:
        return budget(preset, ratio, floor, limit)

    def translation(self, source_tokens: int, window: int) -> TokenBudget:
        return translation_budget(source_tokens, window)


class ForcedLengths:
    """A benchmark's length policy: every call writes its whole budget (minimum =
    maximum), so that timings of two engines, or of the engine and a naive loop, compare
    equal work even on random-weight models that stop anywhere or never. A translation
    is forced to the length of its source: about what a real one takes, and the same
    however segments are batched.

    Not a setting: a user cannot ask for it (config files refuse the key), and it leaves
    the settings hash alone. A bench passes it to ``ModelRegistry(settings,
    lengths=ForcedLengths())``, which hands it to every summariser and translator."""

    def summary(self, preset: LengthPreset, ratio: float, floor: float = MIN_FACTOR,
                limit: int | None = None) -> TokenBudget:
        most = budget(preset, ratio, floor, limit).max_new_tokens
        return TokenBudget(most, most)

    def translation(self, source_tokens: int, window: int) -> TokenBudget:
        exact = max(1, source_tokens)
        return TokenBudget(exact, exact)


# The policy a model gets when nobody passes one.
MODEL_STOPS: LengthPolicy = ModelStops()
