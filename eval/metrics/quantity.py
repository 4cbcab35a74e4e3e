"""A quantity read from text: its kind, canonical value and where it stands, and the
claiming loop the readers share (``numbers``, ``datetimes``).

Readers run in order over one text; each claims the characters of what it reads, so a
later reader never reads the digits of a date or a time as a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER, PERCENT, DATE, YEAR, TIME, VERSION = (
    "number", "percent", "date", "year", "time", "version")


@dataclass(frozen=True)
class Quantity:
    """One quantity in a text: its kind, canonical value and where it stands.

    ``figure`` is the bare figure of a scaled number or a percentage ("3.5" of "3,5
    Millionen"); ``in_words`` says it was written in words.
    """

    kind: str
    value: str
    start: int
    end: int
    figure: str | None = None
    in_words: bool = False
    # other labels an ambiguous spelling may mean ("5m": five metres or five million);
    # the quantity is supported when any of its readings is
    alternatives: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """One string per kind and value: "3500000", "50%", "date:2023-06-18",
        "year:2023", "time:14:30", "version:3.10"."""
        if self.kind == NUMBER:
            return self.value
        if self.kind == PERCENT:
            return self.value + "%"
        return f"{self.kind}:{self.value}"


def overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in taken)


def claim(patterns: list[re.Pattern], text: str, taken: list[tuple[int, int]],
          read) -> list[Quantity]:
    """Each match of ``patterns`` that overlaps nothing taken, as ``read`` makes it a
    quantity (or None); what is read is taken, so later patterns skip it."""
    found = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            if overlaps(match.start(), match.end(), taken):
                continue
            quantity = read(match)
            if quantity is not None:
                found.append(quantity)
                taken.append((match.start(), match.end()))
    return found
