"""Language-aware sentence splitting and word counting.

pysbd knows German and English abbreviations ("z. B.", "Dr.", "18. Juni", "e.g."); we
add one repair it lacks: a closing quote (»…«, „…“, "…") that pysbd leaves at the start
of the next sentence is moved back to the sentence it closes.
"""

from __future__ import annotations

import re
from functools import lru_cache

SUPPORTED = ("de", "en")
_CLOSERS = "«“”\"'’‹›»)"
_WORD = re.compile(r"\w+(?:[-'’.,]\w+)*")


@lru_cache(maxsize=4)
def _segmenter(lang: str):
    import pysbd

    return pysbd.Segmenter(language=lang if lang in SUPPORTED else "en", clean=False)


def split_sentences(text: str, lang: str = "en") -> list[str]:
    """Sentences of ``text`` (stripped, none empty); paragraph breaks always end a sentence."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n", text):
        if not paragraph.strip():
            continue
        for piece in _segmenter(lang).segment(paragraph):
            piece = piece.strip()
            if not piece:
                continue
            lead = len(piece) - len(piece.lstrip(_CLOSERS))
            if sentences and lead and piece[:lead].strip() and _is_open(sentences[-1]):
                sentences[-1] += piece[:lead]
                piece = piece[lead:].strip()
            if piece:
                sentences.append(piece)
    return sentences


def _is_open(sentence: str) -> bool:
    """True when the sentence opened a quote it did not close."""
    pairs = (("»", "«"), ("„", "“"), ("“", "”"), ("‹", "›"), ("«", "»"))
    if any(sentence.count(a) > sentence.count(b) for a, b in pairs if a != b):
        return True
    return sentence.count('"') % 2 == 1


def count_words(text: str) -> int:
    """Words as a reader counts them: "3,5", "Kim Jong-un" and "don't" are one word each."""
    return len(_WORD.findall(text))
