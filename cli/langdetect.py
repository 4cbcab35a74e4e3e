"""Source-language detection that needs no download.

py3langid (a maintained fork of langid.py) ships its Naive Bayes model inside the wheel,
knows 97 languages and runs in milliseconds, so a French document is reported as French
instead of being forced into German or English.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# ISO 639-2 "no linguistic content": what a text of numbers and symbols is in.
NO_LANGUAGE = "zxx"
# Below this many letters there is nothing to detect: a Naive Bayes model still names
# a language for "1. 2. 3. 45 %" (Volapük, p=0.03), which would only mislead.
MIN_LETTERS = 20


@dataclass(frozen=True)
class Detection:
    lang: str
    confidence: float

    def describe(self) -> str:
        """For messages: the language found, or that none was."""
        if self.lang == NO_LANGUAGE:
            return "no language detected (the text is numbers and symbols, hardly any words)"
        return f"language looks like {self.lang!r} (p={self.confidence:.2f})"


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> Detection:
    """The most likely language of ``text`` (ISO 639-1 code) and its probability;
    ``NO_LANGUAGE`` for a text with (almost) no letters."""
    sample = text[:5000]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return Detection(NO_LANGUAGE, 0.0)
    lang, prob = _identifier().classify(sample)
    return Detection(lang=lang, confidence=float(prob))


@lru_cache(maxsize=4)
def _identifier_among(langs: tuple[str, ...]):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(langs))
    return identifier


def detect_among(text: str, langs: tuple[str, ...]) -> Detection:
    """The more likely of ``langs`` for ``text``, with its probability among them alone.

    Where only a few languages are possible (a reference is scored as German or as
    English), asking which of them fits is surer than asking which of 97 does: a short
    English sentence that looks a little Dutch or Latin is still plainly not German.
    """
    sample = text[:5000]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return Detection(NO_LANGUAGE, 0.0)
    lang, prob = _identifier_among(tuple(sorted(langs))).classify(sample)
    return Detection(lang=lang, confidence=float(prob))


def document_language(document) -> Detection:
    """A document's language as a run takes it: declared (a JSONL record's ``lang``) with
    the confidence it came with, or else detected from its text."""
    if document.lang:
        return Detection(document.lang, document.meta.get("lang_confidence", 1.0))
    return detect_language(document.text)
