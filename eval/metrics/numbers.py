"""Quantities in text, read as a German or English reader reads them, and whether a
source supports the ones a summary states.

The public API (the number-consistency metric below uses it; a grounding check can too):

* ``extract_quantities(text, lang)``: every ``Quantity`` in ``text``, typed and
  canonicalised;
* ``supported_labels(quantities)``: what a source's quantities support;
* ``unsupported_quantities(summary, lang, source, source_lang)``: the summary's
  quantities the source does not support.

A quantity has a kind, and a summary quantity is only ever supported by the same kind:

* ``number``: a value, whatever the spelling: "3,5 Millionen", "3.5 million",
  "3.500.000" and "3,500,000" are all 3500000, "eine Million" and "1 Mio." 1000000.
  Each text is read with its language's marks (German decimal comma, English decimal
  point); when both marks occur the last one is the decimal mark ("1,234.5" is 1234.5
  in German text too).  German "Billion" is 10^12, English "billion" 10^9.  "m" and
  "k" are million and thousand after a currency sign ("£3m"); "5 m" is five metres;
  "5m" in English may be either, and either reading is supported.  Signs count ("-5",
  "minus 5"); vulgar fractions belong to their number ("11½").
* ``percent``: "50 %", "50 Prozent", "fünf Prozent", "50 per cent".
* ``date``: one value with its parts kept together: "18.06.2023", "2023-06-18",
  "18. Juni 2023", "June 18, 2023", US "06/18/2023"; "18.6." and "18. Juni" without a
  year are --06-18 (German "18.6." is a date, never 18.6), "Juni 2023" is 2023-06.  A full
  date supports its day-month and year-month forms and a ``year``, never a count: "3. Mai"
  supports no "5", and its year no "2023 Gäste".
* ``year``: a plain four-digit number read as a year ("in 2023", "seit 2023", "2010-2020",
  or before punctuation).  It is supported by a date's year or the same number in the
  source, but a year or a date in the source supports no count of 2023.
* ``time``: "14.30 Uhr", "14:30", "2:30 p.m.", "14 Uhr" are all 14:30 / 14:00; its
  digits are not numbers.
* ``version``: after a version word or a product-like name ("Python 3.10", "v2.1",
  "TensorFlow 2.10", "GPT-3.5") and any "1.2.3", compared as written: 3.10 is not 3.1.

Numbers written with digits are checked in the summary, and words only with a scale or
percent ("eine Million", "fünf Prozent"; a bare "ein" or "one" is too often an article).
The source also supports every number written in words ("dreizehn", "hunderttausend",
"ein Dutzend", "twenty-five"), the bare figure of a scaled number ("3,5" of "3,5
Millionen") and of a percentage.  Digits glued to a preceding letter ("G7", "H2O") are
names, not quantities.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ...config_schema import LANGS
from .base import Key, Metric, Sample
from .datetimes import read_dates_times_versions
from .numberwords import word_numbers
from .quantity import DATE, NUMBER, PERCENT, TIME, VERSION, YEAR, Quantity, overlaps

__all__ = ["DATE", "NUMBER", "PERCENT", "TIME", "VERSION", "YEAR", "NumberConsistency",
           "Quantity", "extract_quantities", "stated_quantities", "supported_labels",
           "unsupported_quantities"]

_FRACTIONS = {"½": "0.5", "⅓": "0.333333", "⅔": "0.666667", "¼": "0.25", "¾": "0.75",
              "⅕": "0.2", "⅖": "0.4", "⅗": "0.6", "⅘": "0.8", "⅙": "0.166667",
              "⅚": "0.833333", "⅛": "0.125", "⅜": "0.375", "⅝": "0.625", "⅞": "0.875",
              "⅐": "0.142857", "⅑": "0.111111", "⅒": "0.1"}
_NUMBER = re.compile(
    r"(?:(?<![^\W_])(?P<sign>[-−–+]|minus\s+|Minus\s+))?"  # a sign, not glued to a word
    r"(?<![^\W\d_])(?<![\d.,])"  # not glued to a letter, not the tail of another number
    r"(?P<int>\d{1,3}(?P<sep>[.,'’\u00a0\u202f ])\d{3}(?:(?P=sep)\d{3})*(?!\d)"
    r"|\d+)(?P<frac>[.,]\d+(?!\d))?"
    r"(?P<vulgar>\s?[" + "".join(_FRACTIONS) + r"])?"
    r"(?:(?P<percent>\s?(?:%|[Pp]rozent\b|[Pp]ercent\b|per cent\b|pct\b))"
    r"|\s?(?P<scale>[^\W\d_]+\.?))?"
)
_CURRENCY_BEFORE = re.compile(r"(?:[£$€¥]|US\$|CHF|EUR|USD|GBP)\s?$")

SCALES = {
    "de": {"tausend": 3, "tsd.": 3, "tsd": 3, "mio.": 6, "mio": 6, "million": 6,
           "millionen": 6, "mrd.": 9, "mrd": 9, "milliarde": 9, "milliarden": 9,
           "billion": 12, "billionen": 12},
    "en": {"thousand": 3, "mn": 6, "million": 6, "millions": 6, "bn": 9,
           "billion": 9, "billions": 9, "trillion": 12, "trillions": 12},
}
# Unit-like abbreviations that are a scale only after a currency sign: "£3m", "$5k".
CURRENCY_SCALES = {"m": 6, "k": 3}

# Words right before a four-digit number that make it a year.
YEAR_CUES = {
    "de": {"im", "in", "seit", "bis", "ab", "von", "vor", "nach", "um", "jahr", "jahre",
           "jahres", "jahren", "anfang", "ende", "mitte", "frühjahr", "frühling", "sommer",
           "herbst", "winter", "zwischen", "januar", "februar", "märz", "april", "mai",
           "juni", "juli", "august", "september", "oktober", "november", "dezember"},
    "en": {"in", "since", "until", "till", "by", "from", "to", "of", "year", "during",
           "before", "after", "early", "late", "mid", "around", "between", "spring",
           "summer", "autumn", "fall", "winter", "january", "february", "march", "april",
           "may", "june", "july", "august", "september", "october", "november",
           "december"},
}
FIRST_YEAR, LAST_YEAR = 1000, 2100
_WORD_BEFORE = re.compile(r"([^\W\d_]+)\W{0,2}$")
_YEAR_RANGE_BEFORE = re.compile(r"\b\d{4}\s?[-–]\s?$")
_ENDS_CLAUSE = re.compile(r"\s?(?:[.,;:!?)\]]|$)")
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n\s*)$")
_LOWER_WORD_AFTER = re.compile(r"\s+[a-zäöüß]")
LOOK_BACK = 40  # characters before a number searched for its cue words


def _canonical(value: Decimal) -> str:
    """One spelling per value: 3500000, 3.5, 18 (no exponent, no trailing zeros)."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _integer_part(digits: str, sep: str | None, lang: str, frac_mark: str | None
                  ) -> tuple[str, str | None]:
    """Digits of the integer part, and a decimal part when a lone group is really one.

    "3,500" is three thousand five hundred in English but 3.5 in German; "3.500" the
    other way round.  Several groups ("1.234.567") can only be thousands, and so can a
    group followed by the other mark ("1,234.5": the last mark is the decimal mark).
    """
    if sep is None:
        return digits, None
    groups = digits.split(sep)
    decimal_mark = "," if lang == "de" else "."
    if sep == decimal_mark and len(groups) == 2 and frac_mark in (None, sep):
        return groups[0], groups[1]
    return "".join(groups), None


