"""Number consistency: numbers in a summary that the source does not contain.

A cheap hallucination signal.  Numbers are compared as values, so a correct rendering in
the other language or style is not flagged: "3,5 Millionen", "3.5 million",
"3 500 000", "3.500.000" and "3,500,000" are all 3500000.  Each text is read with its
own language's conventions (German: decimal comma, "." or space between thousands;
English: decimal point, "," or space between thousands; the Swiss "1'000" in both), and
German "Billion" is 10^12 while English "billion" is 10^9.

Only numbers written with digits are checked in the summary; the source also supports
numbers written as words ("zwei", "twelve") and the bare figure of a scaled number
("3,5" of "3,5 Millionen").  Numbers glued to a preceding letter ("G7", "H2O") are names,
not quantities, and are skipped.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ..text import tokenize
from .base import Key, Metric, Sample

_NUMBER = re.compile(
    r"(?<![^\W\d_])(?<![\d.,])"  # not glued to a letter, not the tail of another number
    r"(?P<date>\d{1,2}\.\d{1,2}\.\d{2,4}(?!\d))"
    r"|(?<![^\W\d_])(?<![\d.,])"
    r"(?P<int>\d{1,3}(?P<sep>[.,'’\u00a0\u202f ])\d{3}(?:(?P=sep)\d{3})*(?!\d)"
    r"|\d+)(?P<frac>[.,]\d+(?!\d))?"
    r"(?:\s?(?P<scale>[^\W\d_]+\.?))?"
)

SCALES = {
    "de": {"tausend": 3, "tsd.": 3, "tsd": 3, "mio.": 6, "mio": 6, "million": 6,
           "millionen": 6, "mrd.": 9, "mrd": 9, "milliarde": 9, "milliarden": 9,
           "billion": 12, "billionen": 12},
    "en": {"thousand": 3, "k": 3, "m": 6, "mn": 6, "million": 6, "millions": 6, "bn": 9,
           "billion": 9, "billions": 9, "trillion": 12, "trillions": 12},
}
WORDS = {
    "de": {"null": 0, "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6,
           "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12,
           "zwanzig": 20, "dreissig": 30, "hundert": 100, "tausend": 1000},
    "en": {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
           "twenty": 20, "thirty": 30, "hundred": 100, "thousand": 1000, "dozen": 12},
}


def _canonical(value: Decimal) -> str:
    """One spelling per value: 3500000, 3.5, 18 (no exponent, no trailing zeros)."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _integer_part(digits: str, sep: str | None, lang: str) -> tuple[str, str | None]:
    """Digits of the integer part, and a decimal part when a lone group is really one.

    "3,500" is three thousand five hundred in English but 3.5 in German; "3.500" the
    other way round.  Several groups ("1.234.567") can only be thousands.
    """
    if sep is None:
        return digits, None
    groups = digits.split(sep)
    decimal_mark = "," if lang == "de" else "."
    if sep == decimal_mark and len(groups) == 2:
        return groups[0], groups[1]
    return "".join(groups), None


def parse_numbers(text: str, lang: str) -> list[tuple[Decimal, Decimal]]:
    """Every number written with digits in ``text``: (value with its scale, bare figure)."""
    found: list[tuple[Decimal, Decimal]] = []
    scales = SCALES.get(lang, SCALES["en"])
    for match in _NUMBER.finditer(text):
        if match["date"]:
            found += [(Decimal(p), Decimal(p)) for p in match["date"].split(".")]
            continue
        whole, fraction = _integer_part(match["int"], match["sep"], lang)
        if match["frac"]:
            if fraction is not None:  # "3,500.5" read as 3.5 then ".5": not a number
                continue
            fraction = match["frac"][1:]
        try:
            figure = Decimal(f"{whole}.{fraction}" if fraction else whole)
        except InvalidOperation:
            continue
        scale_word = (match["scale"] or "").casefold()
        exponent = scales.get(scale_word, scales.get(scale_word.rstrip("."), 0))
        found.append((figure.scaleb(exponent), figure))
    return found


def summary_numbers(text: str, lang: str) -> list[str]:
    """The numbers a summary states, canonicalised (scaled values)."""
    return [_canonical(value) for value, _ in parse_numbers(text, lang)]


def source_numbers(text: str, lang: str) -> set[str]:
    """Every value the source supports: scaled, bare and written-out numbers."""
    supported: set[str] = set()
    for value, figure in parse_numbers(text, lang):
        supported |= {_canonical(value), _canonical(figure)}
    words = WORDS.get(lang, WORDS["en"])
    scales = SCALES.get(lang, SCALES["en"])
    tokens = tokenize(text)
    for i, token in enumerate(tokens):
        if token in words:
            value = Decimal(words[token])
            supported.add(_canonical(value))
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            if following in scales:
                supported.add(_canonical(value.scaleb(scales[following])))
    return supported


class NumberConsistency(Metric):
    """How many numbers a summary states, how many the source lacks, and whether none."""

    name = "numbers"
    version = "1"
    keys = (
        Key("numbers", "numbers in summary", None, "count"),
        Key("numbers_unsupported", "numbers not in source", False, "count"),
        Key("numbers_consistent", "summaries with every number in source %", True,
            short="numbers all in source %"),
    )

    def settings(self) -> str:
        return "values,lang-aware-separators,scales,words-in-source"

    def score(self, sample: Sample) -> dict[str, float]:
        stated = summary_numbers(sample.hypothesis, sample.lang)
        supported = source_numbers(sample.source, sample.source_lang)
        missing = sum(value not in supported for value in stated)
        return {"numbers": float(len(stated)), "numbers_unsupported": float(missing),
                "numbers_consistent": 0.0 if missing else 100.0}
