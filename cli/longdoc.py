"""Documents longer than the model's input window: map-reduce that always ends.

A long text is packed at sentence boundaries into chunks that fit the window (counted
in the model's own tokens, one sentence of overlap), and every chunk is summarised to
a *partial* of at most ``shape.partial`` tokens. Partials are then joined ``fan_in`` at
a time and summarised again, round after round, until at most ``fan_in`` are left:
their join fits the window by construction, and the requested lengths are written
from it.

Why this ends: ``fan_in`` capped partials fit one input (``fan_in x (partial + 1) <=
room``), so each round turns n texts into ceil(n / fan_in) < n, and a document of c
chunks needs at most ceil(log_fan_in(c)) rounds. A partial that comes back longer
than its cap (a tokenizer that counts its own output differently) is cut back at a
sentence boundary, or between words when one sentence is already too long; the words
dropped that way are counted, and the document says ``truncated``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .budget import owned_by
from .engine import even_split
from .lengths import MAX_TOKEN_FACTOR, LengthPreset, budget, tokens_per_word
from .models.base import Generated, Summariser
from .outputparts import summarise_within_trained_length
from .segment import count_words, pack_sentences, split_sentences

OVERLAP_SENTENCES = 1
FAN_IN = 4  # partials per reduce input: each round shrinks the text about four-fold
MIN_ROOM = 16  # content tokens an input always gets, even under a long prompt template
MIN_PARTIAL = 8  # below this a partial says too little; fan in fewer instead
# A partial is asked for in fewer tokens than its cap: decoded text can count a few
# more tokens when read again, and a cut to the cap loses words.
BUDGET_SHARE = 0.8
SLICE = 64  # chunks per model call: progress (and interrupts) between calls

# Called as progress(done, total, round, max_rounds) while a long document is reduced:
# ``done`` of the round's ``total`` inputs (round 1: the chunks) are summarised.
Progress = Callable[[int, int, int, int], None]


@dataclass
class LongDocStats:
    chunks: int = 1
    reduce_rounds: int = 0
    truncated: bool = False
    words_dropped: int = 0


@dataclass(frozen=True)
class ReduceShape:
    """How a summariser's window is shared in map-reduce (all counts in content tokens)."""

    room: int  # what one input may hold, the prompt or prefix aside
    fan_in: int  # partials joined into one reduce input
    partial: int  # hard cap on one partial summary

    def max_rounds(self, chunks: int) -> int:
        """The bound the loop keeps: ceil(log_fan_in(chunks)), at least one round."""
        return max(1, math.ceil(math.log(max(chunks, 2), self.fan_in) - 1e-9))