def _digit_numbers(text: str, lang: str, taken: list[tuple[int, int]]) -> list[Quantity]:
    scales = SCALES.get(lang, SCALES["en"])
    found = []
    for match in _NUMBER.finditer(text):
        if overlaps(match.start("int"), match.end("int"), taken):
            continue
        frac_mark = match["frac"][0] if match["frac"] else None
        whole, fraction = _integer_part(match["int"], match["sep"], lang, frac_mark)
        if match["frac"]:
            if fraction is not None:
                continue
            fraction = match["frac"][1:]
        try:
            figure = Decimal(f"{whole}.{fraction}" if fraction else whole)
        except InvalidOperation:
            continue
        if match["vulgar"]:
            figure += Decimal(_FRACTIONS[match["vulgar"].strip()])
        if (match["sign"] or "").strip() in ("-", "−", "–", "minus", "Minus"):
            figure = -figure
        start = match.start("sign") if match["sign"] else match.start("int")
        if match["percent"]:
            found.append(Quantity(PERCENT, _canonical(figure), start, match.end(),
                                  _canonical(figure)))
            continue
        exponent, end, maybe = _scale(match, text, scales, lang)
        kind = YEAR if _reads_as_year(match, text, lang, exponent) else NUMBER
        found.append(Quantity(kind, _canonical(figure.scaleb(exponent)), start, end,
                              _canonical(figure), alternatives=tuple(
                                  _canonical(figure.scaleb(e)) for e in maybe)))
    return found


