"""Dates, times and versions: digits that are no counts, read whole before numbers are.

* dates: "18.06.2023", "2023-06-18", "18. Juni 2023", "June 18, 2023", US "06/18/2023",
  and in German "18.6." without a year (in English "18.6." ends a sentence);
* times: "14.30 Uhr", "14:30", "14 Uhr", English "2:30 p.m.";
* versions: after a version word ("Python 3.10", "v2.1"; tried before dates, so
  "Version 1.2.23" is no date), after a product-like name ("TensorFlow 2.10", "GPT-3.5";
  tried after dates, so "EM 18.06.2024" stays one), and any "1.2.3".
"""

from __future__ import annotations

import re

from .quantity import DATE, TIME, VERSION, Quantity, claim, overlaps

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
_ALL_DATES = (
    r"(?<![\d.,/])" + _DAY + r"\.(?P<mon>[01]?\d)\.(?P<year>\d{4}|\d{2})(?!\d)",
    r"(?<![\d.,-])" + _YEAR + r"-(?P<mon>[01]\d)-" + _DAY + r"(?!\d)",
    r"(?<![\d.,/])(?P<first>[01]?\d|[23]\d)/(?P<second>[0-3]?\d)/(?P<year>\d{4})(?![\d/])",
    r"(?<![\d.,])" + _DAY + r"(?:\.|st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH
    + r"(?:,?\s+" + _YEAR + r"(?!\d))?(?!\w)",
    r"\b" + _MONTH + r"\s+" + _DAY + r"(?:st|nd|rd|th)?(?!\d)(?:,?\s+" + _YEAR + r"(?!\d))?",
    r"\b" + _MONTH + r"\s+" + _YEAR + r"(?!\d)",
)
# German only: "18.6." with no year is a day and a month (in English it ends a sentence).
_GERMAN_DAY_MONTH = r"(?<![\d.,/])" + _DAY + r"\.(?P<mon>[01]?\d)\.(?![\d])"
_DATES = {lang: [re.compile(p) for p in _ALL_DATES + extra]
          for lang, extra in (("de", (_GERMAN_DAY_MONTH,)), ("en", ()))}

_ALL_TIMES = (
    r"(?<![\d.,:])(?P<hour>[01]?\d|2[0-3])[.:](?P<minute>[0-5]\d)\s?(?:Uhr|h)\b",
    r"(?<![\d.,:])(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)(?::[0-5]\d)?(?![\d:])",
    r"(?<![\d.,:])(?P<hour>[01]?\d|2[0-3])\s?Uhr\b",
)
# English only: "2:30 p.m.", "5pm" (German "5 am Montag" is no time).
_TWELVE_HOURS = (r"(?<![\d.,:])(?P<hour>1[0-2]|0?\d)(?:[.:](?P<minute>[0-5]\d))?\s?"
                 r"(?P<half>[ap])\.?\s?m\.?(?!\w)")
_TIMES = {"de": [re.compile(p) for p in _ALL_TIMES],
          "en": [re.compile(p) for p in (_TWELVE_HOURS, *_ALL_TIMES)]}

# A word before dotted digits that makes them a version: "Python 3.10", "v2.1"...
_VERSION_WORD = (r"(?:(?<![^\W\d_])[vV]|\b(?:[Vv]ersion|[Rr]elease|Python|Java|Android|macOS|"
                 r"Windows|Linux|Kernel|Firefox|Chrome|Update|Bluetooth|Unicode|Perl|Ruby|"
                 r"Node(?:\.js)?)[ -])")
# ...or a product-like name, CamelCase or capitals ("TensorFlow 2.10", "GPT-3.5", "CUDA
# 11.8"); tried after dates, so "EM 18.06.2024" stays a date.
_VERSION_NAME = r"\b(?:[a-z]+[A-Z]\w*|[A-Z]\w*[a-z]\w*[A-Z]\w*|[A-Z]{2,})[ -]"
# ...unless a scale or percent follows: "US 3.5 million" is a number.
_NOT_SCALED = (r"(?!\s?(?:%|[Pp]rozent|[Pp]ercent|per cent|Mio|Mrd|[Mm]illion|[Mm]illiarde|"
               r"[Bb]illion|[Tt]rillion|bn\b|mn\b|[Tt]ausend|thousand))")
_VERSION_AFTER_WORD, _VERSION_AFTER_NAME = (
    re.compile(cue + r"(?P<version>\d+(?:\.\d+)+)(?![\d.]*\d)" + _NOT_SCALED)
    for cue in (_VERSION_WORD, _VERSION_NAME))
# three or more dotted groups, which are no thousands ("1.2.3", not "1.234.567")
_DOTTED_VERSION = re.compile(r"(?<![\w.,])(?P<version>\d+(?:\.\d+){2,})(?![\w.]*\d)")


def _year(text: str) -> int:
    year = int(text)
    return year + (2000 if year < 50 else 1900) if len(text) == 2 else year


def read_date(match: re.Match, lang: str) -> Quantity | None:
    groups = match.groupdict()
    if groups.get("first"):
        month, day = _month_day(int(groups["first"]), int(groups["second"]), lang)
    else:
        month = MONTHS.get(groups.get("month") or "") or int(groups.get("mon") or 0)
        day = int(groups["day"]) if groups.get("day") else None
    year = _year(groups["year"]) if groups.get("year") else None
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    if day is None:
        value = f"{year:04d}-{month:02d}"
    elif year is None:
        value = f"--{month:02d}-{day:02d}"
    else:
        value = f"{year:04d}-{month:02d}-{day:02d}"
    return Quantity(DATE, value, match.start(), match.end())


def _month_day(first: int, second: int, lang: str) -> tuple[int, int]:
    """A slashed date's month and day: whichever cannot be a month is the day; otherwise
    English text reads month/day (US), German day/month."""
    if first > 12 or (lang == "de" and second <= 12):
        return second, first
    return first, second


def read_time(match: re.Match) -> Quantity:
    groups = match.groupdict()
    hour, minute = int(groups["hour"]), int(groups.get("minute") or 0)
    if groups.get("half"):
        hour = hour % 12 + (12 if groups["half"].lower() == "p" else 0)
    return Quantity(TIME, f"{hour:02d}:{minute:02d}", match.start(), match.end())


def read_versions(text: str, taken: list[tuple[int, int]], pattern: re.Pattern
              ) -> list[Quantity]:
    """Versions after a cue (``_VERSION_AFTER_WORD`` is tried before dates: "Version
    1.2.23"), or dotted groups that are no thousands ("1.2.3")."""
    found = []
    for match in pattern.finditer(text):
        start, end = match.start("version"), match.end("version")
        groups = match["version"].split(".")
        if overlaps(start, end, taken) or (pattern is not _VERSION_AFTER_WORD and all(
                len(g) == 3 for g in groups[1:])):
            continue  # "1.234.567", "EU 1.234": a number with thousands
        found.append(Quantity(VERSION, match["version"], start, end))
        taken.append((start, end))
    return found


def read_dates_times_versions(text: str, lang: str, taken: list[tuple[int, int]]
                              ) -> list[Quantity]:
    """Versions after a version word, dates, versions after a name or with three groups,
    then times, each claiming what it reads in ``taken``."""
    found = read_versions(text, taken, _VERSION_AFTER_WORD)
    found += claim(_DATES.get(lang, _DATES["en"]), text, taken, lambda m: read_date(m, lang))
    found += read_versions(text, taken, _VERSION_AFTER_NAME)
    found += read_versions(text, taken, _DOTTED_VERSION)
    found += claim(_TIMES.get(lang, _TIMES["en"]), text, taken, read_time)
    return found
