"""Model output made into a summary: chat artefacts stripped, length cut back.

Chat models wrap answers in habits ("Here is the summary:", thinking blocks, quotes
around the whole text) that are not part of a summary; every model can run over its
target or stop mid-sentence at the token limit.  Both are repaired here, the same way
for every model kind.
"""

from __future__ import annotations

import re

from .lengths import OVERRUN
from .segment import count_words, split_sentences

ENDINGS = (".", "!", "?", "…", "«", "»", '"', "“", "”", "'", "’", ")")

_THINK = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.IGNORECASE | re.DOTALL)
_THINK_OPEN = re.compile(r"<(think|thinking|reasoning)>", re.IGNORECASE)
_THINK_END = re.compile(r"</(think|thinking|reasoning)>", re.IGNORECASE)
_COURTESY = (r"(?:(?:sure|certainly|of course|okay|ok|absolutely|gerne|gern|natürlich|klar|"
             r"selbstverständlich|aber gerne)\s*[!.,]?\s*)?")
# "Here is a summary of the text in about 25 words:", "Hier ist die Zusammenfassung:"
_PREAMBLE = re.compile(
    _COURTESY + r"(?:here(?:'s|’s| is| are)|below is|the following is|"
    r"hier (?:ist|sind|kommt|folgt)|im folgenden|nachfolgend|anbei|folgend)\b[^:\n]{0,160}:\s*",
    re.IGNORECASE)
_SUMMARY_WORD = re.compile(r"summar|zusammenfass|kurzfassung|überblick|overview|abstract",
                           re.IGNORECASE)
# A label line: "Summary:", "**Zusammenfassung (kurz):**", "## Summary", "Kurzfassung -"
_LABEL = re.compile(
    r"(?:#{1,6}\s*)?(?:\*\*|__)?(?:summary|zusammenfassung|kurzfassung|abstract|tl;?dr)"
    r"(?:\s*\([^)\n]{0,40}\))?(?:\*\*|__)?\s*(?::|-|–|\n)(?:\*\*|__)?\s*",
    re.IGNORECASE)
# Sign-offs after the summary: "Let me know if ...", "Ich hoffe, das hilft."
_SIGN_OFF = re.compile(
    r"\n+\s*(?:let me know|i hope|hope this helps|feel free|if you (?:need|want|have)|"
    r"ich hoffe|lass mich wissen|wenn du|falls du|sag mir|möchtest du)[^\n]*\s*$",
    re.IGNORECASE)
_QUOTES = (('"', '"'), ("“", "”"), ("„", "“"), ("»", "«"), ("«", "»"), ("'", "'"),
           ("‘", "’"), ("‚", "‘"))


def clean_chat_output(text: str) -> str:
    """The summary alone, without reasoning blocks, preambles, labels or outer quotes."""
    text = _THINK.sub(" ", text)
    ends = list(_THINK_END.finditer(text))
    if ends:  # the chat template opened the block in the prompt: drop up to its end
        text = text[ends[-1].end():]
    opened = _THINK_OPEN.search(text)
    if opened:  # a block that never closed ran out of tokens: nothing after it is an answer
        text = text[:opened.start()]
    text = text.strip()
    for _ in range(3):  # "Sure! Here is the summary:\n\n**Summary:** ..." peels in steps
        before = text
        text = _drop_preamble(text)
        text = _LABEL.sub("", text, count=1) if _LABEL.match(text) else text
        text = _SIGN_OFF.sub("", text).strip()
        text = _strip_outer_quotes(text)
        if text == before:
            break
    return " ".join(text.split())


def _drop_preamble(text: str) -> str:
    """Drop "Here is ...:" when it announces the summary, not when it starts one
    ("Here is where the council met: ..." stays)."""
    found = _PREAMBLE.match(text)
    if not found:
        return text
    announces = _SUMMARY_WORD.search(found.group(0)) or "\n" in found.group(0)
    return text[found.end():] if announces else text


def _strip_outer_quotes(text: str) -> str:
    """Remove quotes around the whole text, not quotes that open and close inside it."""
    for opener, closer in _QUOTES:
        if len(text) > 2 and text.startswith(opener) and text.endswith(closer):
            inner = text[len(opener):-len(closer)]
            if opener not in inner and closer not in inner:
                return inner.strip()
    return text


def cut_back(text: str, lang: str, max_words: float, hit_limit: bool) -> str:
    """Shorten an over-long or unfinished summary at a sentence boundary, never mid-word.

    An unfinished last sentence (the model hit its token limit) is dropped when there
    is another; an only sentence that is unfinished loses its last, possibly cut, word
    and ends in "…".  Whole sentences are then dropped from the end while the text is
    over ``max_words``.
    """
    sentences = split_sentences(text, lang)
    if not sentences:
        return text.strip()
    unfinished = hit_limit and not sentences[-1].endswith(ENDINGS)
    if unfinished and len(sentences) > 1:
        sentences.pop()
        unfinished = False
    while len(sentences) > 1 and count_words(" ".join(sentences)) > max_words:
        sentences.pop()
    result = " ".join(sentences)
    if unfinished:
        words = result.split()
        if len(words) > 1:
            result = " ".join(words[:-1]).rstrip(",;:-–") + " …"
    return result


def fit_text(text: str, lang: str, target_words: int, hit_limit: bool) -> str:
    """``cut_back`` with the overrun the pipeline allows beyond a preset's word target."""
    return cut_back(text, lang, target_words * OVERRUN, hit_limit)