def _scale(match: re.Match, text: str, scales: dict[str, int], lang: str
           ) -> tuple[int, int, tuple[int, ...]]:
    """The power of ten of the word after a number, where the quantity ends, and other
    powers it may mean.

    "m" and "k" glued to a number after a currency sign are million and thousand
    ("£3m"); with a space they are units ("5 m" is five metres); glued without a
    currency in English ("5m people", "a 5m wall") they may be either."""
    number_end = max(match.end(name) for name in ("int", "frac", "vulgar"))
    word = (match["scale"] or "").casefold()
    exponent = scales.get(word, scales.get(word.rstrip("."), 0))
    unit = (match["scale"] or "").rstrip(".")
    if exponent or unit not in CURRENCY_SCALES or match.start("scale") != number_end:
        return exponent, match.end() if exponent else number_end, ()
    if _CURRENCY_BEFORE.search(text[max(0, match.start() - 6):match.start()]):
        return CURRENCY_SCALES[unit], match.end(), ()
    return 0, number_end, (CURRENCY_SCALES[unit],) if lang == "en" else ()


def _reads_as_year(match: re.Match, text: str, lang: str, exponent: int) -> bool:
    """A plain four-digit number after a year cue, in a range of years, or closing a
    clause ("in 2023", "2010-2020", "... 2023.")."""
    digits = match["int"]
    if (exponent or match["sign"] or match["frac"] or match["vulgar"] or len(digits) != 4
            or not FIRST_YEAR <= int(digits) <= LAST_YEAR):
        return False
    before = text[max(0, match.start("int") - LOOK_BACK):match.start("int")]
    word = _WORD_BEFORE.search(before)
    if word and word.group(1).casefold() in YEAR_CUES.get(lang, YEAR_CUES["en"]):
        return True
    if _YEAR_RANGE_BEFORE.search(before) or _ENDS_CLAUSE.match(text, match.end("int")):
        return True
    # German capitalises nouns: "2023 Gäste" counts guests, "2023 wurde ..." is a year
    return lang == "de" and bool(_SENTENCE_START.search(before)
                                 and _LOWER_WORD_AFTER.match(text, match.end("int")))


def _words(text: str, lang: str, taken: list[tuple[int, int]]) -> list[Quantity]:
    found = []
    for number in word_numbers(text, lang if lang in LANGS else "en"):
        if overlaps(number.start, number.end, taken):
            continue
        figure = _canonical(Decimal(number.value))
        if number.percent:
            found.append(Quantity(PERCENT, figure, number.start, number.end, figure, True))
        else:
            value = _canonical(Decimal(number.value).scaleb(number.exponent))
            found.append(Quantity(NUMBER, value, number.start, number.end, figure, True))
    return found


