"""Grounding: which source sentences support each summary sentence, and how well.

Lexical alignment on stemmed content words (``words.content_stems``):

* A summary sentence's **support** is the share of its distinct content words that occur
  in its supporting source sentences: 1.0 when every content word is found there, 0.0
  when none is.  A sentence without content words ("Yes.") has nothing to support and
  gets 1.0 with no sources.
* Its **supporting sentences** are chosen greedily: first the source sentence that holds
  the most of its content words (ties: the one with the fewest other words, then the
  earliest), then, while fewer than ``MAX_SOURCES`` are chosen, the sentence that adds
  the most words not yet found, if it adds at least ``MIN_GAIN`` of them (a summary
  sentence often fuses two or three source sentences).  A sentence copied from the
  source is therefore grounded to exactly that sentence with support 1.0.
* Sources are given as ``[start, end]`` character offsets into the source text.

The source is analysed once per (text, language) and looked up through an inverted
index, so grounding costs little beside summarising (``bench/grounding.py``).

A **translated** summary (one written from ``via``, the summary in the source's
language) is grounded through ``via``: its sentences are aligned to via's sentences by a
monotone alignment on character lengths (``align_sentences``; translators keep the order
of sentences and their relative lengths, as Gale and Church's aligner assumes), and each
sentence takes the grounding of the via sentence(s) it is aligned to.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from .words import Span, content_stems, sentence_spans

MAX_SOURCES = 3
MIN_GAIN = 2
# A summary sentence left without a via sentence costs this much in the alignment (the
# cost of a 1-1 pair grows with the log of how much their lengths disagree).
SKIP_COST = 3.0
MERGE_COST = 0.3  # a 1-2 or 2-1 bead: taken only where lengths say so clearly


@dataclass
class GroundedSentence:
    """One summary sentence: its text and offsets in the summary, its support in [0, 1],
    and the source sentences that support it (offsets into the source)."""

    text: str
    start: int
    end: int
    support: float
    sources: list[tuple[int, int]] = field(default_factory=list)
    entailment: float | None = None

    def to_dict(self) -> dict:
        out: dict = {"text": self.text, "support": round(self.support, 4),
                     "sources": [[s, e] for s, e in self.sources]}
        if self.entailment is not None:
            out["entailment"] = round(self.entailment, 4)
        return out


@dataclass(frozen=True)
class SourceIndex:
    """A source's sentences, each one's content words, and where each word occurs."""

    spans: tuple[Span, ...]
    words: tuple[frozenset[str], ...]
    sizes: tuple[int, ...]
    postings: dict[str, tuple[int, ...]]


@lru_cache(maxsize=64)
def index_source(source: str, lang: str) -> SourceIndex:
    """Analyse ``source`` once; every summary and length of a document reuses it."""
    spans = tuple(sentence_spans(source, lang))
    words = tuple(frozenset(content_stems(span.text, lang)) for span in spans)
    postings: dict[str, list[int]] = defaultdict(list)
    for number, sentence_words in enumerate(words):
        for word in sentence_words:
            postings[word].append(number)
    return SourceIndex(spans, words, tuple(map(len, words)),
                       {w: tuple(ids) for w, ids in postings.items()})


def ground_sentence(words: set[str], index: SourceIndex) -> tuple[float, list[int]]:
    """Support of a sentence with content ``words`` and the numbers of the source
    sentences chosen for it (in source order)."""
    if not words:
        return 1.0, []
    missing = set(words)
    chosen: list[int] = []
    while missing and len(chosen) < MAX_SOURCES:
        hits: Counter[int] = Counter()
        for word in missing:
            hits.update(index.postings.get(word, ()))
        if not hits:
            break
        best = min(hits, key=lambda n: (-hits[n], index.sizes[n], n))
        if chosen and hits[best] < MIN_GAIN:
            break
        chosen.append(best)
        missing -= index.words[best]
    return 1 - len(missing) / len(words), sorted(chosen)


def ground(summary: str, lang: str, source: str, source_lang: str
           ) -> list[GroundedSentence]:
    """Every sentence of ``summary`` (in ``lang``, the source's language) grounded in
    ``source``."""
    index = index_source(source, source_lang)
    grounded = []
    for span in sentence_spans(summary, lang):
        support, chosen = ground_sentence(set(content_stems(span.text, lang)), index)
        sources = [(index.spans[n].start, index.spans[n].end) for n in chosen]
        grounded.append(GroundedSentence(span.text, span.start, span.end, support, sources))
    return grounded


def ground_via(summary: str, lang: str, via: str, source: str, source_lang: str
               ) -> list[GroundedSentence]:
    """A translated ``summary`` grounded through ``via``, the source-language summary it
    was translated from: each sentence gets the union of the sources of the via
    sentences aligned to it and their support, weighted by their content words."""
    via_sentences = ground(via, source_lang, source, source_lang)
    spans = sentence_spans(summary, lang)
    links = align_sentences([len(s.text) for s in spans], [len(v.text) for v in via_sentences])
    grounded = []
    for number, span in enumerate(spans):
        partners = [via_sentences[j] for j in links.get(number, [])]
        weights = [max(1, len(set(content_stems(p.text, source_lang)))) for p in partners]
        support = (sum(w * p.support for w, p in zip(weights, partners, strict=True))
                   / sum(weights)) if partners else 0.0
        sources = sorted({s for p in partners for s in p.sources})
        grounded.append(GroundedSentence(span.text, span.start, span.end, support, sources))
    return grounded


def align_sentences(left: list[int], right: list[int]) -> dict[int, list[int]]:
    """A monotone alignment of two lists of sentence lengths (characters): for each left
    sentence, the right sentences it is aligned to (none, one or two).

    Dynamic programming over the beads 1-1, 1-2, 2-1, 1-0 and 0-1, as Gale and Church
    (1993) align translations: a bead costs the absolute log of the ratio of its two
    lengths, after scaling the right side to the left side's total (plus ``MERGE_COST``
    for a 1-2 or 2-1 bead), and a sentence left alone costs ``SKIP_COST``.  Translations
    keep the order of sentences, so the cheapest monotone path pairs them.
    """
    if not left or not right:
        return {}
    scale = sum(left) / max(1, sum(right))
    beads = ((1, 1), (1, 2), (2, 1), (1, 0), (0, 1))
    rows, cols = len(left), len(right)
    cost = [[math.inf] * (cols + 1) for _ in range(rows + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (cols + 1) for _ in range(rows + 1)]
    cost[0][0] = 0.0
    for i in range(rows + 1):
        for j in range(cols + 1):
            if cost[i][j] == math.inf:
                continue
            for di, dj in beads:
                if i + di > rows or j + dj > cols:
                    continue
                step = _bead_cost(sum(left[i:i + di]), scale * sum(right[j:j + dj]),
                                  di + dj == 3)
                if cost[i][j] + step < cost[i + di][j + dj]:
                    cost[i + di][j + dj] = cost[i][j] + step
                    back[i + di][j + dj] = (di, dj)
    links: dict[int, list[int]] = {}
    i, j = rows, cols
    while i or j:
        di, dj = back[i][j]  # type: ignore[misc]
        for a in range(i - di, i):
            links.setdefault(a, []).extend(range(j - dj, j))
        i, j = i - di, j - dj
    return {a: sorted(b) for a, b in links.items() if b}


def _bead_cost(left: float, right: float, merges: bool) -> float:
    if not left or not right:
        return SKIP_COST
    return abs(math.log(left / right)) + (MERGE_COST if merges else 0.0)


def lowest_support(sentences: list[GroundedSentence]) -> int | None:
    """The index of the least supported sentence (the first of equals), or None."""
    if not sentences:
        return None
    return min(range(len(sentences)), key=lambda n: (sentences[n].support, n))
