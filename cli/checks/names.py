"""``names``: names in the summary that the source does not contain.

How a name is found:

* A *run* is a sequence of capitalised words with only spaces between them ("Barack
  Obama", "New York", "Angela Merkel"); a lower-case word ends it ("Bank of England" is
  two runs).  Function words and the shipped lists of capitalised common words
  (``cli/data/common-capitalised-en.txt``: weekdays, months, titles;
  ``cli/data/common-nouns-de.txt``: frequent German nouns, compared stemmed) are never
  name words.
* The first word of a sentence (or of a quote, or of a clause after a colon) is no name
  word: every sentence starts with a capital ("Obama" of "Barack Obama said" still is).
* English: every other capitalised word of a run is a name word.
* German capitalises every noun, so a capitalised word is a name word only when it is
  not in the common-noun list, does not end in a noun suffix (-ung, -heit, -keit,
  -schaft, -innen, ...), is not a compound whose head the source or the list has
  ("Terroranschlägen" beside "Anschlag"), and, standing alone, does not follow an article,
  a quantifier or a contracted preposition ("mehrere Delikte", "zur Last").  Of a
  hyphenated German word only the head counts ("Kugel" of "Sieben-Monats-Kugel").  A
  capitalised word the source has with the same stem in any case is supported either way.
* A summary in another language than its source (a translation): words are compared as
  written (case-folded), since names are not translated but stems of two languages do
  not meet; a German summary of a foreign source can only be held to runs of two or
  more words that do not start a sentence, as its nouns cannot be told from names.

A name is *unsupported* when one of its name words does not occur in the source (for
the same language: as a stem of the source's words, in any case; across languages: as a
word, case-folded).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..eval.text import tokenize
from .registry import Context, register
from .words import analyzer, read_word_list, stopwords

_WORD = re.compile(r"[^\W\d_]+(?:[-'’.][^\W\d_]+)*")
_OPENERS = ":„“\"«»‘'(–—"
MIN_PREFIX = 4
MIN_HEAD = 4
# Endings only German common nouns have (derivations and the feminine plural).
NOUN_SUFFIXES_DE = ("ung", "ungen", "heit", "heiten", "keit", "keiten", "schaft", "schaften",
                    "tion", "tionen", "ität", "itäten", "nahme", "nahmen", "ismus", "nis",
                    "nisse", "tum", "tümer", "ment", "mente", "enz", "anz", "innen", "chen",
                    "leistung", "ling", "linge")
DETERMINERS_DE = frozenset(
    "der die das den dem des ein eine einer einem einen eines kein keine keiner keinem "
    "keinen keines dieser diese dieses diesem diesen jeder jede jedes jedem jeden alle "
    "viele mehrere einige wenige beide manche solche welche zwei drei vier fünf "
    "am im zum zur vom beim ins ans aufs ihr ihre ihren ihrem ihrer sein seine seinen "
    "seinem seiner unser unsere".split())
_COMMON_FILES = {"de": "common-nouns-de.txt", "en": "common-capitalised-en.txt"}


@lru_cache(maxsize=4)
def common_words(lang: str) -> frozenset[str]:
    """Capitalised words of ``lang`` that are not names, stemmed as the harness stems."""
    name = _COMMON_FILES.get(lang)
    if name is None:
        return frozenset()
    text = resources.files("summarise.data").joinpath(name).read_text(encoding="utf-8")
    return frozenset(analyzer(lang).stemmer.stem_all(read_word_list(text)))


@dataclass(frozen=True)
class Vocabulary:
    """The source's words (case-folded, sorted) and their stems, to look names up in."""

    words: tuple[str, ...]
    stems: frozenset[str]

    def has_word(self, word: str) -> bool:
        """``word`` occurs, or a word it begins ("Europe" of "European"), or one that
        begins it with at least ``MIN_PREFIX`` letters ("Japanese" of "Japan")."""
        at = bisect_left(self.words, word)
        if at < len(self.words) and self.words[at].startswith(word):
            return True
        known = set(self.words)
        return any(word[:k] in known for k in range(MIN_PREFIX, len(word)))


