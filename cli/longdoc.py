"""Documents longer than the model's input window: map-reduce, never truncation.

A long text is split at sentence boundaries into chunks that fit the window (counted
in the model's own tokens, one sentence of overlap), every chunk is summarised, and
the joined partial summaries are treated as the new text, round after round, until
they fit; then the requested lengths are written from that.  All chunks of all
documents in a batch go through the model together.
"""

from __future__ import annotations

from dataclasses import dataclass

from .lengths import MAX_TOKEN_FACTOR, LengthPreset, tokens_per_word
from .models.base import Generated, Summariser
from .segment import split_sentences

MAX_ROUNDS = 8
OVERLAP_SENTENCES = 1
# A chunk's partial summary gets at most this share of the window, so each round
# shrinks the text by at least half and the recursion ends.
PARTIAL_SHARE = 0.25


@dataclass
class LongDocStats:
    chunks: int = 1
    reduce_rounds: int = 0


def chunk_text(text: str, lang: str, summariser: Summariser, limit: int) -> list[str]:
    """Consecutive sentence groups of at most ``limit`` tokens, overlapping by a sentence."""
    base = summariser.count_tokens([""])[0]  # prefix and end-of-sequence tokens
    pieces: list[str] = []
    for sentence in split_sentences(text, lang):
        pieces.extend(_split_between_words(sentence, summariser, limit, base))
    sizes = [n - base for n in summariser.count_tokens(pieces)] if pieces else []
    chunks: list[list[int]] = [[]]
    used = 0
    for index, size in enumerate(sizes):
        if chunks[-1] and used + size > limit - base:
            overlap = [i for i in chunks[-1][-OVERLAP_SENTENCES:]
                       if sum(sizes[j] for j in chunks[-1][-OVERLAP_SENTENCES:]) + size
                       <= (limit - base) // 2]
            chunks.append(overlap)
            used = sum(sizes[i] for i in overlap)
        chunks[-1].append(index)
        used += size
    return [" ".join(pieces[i] for i in chunk) for chunk in chunks if chunk]


def _split_between_words(sentence: str, summariser: Summariser, limit: int,
                         base: int) -> list[str]:
    """A sentence longer than a chunk is cut between words (a run-on list, a table row)."""
    if summariser.count_tokens([sentence])[0] <= limit:
        return [sentence]
    words = sentence.split()
    sizes = [n - base for n in summariser.count_tokens(words)]
    parts, current, used = [], [], 0
    for word, size in zip(words, sizes, strict=True):
        if current and used + size > (limit - base) * 0.9:
            parts.append(" ".join(current))
            current, used = [], 0
        current.append(word)
        used += size
    if current:
        parts.append(" ".join(current))
    return parts


def partial_preset(summariser: Summariser, lang: str) -> LengthPreset:
    """The length each chunk is summarised to: a quarter of the window, in words."""
    ratio = tokens_per_word(summariser.tokenizer, lang)
    words = max(5, int(summariser.max_input_tokens * PARTIAL_SHARE / (ratio * MAX_TOKEN_FACTOR)))
    return LengthPreset("partial", words=words, sentences=max(1, words // 20))


def summarise_any_length(summariser: Summariser, texts: list[str], lang: str,
                         presets: list[LengthPreset], out_lang: str | None = None
                         ) -> tuple[list[list[Generated]], list[LongDocStats]]:
    """Summaries of texts of any length, and how many chunks and rounds each needed."""
    window = summariser.max_input_tokens
    current = list(texts)
    stats = [LongDocStats() for _ in texts]
    pending = [i for i, n in enumerate(summariser.count_tokens(current)) if n > window]
    partial = partial_preset(summariser, lang) if pending else None
    while pending:
        owners, pieces = [], []
        for i in pending:
            chunks = chunk_text(current[i], lang, summariser, window)
            if stats[i].reduce_rounds == 0:
                stats[i].chunks = len(chunks)
            owners += [i] * len(chunks)
            pieces += chunks
        rows = summariser.summarise(pieces, lang, [partial])
        joined: dict[int, list[str]] = {i: [] for i in pending}
        for owner, row in zip(owners, rows, strict=True):
            joined[owner].append(row[0].text)
        for i in pending:
            current[i] = " ".join(joined[i])
            stats[i].reduce_rounds += 1
        sizes = summariser.count_tokens([current[i] for i in pending])
        pending = [i for i, n in zip(pending, sizes, strict=True) if n > window]
        if pending and max(stats[i].reduce_rounds for i in pending) >= MAX_ROUNDS:
            raise RuntimeError("map-reduce did not converge; partial summaries keep "
                               "outgrowing the window")
    if out_lang is None or out_lang == lang:
        rows = summariser.summarise(current, lang, presets)
    else:
        rows = summariser.summarise(current, lang, presets, out_lang=out_lang)
    return rows, stats
