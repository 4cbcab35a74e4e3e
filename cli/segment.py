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
_ORDINAL_END = re.compile(r"(?<!\d)\d{1,2}\.$")
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
        first = len(sentences)
        for piece in _segmenter(lang).segment(paragraph):
            piece = piece.strip()
            if not piece:
                continue
            lead = len(piece) - len(piece.lstrip(_CLOSERS))
            if sentences and lead and piece[:lead].strip() and _is_open(sentences[-1]):
                sentences[-1] += piece[:lead]
                piece = piece[lead:].strip()
            if piece and len(sentences) > first and _continues(sentences[-1], piece):
                sentences[-1] += " " + piece
            elif piece:
                sentences.append(piece)
    return sentences


def _continues(previous: str, piece: str) -> bool:
    """True when pysbd cut where no sentence ends.

    Its numbered-list rule takes dates for list items: "am 18. Juni ..., bevor er am
    19. und 20. Juni" comes back as "... am" | "18. Juni ... am" | "19. und" | "20. Juni".
    A piece that does not end in sentence punctuation, or an ordinal followed by a
    lower-case word, is not a sentence end.
    """
    if not previous.rstrip(_CLOSERS).endswith((".", "!", "?", "…")):
        return True
    return bool(_ORDINAL_END.search(previous)) and piece[:1].islower()


def _is_open(sentence: str) -> bool:
    """True when the sentence opened a quote it did not close."""
    pairs = (("»", "«"), ("„", "“"), ("“", "”"), ("‹", "›"), ("«", "»"))
    if any(sentence.count(a) > sentence.count(b) for a, b in pairs if a != b):
        return True
    return sentence.count('"') % 2 == 1


def count_words(text: str) -> int:
    """Words as a reader counts them: "3,5", "Kim Jong-un" and "don't" are one word each."""
    return len(_WORD.findall(text))