def extract_quantities(text: str, lang: str) -> list[Quantity]:
    """Every quantity in ``text`` read with the conventions of ``lang`` (de or en), in
    order: versions, dates and times first (their digits are no numbers), then numbers in
    digits, then in words."""
    taken: list[tuple[int, int]] = []
    found = read_dates_times_versions(text, lang, taken)
    found += _digit_numbers(text, lang, taken)
    taken += [(q.start, q.end) for q in found]
    found += _words(text, lang, taken)
    return sorted(found, key=lambda q: q.start)


def stated_quantities(text: str, lang: str) -> list[Quantity]:
    """The quantities a summary states and is held to: digits, and words only with a
    scale or percent ("eine Million", "fünf Prozent")."""
    return [q for q in extract_quantities(text, lang)
            if not q.in_words or q.kind == PERCENT or q.value != q.figure]


def supported_labels(quantities: list[Quantity]) -> set[str]:
    """Every label a source with these quantities supports."""
    supported: set[str] = set()
    for quantity in quantities:
        supported.add(quantity.label)
        supported.update(quantity.alternatives)
        if quantity.kind == DATE:
            supported |= _date_forms(quantity.value)
        elif quantity.kind in (NUMBER, PERCENT) and quantity.figure is not None:
            supported.add(quantity.figure)
        if quantity.kind == NUMBER and not quantity.in_words and quantity.value.isdigit() \
                and len(quantity.value) == 4 \
                and FIRST_YEAR <= int(quantity.value) <= LAST_YEAR:
            supported.add(f"{YEAR}:{quantity.value}")  # a bare number may be a year
    return supported


def _date_forms(value: str) -> set[str]:
    """A full date also supports its day-month and year-month forms and its year; a
    year-month its year."""
    if len(value) == 10 and not value.startswith("--"):
        return {f"{DATE}:--{value[5:]}", f"{DATE}:{value[:7]}", f"{YEAR}:{value[:4]}"}
    if len(value) == 7 and not value.startswith("--"):
        return {f"{YEAR}:{value[:4]}"}
    return set()


def unsupported_quantities(summary: str, lang: str, source: str, source_lang: str
                           ) -> tuple[list[Quantity], list[Quantity]]:
    """The quantities ``summary`` states, and those of them ``source`` does not support."""
    stated = stated_quantities(summary, lang)
    supported = supported_labels(extract_quantities(source, source_lang))
    return stated, [q for q in stated if q.label not in supported
                    and not supported.intersection(q.alternatives)]


def summary_numbers(text: str, lang: str) -> list[str]:
    """The labels of the quantities a summary states, in order."""
    return [q.label for q in stated_quantities(text, lang)]


def source_numbers(text: str, lang: str) -> set[str]:
    """Every label a source supports."""
    return supported_labels(extract_quantities(text, lang))


class NumberConsistency(Metric):
    """How many numbers a summary states, how many the source lacks, and whether none."""

    name = "numbers"
    version = "3"
    keys = (
        Key("numbers", "numbers in summary", None, "count"),
        Key("numbers_unsupported", "numbers not in source", False, "count"),
        Key("numbers_consistent", "summaries with every number in source %", True,
            short="numbers all in source %"),
    )
    headline = ("numbers_consistent",)
    document_columns = ("numbers_unsupported",)
    breakdown_columns = ()

    def settings(self) -> str:
        return ("values,lang-aware-separators,last-mark-decimal,scales,"
                "m/k-after-currency(en-glued-either),words(de-compounds,halves,"
                "scaled-in-summary),signs,fractions,percent,dates-whole(de-day-month,"
                "us-slash),date-parts-no-counts,years,times,versions(cue,product-name,"
                "3-groups)")

    def score(self, sample: Sample) -> dict[str, float]:
        stated, missing = unsupported_quantities(sample.hypothesis, sample.lang,
                                                 sample.source, sample.source_lang)
        return {"numbers": float(len(stated)), "numbers_unsupported": float(len(missing)),
                "numbers_consistent": 0.0 if missing else 100.0}