def reduce_shape(summariser: Summariser, presets: list[LengthPreset], lang: str,
                 overhead: int) -> ReduceShape:
    """The largest partial that lets ``fan_in`` of them share one input, never longer
    than the longest requested summary can use (random models never stop early, so an
    uncapped partial costs its whole budget in time), nor than the model was trained to
    write (``trained_output_tokens``, from its profile)."""
    room = max(MIN_ROOM, summariser.max_input_tokens - overhead)
    fan_in = FAN_IN if room // FAN_IN - 1 >= MIN_PARTIAL else 2
    ratio = tokens_per_word(summariser.tokenizer, lang)
    longest = max((budget(p, ratio).max_new_tokens for p in presets), default=room)
    trained = getattr(summariser, "trained_output_tokens", None) or longest
    return ReduceShape(room=room, fan_in=fan_in,
                       partial=max(1, min(room // fan_in - 1, longest, trained)))


def partial_preset(shape: ReduceShape, summariser: Summariser, lang: str) -> LengthPreset:
    """A length preset whose token budget stays within ``shape.partial`` with a margin."""
    ratio = tokens_per_word(summariser.tokenizer, lang)
    words = max(1, int(shape.partial * BUDGET_SHARE / (ratio * MAX_TOKEN_FACTOR)))
    return LengthPreset("partial", words=words, sentences=max(1, words // 20))


class Reducer:
    """Map-reduce of one summariser's long inputs to texts that fit its window."""

    def __init__(self, summariser: Summariser, lang: str, presets: list[LengthPreset]):
        self.summariser = summariser
        self.lang = lang
        self.overhead = summariser.count_tokens([""])[0]  # prefix or prompt, end token
        self.shape = reduce_shape(summariser, presets, lang, self.overhead)
        self.preset = partial_preset(self.shape, summariser, lang)
        self.bounds: dict[int, int] = {}  # each text's most rounds (``max_rounds``)

    def count(self, texts: list[str]) -> list[int]:
        """Content tokens of each text, the prompt or prefix left out."""
        return [max(0, n - self.overhead) for n in self.summariser.count_tokens(texts)]

    def fits(self, texts: list[str], limit: int | None = None) -> list[bool]:
        return [n <= (limit or self.shape.room) for n in self.count(texts)]

    def reduce_all(self, texts: list[str], stats: list[LongDocStats],
                   progress: list[Progress | None] | None = None) -> list[str]:
        """Each of ``texts`` summarised down to one input that fits the window. The
        chunks of all texts go through the model together, round by round, so that a
        batch of short articles of two or three chunks each fills a model batch, as one
        long article does; each text leaves when its partials fit."""
        pending = {}
        for index, text in enumerate(texts):
            pending[index] = pack_sentences(text, self.lang, self.count, self.shape.room,
                                            overlap=OVERLAP_SENTENCES)
            stats[index].chunks = len(pending[index])
            self.bounds[index] = self.shape.max_rounds(len(pending[index]))
        done: dict[int, str] = {}
        while pending:
            partials = self._summarise_round(pending, stats, progress)
            for index, parts in partials.items():
                stats[index].reduce_rounds += 1
                joined = " ".join(parts)
                if len(parts) <= self.shape.fan_in or self.fits([joined])[0]:
                    done[index] = self._cap(joined, self.shape.room, stats[index])
                    del pending[index]
                    continue
                groups = even_split(parts, math.ceil(len(parts) / self.shape.fan_in))
                pending[index] = [self._cap(" ".join(group), self.shape.room, stats[index])
                                  for group in groups]
        return [done[index] for index in range(len(texts))]

    def _summarise_round(self, pending: dict[int, list[str]], stats: list[LongDocStats],
                         progress: list[Progress | None] | None) -> dict[int, list[str]]:
        """One partial per piece, per text; ``SLICE`` pieces per model call."""
        owned = [(index, piece) for index, pieces in pending.items() for piece in pieces]
        partials: dict[int, list[str]] = {index: [] for index in pending}
        for start in range(0, len(owned), SLICE):
            owners, pieces = zip(*owned[start:start + SLICE], strict=True)
            with owned_by(owners):  # --doc-timeout charges a chunk to its document
                rows = self.summariser.summarise(list(pieces), self.lang, [self.preset])
            texts = [row[0].text for row in rows]
            fits = self.fits(texts, self.shape.partial)
            for index, text, fit in zip(owners, texts, fits, strict=True):
                partials[index].append(
                    text if fit else self._cap(text, self.shape.partial, stats[index]))
            for index in sorted(set(owners)):
                if progress and progress[index]:
                    progress[index](len(partials[index]), len(pending[index]),
                                    stats[index].reduce_rounds + 1, self.bounds[index])
        return partials

    def _cap(self, text: str, limit: int, stats: LongDocStats) -> str:
        """``text`` within ``limit`` tokens: whole sentences while they fit, else the
        words of the first one; what is cut is counted in ``stats``."""
        if self.count([text])[0] <= limit:
            return text
        sentences = split_sentences(text, self.lang)
        kept = _longest_prefix(sentences, self.count, limit)
        if not kept:
            kept = [" ".join(_longest_prefix(text.split(), self.count, limit))]
        capped = " ".join(kept)
        stats.truncated = True
        stats.words_dropped += count_words(text) - count_words(capped)
        return capped


def _longest_prefix(units: list[str], count: Callable[[list[str]], list[int]],
                    limit: int) -> list[str]:
    """The most leading ``units`` whose join fits ``limit`` (binary search on the join)."""
    low, high = 0, len(units)  # invariant: units[:low] fits
    while low < high:
        middle = (low + high + 1) // 2
        if count([" ".join(units[:middle])])[0] <= limit:
            low = middle
        else:
            high = middle - 1
    return units[:low]


def summarise_any_length(summariser: Summariser, texts: list[str], lang: str,
                         presets: list[LengthPreset], out_lang: str | None = None,
                         progress: Callable[[int], Progress] | None = None,
                         ) -> tuple[list[list[Generated]], list[LongDocStats]]:
    """Summaries of texts of any length, and how many chunks and rounds each needed.

    ``progress(i)`` gives the callback for text ``i`` while it is reduced."""
    stats = [LongDocStats() for _ in texts]
    current = list(texts)
    reducer = Reducer(summariser, lang, presets)
    long = [i for i, fits in enumerate(reducer.fits(current)) if not fits]
    if long:
        with owned_by(long):
            reduced = reducer.reduce_all([texts[i] for i in long], [stats[i] for i in long],
                                         [progress(i) if progress else None for i in long])
        for i, text in zip(long, reduced, strict=True):
            current[i] = text
    return summarise_within_trained_length(summariser, current, lang, presets, out_lang), stats
