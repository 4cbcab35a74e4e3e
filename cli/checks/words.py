"""Sentences with their character offsets, and the content words grounding aligns on.

Both come from the harness, so a summary is read here as ROUGE reads it: sentences from
``eval.text.sentences_of`` (the project's pysbd splitter, cached, with its paragraph
rules) and words from ``eval.text.tokenize`` and the harness's ``auto`` stemmer of each
language (NLTK Porter for English, Snowball German with the umlaut rule).  Content words
are those tokens that are not in the small function-word lists shipped in
``cli/data/stopwords-{de,en}.txt``; digits count as content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..eval.text import Analyzer, sentences_of, tokenize


@dataclass(frozen=True)
class Span:
    """One sentence of a text and where it stands in it: ``text[start:end]``."""

    text: str
    start: int
    end: int


def sentence_spans(text: str, lang: str) -> list[Span]:
    """The sentences of ``text`` in order, each with its offsets into ``text``.

    The splitter strips sentences and may join the pieces of one sentence with a single
    space where the text had a line break or several spaces; such a sentence is located
    by its characters other than whitespace, so its offsets still cover it exactly.
    """
    spans: list[Span] = []
    position = 0
    for sentence in sentences_of(text, lang):
        start = text.find(sentence, position)
        end = start + len(sentence)
        if start < 0:
            start, end = _locate_ignoring_space(text, sentence, position)
        spans.append(Span(text[start:end], start, end))
        position = end
    return spans


_SPACE = re.compile(r"\s+")


def _locate_ignoring_space(text: str, sentence: str, position: int) -> tuple[int, int]:
    """Offsets of ``sentence`` in ``text`` from ``position``, whitespace runs matching any
    whitespace; the rest of the text when it is not found (never raises)."""
    words = [re.escape(w) for w in _SPACE.split(sentence.strip()) if w]
    match = re.compile(r"\s*".join(words)).search(text, position) if words else None
    if match is None:
        return position, len(text)
    return match.start(), match.end()


@lru_cache(maxsize=4)
def stopwords(lang: str) -> frozenset[str]:
    """Function words of ``lang`` (empty for a language without a list)."""
    name = f"stopwords-{lang}.txt"
    files = resources.files("summarise.data")
    if not files.joinpath(name).is_file():
        return frozenset()
    return frozenset(read_word_list(files.joinpath(name).read_text(encoding="utf-8")))


def read_word_list(text: str) -> list[str]:
    """The words of a shipped word list: ``#`` starts a comment, words are separated by
    whitespace, compared case-folded."""
    return [word.casefold() for line in text.splitlines()
            for word in line.split("#", 1)[0].split()]


@lru_cache(maxsize=4)
def analyzer(lang: str) -> Analyzer:
    """The harness's analyser of ``lang`` with its default (``auto``) stemmer."""
    return Analyzer.for_lang(lang)


def content_stems(text: str, lang: str) -> list[str]:
    """The stemmed content words of ``text``, in order (repeats kept)."""
    if lang == "de" and "%" in text:  # as the harness reads it: "%" is "Prozent"
        text = text.replace("%", " prozent ")
    common = stopwords(lang)
    words = [token for token in tokenize(text) if token not in common]
    return analyzer(lang).stemmer.stem_all(words)
