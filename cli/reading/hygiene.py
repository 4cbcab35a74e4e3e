"""Text hygiene: the same clean text whatever the file format or editor it came from.

Converters hand over raw text; this module normalises it so that the summariser, the
sentence splitter and the content hash all see one canonical form: NFC, no invisible
or control characters, no soft hyphens or line-end hyphenation, single spaces, and
paragraph breaks kept as one blank line.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise
from typing import Literal

# How single line breaks inside a paragraph are treated:
#   "join"  - they are soft wraps (Markdown source): joined with a space;
#   "guess" - hard-wrapped or not (plain text, PDF): joined where a line runs on;
#   "keep"  - every line is a block of its own (HTML, DOCX paragraphs).
LineMode = Literal["join", "guess", "keep"]

_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\x85]")
_PARAGRAPH_SEPARATORS = re.compile(r"[\u2029\f\v]")
_SOFT_HYPHEN_AT_LINE_END = re.compile(r"\u00ad[^\S\n]*\n[^\S\n]*")
# Control characters (except tab and newline) and invisible format characters: soft
# hyphen, zero-width space, direction marks and embeddings, word joiners, BOM, object
# replacement.  Zero-width (non-)joiners stay: some scripts and emoji need them.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffc]")
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl",
                            "ﬅ": "st", "ﬆ": "st"})
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_HYPHEN_AT_LINE_END = re.compile(r"(\w+(?:-\w+)*)-\n([^\W\d_]\w*)")
_NUMBER_RANGE_AT_LINE_END = re.compile(r"(?<=\d)-\n(?=\d)")
_HYPHENATED_WORD = re.compile(r"\w+(?:-\w+)+")
# "Haupt- und Nebensatz": a hyphen before these words stands for a left-out word part.
_CONJUNCTIONS = frozenset({"und", "oder", "bzw", "sowie", "bis", "and", "or", "nor"})
_BULLET = re.compile(r"[-*•·–—]\s|\d{1,3}[.)]\s|[a-z][.)]\s")
_SENTENCE_END = re.compile(r"[.!?:;…][\"'»«“”’)\]]*$")


def clean_text(text: str, lines: LineMode = "guess") -> str:
    """``text`` in canonical form; see the module docstring for what changes."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _PARAGRAPH_SEPARATORS.sub("\n\n", text)
    text = _SOFT_HYPHEN_AT_LINE_END.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFC", text.translate(_LIGATURES))
    text = "\n".join(line.strip() for line in _SPACES.sub(" ", text).split("\n"))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    text = join_hyphenated_lines(text)
    if lines != "keep":
        text = "\n\n".join(_unwrap(block.split("\n"), lines) for block in text.split("\n\n"))
    return text


def join_hyphenated_lines(text: str) -> str:
    """Undo hyphenation at line ends, keeping hyphens that belong to the word.

    "Zusammen-/fassung" becomes "Zusammenfassung", but "Nord-/Süd" (capital after the
    hyphen), "Haupt-/und Nebensatz" (a conjunction follows), "state-of-the-/art" (part
    of a hyphenated chain) and words the document spells with a hyphen elsewhere keep it.
    """
    if "-\n" not in text:
        return text
    text = _NUMBER_RANGE_AT_LINE_END.sub("-", text)
    hyphenated = {w.lower() for w in _HYPHENATED_WORD.findall(text)}
    words = {w.lower() for w in re.findall(r"\w+", text)}

    def repair(match: re.Match) -> str:
        head, tail = match.group(1), match.group(2)
        if not head[-1].isalpha() or "-" in head or tail[0].isupper():
            return f"{head}-{tail}"
        if tail.lower() in _CONJUNCTIONS:
            return f"{head}- {tail}"
        joined = head + tail
        if f"{head}-{tail}".lower() in hyphenated and joined.lower() not in words:
            return f"{head}-{tail}"
        return joined

    return _HYPHEN_AT_LINE_END.sub(repair, text)


def _unwrap(lines: list[str], mode: LineMode) -> str:
    """One paragraph's lines, with wrapped lines joined back into running text."""
    if mode == "join":
        return " ".join(lines)
    longest = max(len(line) for line in lines)
    merged = [lines[0]]
    for previous, line in pairwise(lines):
        if _runs_on(previous, line, longest):
            merged[-1] += " " + line
        else:
            merged.append(line)
    return "\n".join(merged)


def _runs_on(previous: str, line: str, longest: int) -> bool:
    """Whether ``line`` continues the sentence of ``previous`` (a hard wrap)."""
    if not previous or not line or _BULLET.match(line):
        return False
    if line[0].islower():
        return True
    if _SENTENCE_END.search(previous):
        return False
    # A heading or the short last line of a list is kept; a line that fills the
    # paragraph's width and stops mid-sentence was wrapped.
    return len(previous) >= max(30, 0.6 * longest)