@lru_cache(maxsize=64)
def source_vocabulary(source: str, source_lang: str) -> Vocabulary:
    tokens = tokenize(source)
    return Vocabulary(tuple(sorted(set(tokens))),
                      frozenset(analyzer(source_lang).stemmer.stem_all(tokens)))


def name_words(words: list[str], lang: str) -> list[str]:
    """The case-folded words of a run to look up: of a hyphenated word, its capitalised
    parts ("Jong" of "Jong-un"), in German only its last part, the head of the compound
    ("Kugel" of "Sieben-Monats-Kugel")."""
    out = []
    for word in words:
        parts = [p for p in re.split(r"[-‐–]", word) if p]
        if lang == "de":
            parts = parts[-1:]
        out += [t for part in parts if part[:1].isupper() for t in tokenize(part)]
    return out


def after_determiner(before: str) -> bool:
    """The words before a German capitalised word show it is a noun: an article, a
    quantifier or a contracted preposition, then at most one lower-case word (an
    adjective), as in "mehrere Delikte", "zur Last", "ein «klares Risiko»"."""
    words = re.findall(r"[^\W\d_]+", before)[-2:]
    if words and words[-1].casefold() in DETERMINERS_DE:
        return True
    return len(words) == 2 and words[0].casefold() in DETERMINERS_DE and words[1].islower()


def german_common_noun(word: str, vocabulary: Vocabulary, common: frozenset[str]) -> bool:
    """A capitalised German word (case-folded) read as a common noun: it ends in a noun
    suffix ("Teilnahme", "Aufmerksamkeit", "Sportlerinnen"), or its head, the last part
    of a compound of at least ``MIN_HEAD`` letters, is a word of the source or of the
    common-noun list, stemmed ("Terroranschlägen" where the source has "Anschlag")."""
    if word.endswith(NOUN_SUFFIXES_DE):
        return True
    stem = analyzer("de").stemmer
    return any(stem(word[i:]) in vocabulary.stems or stem(word[i:]) in common
               for i in range(1, len(word) - MIN_HEAD + 1))


def name_runs(text: str, start: int = 0) -> list[tuple[int, int, bool]]:
    """Runs of capitalised words in one sentence ``text``: their offsets (shifted by
    ``start``) and whether the run starts the sentence (or a quote or a clause after a
    colon)."""
    runs: list[tuple[int, int, bool]] = []
    previous_end = None
    for number, match in enumerate(_WORD.finditer(text)):
        word = match.group()
        before = text[:match.start()].rstrip()
        initial = number == 0 or before.endswith(tuple(_OPENERS))
        if not word[0].isupper():
            previous_end = None
            continue
        if previous_end is not None and not text[previous_end:match.start()].strip():
            s, _, first = runs[-1]
            runs[-1] = (s, start + match.end(), first)
        else:
            runs.append((start + match.start(), start + match.end(), initial))
        previous_end = match.end()
    return runs


@register("names")
def check_names(context: Context) -> dict:
    same_language = context.lang == context.source_lang
    vocabulary = source_vocabulary(context.source, context.source_lang)
    stem = analyzer(context.lang).stemmer
    common, function_words = common_words(context.lang), stopwords(context.lang)
    found, missing = [], []
    for sentence in context.sentences:
        for start, end, initial in name_runs(sentence.text, sentence.start):
            run = context.summary[start:end]
            if not same_language and context.lang == "de" and (
                    initial or len(run.split()) < 2):
                continue
            checked = run.split()[1:] if initial else run.split()
            if context.lang == "de" and len(checked) == 1 and after_determiner(
                    sentence.text[:start - sentence.start]):
                continue
            tokens = [t for t in name_words(checked, context.lang) if len(t) > 1
                      and t not in function_words and stem(t) not in common]
            if not tokens:
                continue
            found.append(run)
            absent = [t for t in tokens if not vocabulary.has_word(t)
                      and not (same_language and stem(t) in vocabulary.stems)]
            if context.lang == "de":
                absent = [t for t in absent if not german_common_noun(t, vocabulary, common)]
            if absent:
                missing.append({"text": run, "start": start, "end": end, "missing": absent})
    return {"ok": not missing, "names": len(found), "unsupported": missing}
