"""``repetition``: loops a decoder falls into: a word 4-gram three times or more, or the
same sentence twice (words compared case-folded, punctuation ignored)."""

from __future__ import annotations

import re
from collections import Counter

from ..eval.text import normalise
from .registry import Context, register

NGRAM = 4
NGRAM_TIMES = 3
_WORD = re.compile(r"[^\W_]+")


@register("repetition")
def check_repetition(context: Context) -> dict:
    words = list(_WORD.finditer(normalise(context.summary)))
    grams = Counter(tuple(m.group() for m in words[i:i + NGRAM])
                    for i in range(len(words) - NGRAM + 1))
    looping = [{"ngram": " ".join(gram), "times": times}
               for gram, times in grams.items() if times >= NGRAM_TIMES]
    seen: dict[tuple[str, ...], int] = {}
    repeated = []
    for number, sentence in enumerate(context.sentences):
        key = tuple(_WORD.findall(normalise(sentence.text)))
        if key and key in seen:
            repeated.append({"sentence": number, "repeats": seen[key], "text": sentence.text})
        seen.setdefault(key, number)
    return {"ok": not looping and not repeated, "ngrams": looping,
            "repeated_sentences": repeated}
