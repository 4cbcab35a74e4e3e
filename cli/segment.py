"""Language-aware sentence splitting and word counting.

pysbd knows German and English abbreviations ("z. B.", "Dr.", "18. Juni", "e.g."); we
add one repair it lacks: a closing quote (»…«, „…“, "…") that pysbd leaves at the start
of the next sentence is moved back to the sentence it closes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from .config_schema import LANGS

SUPPORTED = LANGS
_CLOSERS = "«“”\"'’‹›»)"
_ORDINAL_END = re.compile(r"(?<!\d)\d{1,2}\.$")
# pysbd reads a long paragraph in blocks; a block ends after a word of three or more
# lower-case letters and sentence punctuation, before a capital (no abbreviation).
BLOCK_CHARS = 2000
_LIKELY_END = re.compile(r"[a-zäöüß]{3}[.!?…][«“”\"'’‹›»)]*\s+(?=[A-ZÄÖÜ„»«\"“])")
_ENDS = re.compile(r"[.!?…]")  # without any, pysbd has nothing to split (and is slow)
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
        pieces = (p for block in _blocks(paragraph)
                  for p in (_segmenter(lang).segment(block) if _ENDS.search(block) else [block]))
        for piece in pieces:
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


def _blocks(paragraph: str) -> list[str]:
    """``paragraph`` in pieces of at most about ``BLOCK_CHARS`` for pysbd, whose time grows
    with the square of its input (a 20,000-word line without punctuation took 17 s, a
    1 MB one would take hours). Cuts fall after a likely sentence end, else between
    words (never inside a word); a cut that is not a sentence end is joined back by
    ``_continues``."""
    blocks: list[str] = []
    while len(paragraph) > BLOCK_CHARS:
        window = paragraph[:BLOCK_CHARS]
        ends = [m.end() for m in _LIKELY_END.finditer(window)]
        cut = ends[-1] if ends else window.rfind(" ") + 1
        if not cut:  # one word longer than a block: cut after it, never inside it
            cut = paragraph.find(" ", BLOCK_CHARS) + 1 or len(paragraph)
        blocks.append(paragraph[:cut])
        paragraph = paragraph[cut:]
    return [*blocks, paragraph]


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


def pack_sentences(text: str, lang: str, count: Callable[[list[str]], list[int]], limit: int,
                   overlap: int = 0) -> list[str]:
    """Consecutive groups of the sentences of ``text``, each at most ``limit`` tokens.

    ``count`` gives the tokens of each of a list of texts (one batched tokenizer call,
    special tokens left out). A sentence longer than ``limit`` is cut between words, and
    a "word" longer than that (a URL, a base64 blob) between characters, so nothing is
    ever dropped. Every group is measured as it will be read, so the limit holds even
    where tokens do not add up across a join. With ``overlap``, a group starts with the
    last sentence of the one before when that takes at most half the limit (context for
    map-reduce). Work is linear in the text: words are counted once, never a growing prefix.
    """
    limit = max(1, limit)
    sentences = split_sentences(text, lang)
    # A word takes at least one token: a sentence of more words than that is too long
    # without counting it (tokenizing a 20,000-word sentence whole takes a while).
    short = [s for s in sentences if len(s.split()) <= limit]
    sizes = dict(zip(short, count(short) if short else [], strict=True))
    pieces: list[str] = []
    for sentence in sentences:
        if sizes.get(sentence, limit + 1) <= limit:
            pieces.append(sentence)
        else:
            pieces += pack_units(_words_within(sentence.split(), count, limit), count, limit)
    return pack_units(pieces, count, limit, overlap)


def pack_units(units: list[str], count: Callable[[list[str]], list[int]], limit: int,
               overlap: int = 0) -> list[str]:
    """Units (each within ``limit`` alone) joined with spaces into groups within ``limit``:
    greedy by the units' own sizes, then every group measured whole and any group that
    overflows split in two, until all fit."""
    if not units:
        return []
    sizes = count(units)
    groups: list[list[int]] = [[]]
    used = 0
    for index, size in enumerate(sizes):
        if groups[-1] and used + size > limit:
            carried = groups[-1][-overlap:] if overlap else []
            kept = sum(sizes[i] for i in carried)
            if kept > limit // 2 or kept + size > limit:
                carried = []
            groups.append(list(carried))
            used = sum(sizes[i] for i in carried)
        groups[-1].append(index)
        used += size
    texts = [" ".join(units[i] for i in group) for group in groups]
    unchecked = list(range(len(groups)))
    while unchecked:
        measured = count([texts[g] for g in unchecked])
        over = [g for g, n in zip(unchecked, measured, strict=True)
                if n > limit and len(groups[g]) > 1]
        unchecked = []
        for g in reversed(over):  # from the end, so that earlier indices stay valid
            half = len(groups[g]) // 2
            groups[g:g + 1] = [groups[g][:half], groups[g][half:]]
            texts[g:g + 1] = [" ".join(units[i] for i in part) for part in groups[g:g + 2]]
            unchecked = [u + 1 for u in unchecked] + [g, g + 1]
    return texts


def _words_within(words: list[str], count: Callable[[list[str]], list[int]],
                  limit: int) -> list[str]:
    """``words``, with any word longer than ``limit`` tokens cut between characters."""
    out: list[str] = []
    for word, size in zip(words, count(words) if words else [], strict=True):
        if size <= limit:
            out.append(word)
            continue
        pending = [word]
        while pending:  # halve until each part fits; a single character always does
            part = pending.pop(0)
            if len(part) == 1 or count([part])[0] <= limit:
                out.append(part)
            else:
                pending[:0] = [part[:len(part) // 2], part[len(part) // 2:]]
    return out
