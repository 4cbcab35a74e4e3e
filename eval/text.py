"""How the metrics see text: Unicode-aware tokens, per-language stemming, sentences.

rouge-score (and the tools built on it) keep only ``[a-z0-9]``, so "Größe" becomes
"gr e" and German scores are wrong.  Here every letter and digit of any script is kept:
text is NFKC-normalised and case-folded (so "ß" equals "ss", as in Swiss spelling),
then split at anything that is not a letter or digit.  On plain-ASCII English that is
exactly rouge-score's tokenisation, which keeps our English scores comparable.

Stemming, like rouge-score, touches only tokens longer than three characters:

* ``auto``: English gets the original Porter algorithm (snowballstemmer's ``porter``, as
  rouge-score's ``use_stemmer=True``); German gets Snowball German with the umlauts the
  algorithm strips put back ("größe" -> "gröss", not "gross"), so "schön" and "schon"
  stay different words and an ASCII-folded copy of a German summary is not a match.
* ``snowball``: the plain Snowball stemmer of each language (English: Porter2; German:
  umlauts folded), for comparison with tools that use it.
* ``none``: no stemming.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ..segment import split_sentences

STEMMER_CHOICES = ("auto", "snowball", "none")
TOKENIZER = "unicode-nfkc-casefold-alnum"
MIN_STEM_LENGTH = 4  # rouge-score stems only tokens longer than 3 characters

_TOKEN = re.compile(r"[^\W_]+")
_UMLAUT_FOLD = str.maketrans("äöü", "aou")


def normalise(text: str) -> str:
    """NFKC + case folding: the form every metric compares."""
    return unicodedata.normalize("NFKC", text).casefold()


def tokenize(text: str) -> list[str]:
    """Letters and digits of any script, case-folded; everything else separates tokens."""
    return _TOKEN.findall(normalise(text))


def stemmer_name(choice: str, lang: str) -> str:
    """The concrete stemmer ``choice`` stands for in ``lang``."""
    if choice not in STEMMER_CHOICES:
        raise ValueError(f"unknown stemmer {choice!r}; choose from {', '.join(STEMMER_CHOICES)}")
    if choice == "auto":
        return "german" if lang == "de" else "porter"
    if choice == "snowball":
        return "snowball-german" if lang == "de" else "snowball-english"
    return choice


def describe_stemmers(choice: str) -> str:
    """For the signature: which stemmer each language gets under ``choice``."""
    return ",".join(f"{lang}={stemmer_name(choice, lang)}" for lang in ("de", "en"))


@lru_cache(maxsize=8)
def _snowball(algorithm: str):
    import snowballstemmer

    return snowballstemmer.stemmer(algorithm)


class Stemmer:
    """Stems single tokens, remembering each answer (vocabularies are small)."""

    def __init__(self, name: str):
        self.name = name
        self._cache: dict[str, str] = {}
        algorithm = {"porter": "porter", "german": "german", "snowball-german": "german",
                     "snowball-english": "english"}.get(name)
        self._stem = _snowball(algorithm).stemWord if algorithm else None

    def __call__(self, token: str) -> str:
        stem = self._cache.get(token)
        if stem is None:
            stem = self._cache[token] = self._compute(token)
        return stem

    def stem_all(self, tokens: list[str]) -> list[str]:
        """``[self(t) for t in tokens]`` without a call per token (the hot path)."""
        if self._stem is None:
            return tokens
        cache, compute = self._cache, self._compute
        stems = []
        for token in tokens:
            stem = cache.get(token)
            if stem is None:
                stem = cache[token] = compute(token)
            stems.append(stem)
        return stems

    def _compute(self, token: str) -> str:
        if self._stem is None or len(token) < MIN_STEM_LENGTH:
            return token
        stem = self._stem(token)
        return _restore_umlauts(token, stem) if self.name == "german" else stem


def _restore_umlauts(token: str, stem: str) -> str:
    """Snowball German strips umlauts only at the very end: give them back to the stem."""
    if token.translate(_UMLAUT_FOLD).startswith(stem):
        return token[:len(stem)]
    return stem


@dataclass
class Analyzer:
    """Tokens and sentences of one language, stemmed the way the metrics are configured."""

    lang: str
    stemmer: Stemmer

    @classmethod
    def for_lang(cls, lang: str, choice: str = "auto") -> Analyzer:
        return cls(lang, Stemmer(stemmer_name(choice, lang)))

    def tokens(self, text: str) -> list[str]:
        return self.stemmer.stem_all(tokenize(text))

    def sentence_tokens(self, text: str) -> list[list[str]]:
        """Tokens per sentence (language-aware split), empty sentences dropped."""
        sentences = (self.tokens(s) for s in sentences_of(text, self.lang))
        return [s for s in sentences if s]


# Sentence punctuation with more text after it: only then can a line hold two sentences.
_INNER_END = re.compile(r"[.!?…][\"'»«“”’)\]]*\s*\S")


@lru_cache(maxsize=4096)
def sentences_of(text: str, lang: str) -> tuple[str, ...]:
    """``split_sentences``, cached, and skipping pysbd (slow) on lines that are one sentence.

    References and summaries are split for every metric and length, and a system's
    extracts come one sentence per line.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and not any(_INNER_END.search(line) for line in lines):
        return tuple(lines)
    return tuple(split_sentences(text, lang))


def splitter_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"pysbd-{version('pysbd')}"
    except PackageNotFoundError:  # pragma: no cover - pysbd is a hard dependency
        return "pysbd"
