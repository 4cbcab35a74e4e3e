"""Extractive baselines that need no model: lead-k and a LexRank-style graph ranker.

Both split sentences with ``summarise.segment.split_sentences`` in the document's
language, so German abbreviations ("z. B.", "Dr.", "18. Juni") and quotes »…« do not
cut sentences in half, and both leave out heading lines ("Beschreibung", "Etymologie"
in an encyclopedia article): a short line of its own without sentence punctuation.
"""

from __future__ import annotations

import math
from collections import Counter

from ..segment import count_words
from .text import Analyzer, sentences_of

_ENDS = (".", "!", "?", "…")
_CLOSERS = "«»“”\"'’‹›)"
# lead-k splits only the start of a long document: pysbd is slow on whole articles.
_LEAD_CHARS_PER_SENTENCE = 200
HEADING_MAX_WORDS = 10


def is_heading(line: str) -> bool:
    """A short line without final sentence punctuation ("Geschichte", "Early life")."""
    line = line.strip()
    return (bool(line) and len(line.split()) <= HEADING_MAX_WORDS
            and not line.rstrip(_CLOSERS).endswith((*_ENDS, ":", ";", ",")))


def without_headings(text: str) -> str:
    """``text`` without its heading lines, unless nothing else is left."""
    lines = text.splitlines()
    body = [line for line in lines if not is_heading(line)]
    return "\n".join(body) if any(line.strip() for line in body) else text


def lead(text: str, lang: str, k: int) -> list[str]:
    """The first ``k`` sentences of ``text``, headings left out."""
    text = without_headings(text)
    size = _LEAD_CHARS_PER_SENTENCE * (k + 1)
    while True:
        prefix = text if size >= len(text) else text[:text.rfind(" ", 0, size) + 1 or size]
        sentences = list(sentences_of(prefix, lang))
        # With k+1 sentences in the prefix the first k are complete (the cut may fall
        # inside the last one); otherwise read more, up to the whole text.
        if len(sentences) > k or prefix is text:
            return sentences[:k]
        size *= 2


def lead_summary(text: str, lang: str, k: int) -> str:
    """Lead-k as text, one sentence per line (the sentence boundaries ROUGE-Lsum uses)."""
    return "\n".join(lead(text, lang, k))


def rank_sentences(sentences: list[list[str]], damping: float = 0.85,
                   iterations: int = 100, tolerance: float = 1e-8) -> list[float]:
    """Centrality of each sentence: PageRank over tf-idf cosine similarities (LexRank)."""
    import numpy as np

    n = len(sentences)
    if n <= 1:
        return [1.0] * n
    df = Counter(t for s in sentences for t in set(s))
    vocab = {t: i for i, t in enumerate(df)}
    weights = np.zeros((n, len(vocab)))
    for row, sentence in enumerate(sentences):
        for token, count in Counter(sentence).items():
            weights[row, vocab[token]] = count * math.log(n / df[token])
    norms = np.linalg.norm(weights, axis=1)
    norms[norms == 0] = 1.0
    unit = weights / norms[:, None]
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, 0.0)
    totals = similarity.sum(axis=1)
    # A sentence similar to nothing spreads its vote evenly (no rank sink).
    transition = np.where(totals[:, None] > 0, similarity / np.where(totals, totals, 1)[:, None],
                          1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(iterations):
        updated = (1 - damping) / n + damping * transition.T @ rank
        if np.abs(updated - rank).sum() < tolerance:
            rank = updated
            break
        rank = updated
    return rank.tolist()


def textrank_summary(text: str, lang: str, target_words: int,
                     analyzer: Analyzer | None = None) -> str:
    """The most central sentences that fit ``target_words``, in document order, one per line.

    Sentences are taken by rank while they fit the word target; the best-ranked one is
    always taken, even when it alone is longer.  Lines without sentence punctuation
    (headings, "Read more" link lists) are left out when the text has real sentences:
    they are short and full of the article's key names, so they would rank high.
    """
    analyzer = analyzer or Analyzer.for_lang(lang)
    sentences = list(sentences_of(without_headings(text), lang))
    complete = [s for s in sentences if s.rstrip(_CLOSERS).endswith(_ENDS)]
    sentences = complete or sentences
    if not sentences:
        return ""
    ranks = rank_sentences([analyzer.tokens(s) for s in sentences])
    order = sorted(range(len(sentences)), key=lambda i: (-ranks[i], i))
    chosen, words = [], 0
    for i in order:
        size = count_words(sentences[i])
        if not chosen or words + size <= target_words:
            chosen.append(i)
            words += size
    return "\n".join(sentences[i] for i in sorted(chosen))
