"""How the metrics see text: Unicode-aware tokens, per-language stemming, sentences.

rouge-score (and the tools built on it) keep only ``[a-z0-9]``, so "Größe" becomes
"gr e" and German scores are wrong.  Here every letter and digit of any script is kept:
text is NFKC-normalised and case-folded (so "ß" equals "ss", as in Swiss spelling),
then split at anything that is not a letter or digit.  Numeric characters that are not
digits (vulgar fractions "½", superscripts "²") are kept as tokens of their own and not
NFKC-folded, which would glue them to the digits before ("11½" -> "111", "2").  On
plain-ASCII English all of this is exactly rouge-score's tokenisation.

Stemming, like rouge-score, touches only tokens longer than three characters:

* ``auto``: English gets NLTK's ``PorterStemmer()`` in its default mode
  (NLTK_EXTENSIONS), the stemmer of rouge-score's ``use_stemmer=True`` (the original
  Porter algorithm stems ~3% of news tokens differently: they -> thei, news -> new);
  German gets Snowball German with one rule on top (``GERMAN_UMLAUT_RULE``).  Snowball
  folds every umlaut (schön = schon, über = uber), so an ASCII-folded copy of a German
  summary scores like the original.  German marks plural, comparison and derivation
  with an umlaut in the stem's last syllable *and* a suffix (Stadt/Städte, Land/Länder,
  Fluss/Flüsse, groß/größer, hoch/höchste, Europa/europäisch).  So: a word Snowball
  strips no suffix from keeps its umlauts (schön, über, Österreich); where it strips one,
  the stem keeps its umlauts except in its last syllable (Städte -> stadt,
  österreichischer -> österreich, mögliche -> möglich).  Not reachable by the rule:
  plurals with an umlaut and no suffix Snowball knows (Vogel/Vögel, Apfel/Äpfel), and
  inflected words that differ only in that umlaut (schöne/schone) conflate as in plain
  Snowball.  rouge-score has no German: there (and for letters outside ASCII) the scores
  are ours by design.
* ``snowball``: the plain Snowball stemmer of each language (English: Porter2; German:
  umlauts folded), for comparison with tools that use it.
* ``none``: no stemming.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ..config_schema import LANGS
from ..segment import split_sentences

STEMMER_CHOICES = ("auto", "snowball", "none")
# The German rule of ``auto``, as the signature states it.
GERMAN_UMLAUT_RULE = "umlauts-kept-but-folded-in-last-syllable-of-suffixed-stems"
TOKENIZER = "unicode-alnum"
NORMALISATION = "nfkc,casefold,numeric-signs-apart,de:%=prozent"
MIN_STEM_LENGTH = 4  # rouge-score stems only tokens longer than 3 characters

_TOKEN = re.compile(r"[^\W_]+")
_UMLAUT_FOLD = str.maketrans("äöü", "aou")
_VOWELS = re.compile(r"[aeiouyäöü]+")  # a syllable's vowel group: "ä", "äu", "ei"
# Numeric characters that are not decimal digits: fractions, super- and subscripts...
_OTHER_NUMERIC = re.compile(r"[\u00b2\u00b3\u00b9\u00bc-\u00be\u2070-\u209f\u2150-\u218b"
                            r"\u2460-\u24ff\u2776-\u2793]")


def normalise(text: str) -> str:
    """NFKC + case folding: the form every metric compares (numeric signs kept apart)."""
    if text.isascii():
        return text.lower()
    pieces = _OTHER_NUMERIC.split(text)
    if len(pieces) == 1:
        return unicodedata.normalize("NFKC", text).casefold()
    signs = _OTHER_NUMERIC.findall(text)
    out = [unicodedata.normalize("NFKC", pieces[0]).casefold()]
    for sign, piece in zip(signs, pieces[1:], strict=True):
        out += [f" {sign} ", unicodedata.normalize("NFKC", piece).casefold()]
    return "".join(out)


def tokenize(text: str) -> list[str]:
    """Letters and digits of any script, case-folded; everything else separates tokens."""
    return _TOKEN.findall(normalise(text))


def stemmer_name(choice: str, lang: str) -> str:
    """The concrete stemmer ``choice`` stands for in ``lang``."""
    if choice not in STEMMER_CHOICES:
        raise ValueError(f"unknown stemmer {choice!r}; choose from {', '.join(STEMMER_CHOICES)}")
    if choice == "auto":
        return "german" if lang == "de" else "nltk-porter"
    if choice == "snowball":
        return "snowball-german" if lang == "de" else "snowball-english"
    return choice


def describe_stemmers(choice: str) -> str:
    """For the signature: which stemmer each language gets under ``choice``, with the
    version of the package that implements it (stemmers change between versions)."""
    return ",".join(f"{lang}={_with_version(stemmer_name(choice, lang))}"
                    for lang in LANGS)


def _with_version(name: str) -> str:
    if name == "none":
        return name
    package = "nltk" if name == "nltk-porter" else "snowballstemmer"
    rule = f"snowball-german+{GERMAN_UMLAUT_RULE}" if name == "german" else name
    return f"{rule}@{package_version(package)}"


def package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "missing"


@lru_cache(maxsize=8)
def _snowball(algorithm: str):
    import snowballstemmer

    return snowballstemmer.stemmer(algorithm).stemWord


@lru_cache(maxsize=1)
def _nltk_porter():
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer().stem  # default mode NLTK_EXTENSIONS, as rouge-score


class Stemmer:
    """Stems single tokens, remembering each answer (vocabularies are small)."""

    def __init__(self, name: str):
        self.name = name
        self._cache: dict[str, str] = {}
        algorithm = {"german": "german", "snowball-german": "german",
                     "snowball-english": "english"}.get(name)
        if algorithm is None and name not in ("nltk-porter", "none"):
            raise ValueError(f"unknown stemmer {name!r}")
        self._stem = (_nltk_porter() if name == "nltk-porter" else
                      _snowball(algorithm) if algorithm else None)

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
        return _keep_lexical_umlauts(token, stem) if self.name == "german" else stem


def _keep_lexical_umlauts(token: str, stem: str) -> str:
    """``GERMAN_UMLAUT_RULE``: the token itself where Snowball stripped nothing (its
    umlauts belong to the word: schön, über); where it stripped a suffix, the stem with
    the token's umlauts given back except in its last syllable, where an umlaut before a
    suffix is often inflection (städt -> stadt, but österreich stays)."""
    folded = token.translate(_UMLAUT_FOLD)
    if folded == stem:
        return token
    if not folded.startswith(stem):
        return stem
    restored = token[:len(stem)]
    vowels = list(_VOWELS.finditer(restored))
    if not vowels:
        return stem
    last = vowels[-1].start()
    return restored[:last] + restored[last:].translate(_UMLAUT_FOLD)


@dataclass
class Analyzer:
    """Tokens and sentences of one language, stemmed the way the metrics are configured."""

    lang: str
    stemmer: Stemmer

    @classmethod
    def for_lang(cls, lang: str, choice: str = "auto") -> Analyzer:
        return cls(lang, Stemmer(stemmer_name(choice, lang)))

    def tokens(self, text: str) -> list[str]:
        if self.lang == "de" and "%" in text:  # "50 %" and "50 Prozent" are the same words
            text = text.replace("%", " prozent ")
        return self.stemmer.stem_all(tokenize(text))

    def sentence_tokens(self, text: str) -> list[list[str]]:
        """Tokens per sentence (language-aware split), empty sentences dropped."""
        sentences = (self.tokens(s) for s in sentences_of(text, self.lang))
        return [s for s in sentences if s]


# Sentence punctuation with more text after it: only then can a line hold two sentences.
_INNER_END = re.compile(r"[.!?…][\"'»«“”’)\]]*\s*\S")


# pysbd's time grows with the square of a paragraph's length (each abbreviation it finds
# is replaced in the whole paragraph): long paragraphs are cut first where a sentence
# surely ends: a lower-case word of 4+ letters, sentence punctuation, space, capital.
LONG_PARAGRAPH = 3000
_SURE_END = re.compile(r"(?<=[a-zäöüß]{4}[.!?])\s+(?=[A-ZÄÖÜ])")
_NOT_ENDS = ("inkl.", "evtl.", "zzgl.", "bspw.", "insb.", "resp.", "ebd.", "usw.")


@lru_cache(maxsize=4096)
def sentences_of(text: str, lang: str) -> tuple[str, ...]:
    """``split_sentences``, cached, and skipping pysbd (slow) on lines that are one sentence.

    References and summaries are split for every metric and length, and a system's
    extracts come one sentence per line.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and not any(_INNER_END.search(line) for line in lines):
        return tuple(lines)
    if any(len(line) > LONG_PARAGRAPH for line in lines):
        text = "\n".join(piece for line in lines for piece in _cut_long(line))
    return tuple(split_sentences(text, lang))


def _cut_long(paragraph: str) -> list[str]:
    """``paragraph`` in pieces of about ``LONG_PARAGRAPH`` characters, cut at sure ends."""
    pieces, start = [], 0
    while len(paragraph) - start > LONG_PARAGRAPH:
        for match in _SURE_END.finditer(paragraph, start + LONG_PARAGRAPH):
            if not paragraph[:match.start()].endswith(_NOT_ENDS):
                pieces.append(paragraph[start:match.start()])
                start = match.end()
                break
        else:
            break
    return [*pieces, paragraph[start:]]


def splitter_version() -> str:
    return f"pysbd-{package_version('pysbd')}"
