"""What a cleaned text must have to be worth summarising.

A text of fewer than ``MIN_WORDS`` words is reported as a failure ("too short to
summarise") rather than passed through: it is already shorter than the shortest
summary (~25 words), so a model can only pad or repeat it, and a user is better
served by a clear line in the failure list than by an "abstract" longer than its source.
"""

from __future__ import annotations

from ..segment import count_words

MIN_WORDS = 20


def content_problem(text: str) -> str | None:
    """Why ``text`` cannot be summarised, or None when it can."""
    if not text.strip():
        return "has no text (only whitespace or invisible characters); nothing to summarise"
    words = count_words(text)
    if words < MIN_WORDS:
        return (f"too short to summarise ({words} word{'s' if words != 1 else ''}, fewer "
                f"than {MIN_WORDS}); it is already shorter than a summary")
    return None
