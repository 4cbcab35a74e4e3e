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
* German capitalises every noun, so a capitalised word is a name word when it is not in
  the common-noun list and the source has no word of the same stem in any case
  ("Regierung" in the summary and "regierungen" in the source are a common noun, not a
  name); a capitalised word the source does contain is supported either way.
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
from functools import lru_cache
from importlib import resources

from ..eval.text import tokenize
from .registry import Context, register
from .words import analyzer, read_word_list, stopwords

_WORD = re.compile(r"[^\W\d_]+(?:[-'’.][^\W\d_]+)*")
_OPENERS = ":„“\"«»‘'(–—"
_COMMON_FILES = {"de": "common-nouns-de.txt", "en": "common-capitalised-en.txt"}


@lru_cache(maxsize=4)
def common_words(lang: str) -> frozenset[str]:
    """Capitalised words of ``lang`` that are not names, stemmed as the harness stems."""
    name = _COMMON_FILES.get(lang)
    if name is None:
        return frozenset()
    text = resources.files("summarise.data").joinpath(name).read_text(encoding="utf-8")
    return frozenset(analyzer(lang).stemmer.stem_all(read_word_list(text)))


@lru_cache(maxsize=64)
def _source_vocabulary(source: str, source_lang: str) -> tuple[frozenset[str], frozenset[str]]:
    """The source's words case-folded, and their stems."""
    tokens = tokenize(source)
    return frozenset(tokens), frozenset(analyzer(source_lang).stemmer.stem_all(tokens))


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
    words, stems = _source_vocabulary(context.source, context.source_lang)
    stem = analyzer(context.lang).stemmer
    common, function_words = common_words(context.lang), stopwords(context.lang)
    found, missing = [], []
    for sentence in context.sentences:
        for start, end, initial in name_runs(sentence.text, sentence.start):
            run = context.summary[start:end]
            if not same_language and context.lang == "de" and (
                    initial or len(run.split()) < 2):
                continue
            checked = run.split(maxsplit=1)[1] if initial and " " in run else (
                "" if initial else run)
            tokens = [t for t in tokenize(checked) if len(t) > 1 and t not in function_words
                      and stem(t) not in common]
            if not tokens:
                continue
            found.append(run)
            if same_language:
                absent = [t for t in tokens if t not in words and stem(t) not in stems]
            else:
                absent = [t for t in tokens if t not in words]
            if absent:
                missing.append({"text": run, "start": start, "end": end, "missing": absent})
    return {"ok": not missing, "names": len(found), "unsupported": missing}
