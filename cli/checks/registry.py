"""The checks by name: each is a function from a ``Context`` to ``{"ok": bool, ...}``.

A new check is one module with one function, registered here with ``@register("name")``
and imported in ``checks/__init__.py``; ``annotate`` runs every registered check in
registration order, and ``--fail-on`` accepts its name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .grounding import GroundedSentence


@dataclass(frozen=True)
class Context:
    """Everything a check may look at for one summary."""

    summary: str
    source: str
    lang: str  # the language the summary was asked for
    source_lang: str
    via: str | None  # the source-language summary a translated summary was made from
    truncated: bool  # the summary was cut at its token limit
    sentences: list[GroundedSentence]


Check = Callable[[Context], dict]
CHECKS: dict[str, Check] = {}


def register(name: str) -> Callable[[Check], Check]:
    """Register a check under ``name`` (a decorator); a name is taken only once."""
    def add(check: Check) -> Check:
        if CHECKS.get(name, check) is not check:
            raise ValueError(f"check {name!r} is registered already")
        CHECKS[name] = check
        return check
    return add
