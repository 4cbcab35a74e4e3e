"""Source-language detection that needs no download.

py3langid (a maintained fork of langid.py) ships its Naive Bayes model inside the wheel,
knows 97 languages and runs in milliseconds, so a French document is reported as French
instead of being forced into German or English.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Detection:
    lang: str
    confidence: float


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> Detection:
    """The most likely language of ``text`` (ISO 639-1 code) and its probability."""
    sample = text[:5000]
    lang, prob = _identifier().classify(sample)
    return Detection(lang=lang, confidence=float(prob))
