"""Numbers written as words, German and English: "dreizehn", "hunderttausend",
"zweiundzwanzig", "eine Million", "twenty-five", "three hundred and fifty thousand",
"a dozen", and halves ("eineinhalb", "anderthalb", "eine halbe Million", "two and a
half", "half a million").

German writes a number below a million as one word (units before tens, joined by "und":
"zweiundzwanzig" is 2 + 20); English writes it as a sequence of words.  Both are read
here into an integer; a scale word after it ("Millionen", "million") multiplies.  The
articles "ein/eine/a/an" are 1 only before a scale word ("eine Million", "a dozen"):
everywhere else they are articles.  Indefinite plurals ("Tausende", "Dutzende",
"hundreds") are no number and are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

# Tokens of letters, with English hyphenated compounds kept in one piece ("twenty-five").
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

_DE_UNITS = {"null": 0, "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6,
             "sieben": 7, "acht": 8, "neun": 9}
_DE_TEENS = {"zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14,
             "fünfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19}
_DE_TENS = {"zwanzig": 20, "dreissig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60,
            "siebzig": 70, "achtzig": 80, "neunzig": 90}
# "ein" inside a compound (einhundert, einundzwanzig); alone it is an article
_DE_UNIT_PREFIX = {**_DE_UNITS, "ein": 1}
_DE_ARTICLES = ("ein", "eine", "einer", "einen", "einem", "eines")
_EN_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
             "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
             "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
             "eighteen": 18, "nineteen": 19}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
            "seventy": 70, "eighty": 80, "ninety": 90}
_EN_ARTICLES = ("a", "an")

# Scale words after a number, as powers of ten (German "Billion" is 10^12).
SCALE_WORDS = {
    "de": {"million": 6, "millionen": 6, "mio": 6, "milliarde": 9, "milliarden": 9,
           "mrd": 9, "billion": 12, "billionen": 12, "tausend": 3},
    "en": {"million": 6, "millions": 6, "billion": 9, "billions": 9, "trillion": 12,
           "trillions": 12, "thousand": 3},
}
PERCENT_WORDS = {"de": ("prozent",), "en": ("percent",)}
DOZEN = {"de": ("dutzend",), "en": ("dozen",)}
HALF = Decimal("0.5")
_DE_HALF_ADJECTIVES = ("halbe", "halben", "halbes", "halber")


def german_number(word: str) -> int | None:
    """The value of one German number word ("dreihunderttausendzwei"), else None."""
    if "tausend" in word:
        left, _, right = word.rpartition("tausend")
        thousands = 1 if left in ("", "ein") else _german_below_1000(left)
        rest = 0 if not right else _german_below_1000(right.removeprefix("und"))
        return None if thousands is None or rest is None else thousands * 1000 + rest
    return _german_below_1000(word)


def _german_below_1000(word: str) -> int | None:
    if "hundert" in word:
        left, _, right = word.partition("hundert")
        hundreds = 1 if left == "" else _DE_UNIT_PREFIX.get(left)
        rest = 0 if not right else _german_below_100(right.removeprefix("und"))
        return None if hundreds is None or rest is None else hundreds * 100 + rest
    return _german_below_100(word)


def _german_below_100(word: str) -> int | None:
    for table in (_DE_UNITS, _DE_TEENS, _DE_TENS):
        if word in table:
            return table[word]
    unit, joined, tens = word.partition("und")
    if joined and unit in _DE_UNIT_PREFIX and tens in _DE_TENS and unit != "null":
        return _DE_UNIT_PREFIX[unit] + _DE_TENS[tens]
    return None


def _english_small(word: str) -> int | None:
    """0-99 in one token: "seven", "seventeen", "seventy", "seventy-seven"."""
    if word in _EN_UNITS:
        return _EN_UNITS[word]
    if word in _EN_TENS:
        return _EN_TENS[word]
    tens, _, unit = word.partition("-")
    if tens in _EN_TENS and _EN_UNITS.get(unit, 10) < 10 and unit != "zero":
        return _EN_TENS[tens] + _EN_UNITS[unit]
    return None


@dataclass(frozen=True)
class WordNumber:
    """A number written in words: its value, the power of ten of a scale word after it
    (0 without one), whether "Prozent"/"percent" follows, and where it stands."""

    value: Decimal
    exponent: int
    percent: bool
    start: int
    end: int


def word_numbers(text: str, lang: str) -> list[WordNumber]:
    """Every number written in words in ``text``, in order."""
    tokens = [(m.group().casefold(), m.start(), m.end()) for m in WORD.finditer(text)]
    found: list[WordNumber] = []
    i = 0
    while i < len(tokens):
        read = _read_value(tokens, i, lang)
        if read is None:
            i += 1
            continue
        value, j = read
        exponent = 0
        following = tokens[j][0].rstrip(".") if j < len(tokens) else ""
        if following in SCALE_WORDS[lang] and value and _adjacent(text, tokens, j):
            exponent, j = SCALE_WORDS[lang][following], j + 1
        percent = (j < len(tokens) and tokens[j][0] in PERCENT_WORDS[lang]
                   and _adjacent(text, tokens, j))
        if percent or (lang == "en" and j + 1 < len(tokens) and tokens[j][0] == "per"
                       and tokens[j + 1][0] == "cent"):
            percent, j = True, j + (1 if tokens[j][0] != "per" else 2)
        found.append(WordNumber(value, exponent, percent, tokens[i][1], tokens[j - 1][2]))
        i = j
    return found


def _adjacent(text: str, tokens: list, j: int) -> bool:
    """Token ``j`` follows token ``j - 1`` with only spaces between (same phrase)."""
    return not text[tokens[j - 1][2]:tokens[j][1]].strip()


def _read_value(tokens: list, i: int, lang: str) -> tuple[Decimal, int] | None:
    """A number's value and the index after its last word, starting at token ``i``."""
    half = _read_half(tokens, i, lang)
    if half is not None:
        return half
    read = _read_whole(tokens, i, lang)
    if read is None:
        return None
    value, j = read
    if lang == "en" and [t[0] for t in tokens[j:j + 3]] == ["and", "a", "half"]:
        return Decimal(value) + HALF, j + 3  # "two and a half"
    return Decimal(value), j


