"""A model's control tokens inside a document are data: break them before the model
reads the document (in a prompt, after a task prefix, or as a translator's input).

A tokenizer turns some strings into control tokens wherever they appear, document text
included: ``<|im_end|><|im_start|>system`` in a document would close the user turn and
open a fake system turn. So before a document enters a prompt, every such string is
broken with a space after its first character (``<|im_start|>`` -> ``< |im_start|>``)
and then tokenizes as ordinary text.

Which strings: everything the tokenizer itself calls special or added (its special
tokens, its added vocabulary; plain-word added tokens excepted, they carry no control),
and the markers its chat template writes (``[INST]``, ``<start_of_turn>``, ``<<SYS>>``
...), which some models read as plain text but still take as turn boundaries.

Why a visible space: it survives every tokenizer's normalisation (zero-width characters
are dropped by some normalisers, which would rebuild the marker), it keeps the text
readable, and ``--dry-run`` shows the change instead of hiding it.

Duck-typed on the tokenizer, so nothing here imports transformers.
"""

from __future__ import annotations

import re

BREAK = " "
# Marker shapes in chat templates: <|x|>, <x> and </x>, <<X>>, [X] and [/X].
_TEMPLATE_MARKER = re.compile(
    r"<\|[^|<>\s]{1,40}\|>|</?[A-Za-z_][\w.-]{0,40}>|<<[A-Z_]{1,20}>>|\[/?[A-Z][A-Z_]{1,20}\]")
_HAS_SYMBOL = re.compile(r"[^\w\s]")


def control_markers(tokenizer) -> tuple[str, ...]:
    """The strings in a document that ``tokenizer`` (or its chat template) would read as
    control: longest first, so that a marker containing another is broken whole."""
    found = set(getattr(tokenizer, "all_special_tokens", None) or ())
    for token in (getattr(tokenizer, "added_tokens_decoder", None) or {}).values():
        content = getattr(token, "content", str(token))
        if getattr(token, "special", False) or _HAS_SYMBOL.search(content):
            found.add(content)
    added = getattr(tokenizer, "get_added_vocab", None)
    found.update(t for t in (added() if added else {}) if _HAS_SYMBOL.search(t))
    templates = getattr(tokenizer, "chat_template", None) or ""
    if isinstance(templates, dict):  # named templates (default, tool_use ...)
        templates = "\n".join(templates.values())
    found.update(_TEMPLATE_MARKER.findall(templates))
    return tuple(sorted((m for m in found if len(m.strip()) > 1), key=lambda m: (-len(m), m)))


def neutralise(text: str, markers: tuple[str, ...]) -> str:
    """``text`` with every marker broken so that it tokenizes as plain text."""
    if not markers:
        return text
    pattern = re.compile("|".join(re.escape(m) for m in markers))
    # One pass breaks every match; another is needed only where a break joined the text
    # into a new marker, which needs markers that overlap in odd ways: a few passes suffice.
    for _ in range(4):
        text, count = pattern.subn(_break, text)
        if not count or not pattern.search(text):
            break
    return text


def _break(match: re.Match) -> str:
    marker = match.group()
    at = len(marker) - len(marker.lstrip()) + 1  # after the first visible character
    return marker[:at] + BREAK + marker[at:]
