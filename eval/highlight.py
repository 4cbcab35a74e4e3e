"""Matched words, marked: which words of a text the other side shares (after stemming).

The report shows a summary beside its reference and source; a word is marked when its
stem occurs on the other side, the way ROUGE-1 sees a match.
"""

from __future__ import annotations

import html
import re

from .text import Analyzer, normalise

_WORD = re.compile(r"[^\W_]+")


def stems(text: str, analyzer: Analyzer) -> set[str]:
    return set(analyzer.tokens(text))


def marked(text: str, analyzer: Analyzer, other: set[str], limit: int | None = None) -> str:
    """``text`` as HTML with every word whose stem is in ``other`` in ``<mark>``; cut after
    ``limit`` characters (a long source) with a note."""
    shown = text if limit is None or len(text) <= limit else text[:limit]
    out, last = [], 0
    for match in _WORD.finditer(shown):
        out.append(html.escape(shown[last:match.start()]))
        word = match.group()
        tokens = analyzer.stemmer.stem_all(_WORD.findall(normalise(word)))
        escaped = html.escape(word)
        out.append(f"<mark>{escaped}</mark>" if tokens and all(t in other for t in tokens)
                   else escaped)
        last = match.end()
    out.append(html.escape(shown[last:]))
    if shown is not text:
        out.append(f" … <em>(first {limit:,} of {len(text):,} characters)</em>")
    return "".join(out)