def _read_half(tokens: list, i: int, lang: str) -> tuple[Decimal, int] | None:
    """Halves: "eineinhalb", "anderthalb", "eine halbe Million", "ein halbes Dutzend",
    "half a million", "half a dozen"."""
    words = [t[0] for t in tokens[i:i + 3]] + ["", "", ""]
    scale_or_dozen = (*SCALE_WORDS[lang], *DOZEN[lang])
    if lang == "de":
        if words[0] == "anderthalb":
            return Decimal("1.5"), i + 1
        if words[0].endswith("einhalb") and words[0] != "einhalb":
            stem = words[0].removesuffix("einhalb")
            whole = 1 if stem == "ein" else german_number(stem)
            return (Decimal(whole) + HALF, i + 1) if whole is not None else None
        if words[0] in _DE_ARTICLES and words[1] in _DE_HALF_ADJECTIVES and (
                words[2] in scale_or_dozen):
            return (Decimal(6), i + 3) if words[2] in DOZEN[lang] else (HALF, i + 2)
        return None
    if words[0] == "half" and words[1] in _EN_ARTICLES and words[2] in scale_or_dozen:
        return (Decimal(6), i + 3) if words[2] in DOZEN[lang] else (HALF, i + 2)
    return None


def _read_whole(tokens: list, i: int, lang: str) -> tuple[int, int] | None:
    """A whole number's value and the index after its last word."""
    word = tokens[i][0]
    nxt = tokens[i + 1][0].rstrip(".") if i + 1 < len(tokens) else ""
    articles = _DE_ARTICLES if lang == "de" else _EN_ARTICLES
    if word in articles:  # 1 only before a scale word or "Dutzend"
        if nxt in SCALE_WORDS[lang] or nxt in DOZEN[lang] or (lang == "en" and nxt in (
                "hundred", "thousand")):
            return (12, i + 2) if nxt in DOZEN[lang] else (
                _read_english(tokens, i + 1, start_with=1) if lang == "en" and nxt in (
                    "hundred", "thousand") else (1, i + 1))
        return None
    if word in DOZEN[lang]:
        return 12, i + 1
    if lang == "de":
        value = german_number(word)
        if value is None:
            return None
        if nxt in DOZEN[lang]:
            return value * 12, i + 2
        return value, i + 1
    return _read_english(tokens, i) if _english_small(word) is not None or word in (
        "hundred", "thousand") else None


def _read_english(tokens: list, i: int, start_with: int | None = None
                  ) -> tuple[int, int] | None:
    """A sequence like "three hundred and fifty thousand", from token ``i``."""
    total, current, j = 0, start_with, i
    last = "start" if start_with is None else "small"
    while j < len(tokens):
        word = tokens[j][0]
        small = _english_small(word)
        if small is not None and last in ("start", "hundred", "thousand", "and"):
            current, last = (current or 0) + small, "small"
        elif word == "hundred" and last in ("start", "small") and (current or 1) < 10:
            current, last = (current or 1) * 100, "hundred"
        elif word == "thousand" and last in ("start", "small", "hundred"):
            total, current, last = total + (current or 1) * 1000, None, "thousand"
        elif word == "dozen" and last == "small":
            current, last = current * 12, "dozen"
        elif (word == "and" and last in ("hundred", "thousand") and j + 1 < len(tokens)
              and _english_small(tokens[j + 1][0]) is not None):
            last = "and"
        else:
            break
        j += 1
    if last == "start":
        return None
    return total + (current or 0), j
