"""Number consistency: numbers in a summary that the source does not contain.

A cheap hallucination signal.  Numbers are compared as values, so a correct rendering in
the other language or style is not flagged: "3,5 Millionen", "3.5 million",
"3 500 000", "3.500.000" and "3,500,000" are all 3500000.  Each text is read with its
own language's conventions (German: decimal comma, "." or space between thousands;
English: decimal point, "," or space between thousands; the Swiss "1'000" in both), and
German "Billion" is 10^12 while English "billion" is 10^9.

* Signs count: "-5", "−5" and "minus 5" are -5, not 5 ("3-5" is a range, "Covid-19" a name).
* Vulgar fractions are part of the number: "11½" is 11.5 (never 111).
* Dates are one value whatever the spelling: "18.06.2023", "2023-06-18", "18. Juni 2023",
  "18 June 2023" and "June 18, 2023" are all 2023-06-18 ("18. Juni" without a year is
  --06-18, "Juni 2023" is 2023-06).  A source date also supports its parts (18, 6, 2023).
* Percentages: "50 %", "50%", "50 Prozent", "50 percent" and "50 per cent" are all 50%.
  A percentage in the summary needs one in the source; a source percentage also supports
  the bare 50.

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

_MONTH_NAMES = {
    1: "Januar Jänner January Jan", 2: "Februar February Feb", 3: "März March Mär Mrz Mar",
    4: "April Apr", 5: "Mai May", 6: "Juni June Jun", 7: "Juli July Jul",
    8: "August Aug", 9: "September Sept Sep", 10: "Oktober October Okt Oct",
    11: "November Nov", 12: "Dezember December Dez Dec",
}
MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names.split()}
_MONTH = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)"
_YEAR = r"(?P<year>\d{4})"
_DATES = [re.compile(pattern) for pattern in (
    r"(?<![\d.,])" + _DAY + r"\.(?P<mon>[01]?\d)\.(?P<year>\d{4}|\d{2})(?![\d])",
    r"(?<![\d.,-])" + _YEAR + r"-(?P<mon>[01]\d)-" + _DAY + r"(?![\d])",
    r"(?<![\d.,])" + _DAY + r"(?:\.|st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH
    + r"(?:,?\s+" + _YEAR + r"(?!\d))?",
    r"\b" + _MONTH + r"\s+" + _DAY + r"(?:st|nd|rd|th)?(?!\d)(?:,?\s+" + _YEAR + r"(?!\d))?",
    r"\b" + _MONTH + r"\s+" + _YEAR + r"(?!\d)",
)]
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
PERCENT = "%"
DATE = "date:"


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


def _year(text: str) -> int:
    year = int(text)
    return year + (2000 if year < 50 else 1900) if len(text) == 2 else year


def parse_dates(text: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """Dates in ``text``: (start, end, canonical "date:YYYY-MM-DD" / "date:--MM-DD" /
    "date:YYYY-MM"), and the parts of each as numbers (day, month, year)."""
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    parts: list[tuple[int, int]] = []
    for pattern in _DATES:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            groups = match.groupdict()
            month = MONTHS.get(groups.get("month") or "") or int(groups.get("mon") or 0)
            day = int(groups["day"]) if groups.get("day") else None
            year = _year(groups["year"]) if groups.get("year") else None
            if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
                continue
            if day is None:
                canonical = f"{DATE}{year:04d}-{month:02d}"
            elif year is None:
                canonical = f"{DATE}--{month:02d}-{day:02d}"
            else:
                canonical = f"{DATE}{year:04d}-{month:02d}-{day:02d}"
            found.append((match.start(), match.end(), canonical))
            taken.append((match.start(), match.end()))
            parts += [(value, 0) for value in (day, month, year) if value is not None]
    found.sort()
    return found, parts


def _date_forms(canonical: str) -> set[str]:
    """A full date also supports its day-month and year-month forms."""
    value = canonical[len(DATE):]
    if len(value) == 10 and not value.startswith("--"):
        return {canonical, f"{DATE}--{value[5:]}", f"{DATE}{value[:7]}"}
    return {canonical}


def parse_numbers(text: str, lang: str) -> list[tuple[str, str]]:
    """Every number written with digits in ``text``, in order: (canonical value, bare
    figure).  Dates are one value each; percentages carry a "%"."""
    dates, _ = parse_dates(text)
    found: list[tuple[int, str, str]] = [(start, value, value) for start, _, value in dates]
    scales = SCALES.get(lang, SCALES["en"])
    for match in _NUMBER.finditer(text):
        if any(s <= match.start("int") < e for s, e, _ in dates):
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
        if match["vulgar"]:
            figure += Decimal(_FRACTIONS[match["vulgar"].strip()])
        if (match["sign"] or "").strip() in ("-", "−", "–", "minus", "Minus"):
            figure = -figure
        if match["percent"]:
            value = _canonical(figure) + PERCENT
        else:
            scale_word = (match["scale"] or "").casefold()
            exponent = scales.get(scale_word, scales.get(scale_word.rstrip("."), 0))
            value = _canonical(figure.scaleb(exponent))
        found.append((match.start(), value, _canonical(figure)))
    return [(value, figure) for _, value, figure in sorted(found)]


def summary_numbers(text: str, lang: str) -> list[str]:
    """The numbers a summary states, canonicalised (scaled values, dates, percentages)."""
    return [value for value, _ in parse_numbers(text, lang)]


def source_numbers(text: str, lang: str) -> set[str]:
    """Every value the source supports: scaled, bare and written-out numbers, dates with
    their parts, percentages with their bare figure."""
    supported: set[str] = set()
    for value, figure in parse_numbers(text, lang):
        supported |= _date_forms(value) if value.startswith(DATE) else {value, figure}
    supported |= {str(part) for part, _ in parse_dates(text)[1]}
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
    version = "2"
    keys = (
        Key("numbers", "numbers in summary", None, "count"),
        Key("numbers_unsupported", "numbers not in source", False, "count"),
        Key("numbers_consistent", "summaries with every number in source %", True,
            short="numbers all in source %"),
    )

    def settings(self) -> str:
        return "values,lang-aware-separators,scales,words-in-source,signs,fractions,dates,percent"

    def score(self, sample: Sample) -> dict[str, float]:
        stated = summary_numbers(sample.hypothesis, sample.lang)
        supported = source_numbers(sample.source, sample.source_lang)
        missing = sum(value not in supported for value in stated)
        return {"numbers": float(len(stated)), "numbers_unsupported": float(missing),
                "numbers_consistent": 0.0 if missing else 100.0}
