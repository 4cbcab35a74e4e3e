"""Number consistency: equal values in any spelling are the same number; others are flagged."""

from __future__ import annotations

import pytest
from summarise.eval.metrics import METRICS, Sample
from summarise.eval.metrics.numbers import source_numbers, summary_numbers


@pytest.mark.parametrize(("text", "lang", "values"), [
    ("bereits 3,5 Millionen Granaten", "de", ["3500000"]),
    ("3.5 million shells", "en", ["3500000"]),
    ("3 500 000 Granaten", "de", ["3500000"]),
    ("3\u202f500\u202f000 shells", "en", ["3500000"]),
    ("3.500.000 Granaten", "de", ["3500000"]),
    ("3,500,000 shells", "en", ["3500000"]),
    ("3,5 Mio. Euro", "de", ["3500000"]),
    ("a £3m deal and 2bn dollars", "en", ["3000000", "2000000000"]),
    ("1'000 Franken", "de", ["1000"]),
    ("3,500 people", "en", ["3500"]),      # English: comma groups thousands
    ("3,500 Leute", "de", ["3.5"]),        # German: comma is the decimal mark
    ("3.500 Leute", "de", ["3500"]),
    ("3.500 people", "en", ["3.5"]),
    ("1.234,5 Euro", "de", ["1234.5"]),
    ("1,234.5 dollars", "en", ["1234.5"]),
    ("2 Billionen Euro", "de", ["2000000000000"]),  # German Billion = 10^12
    ("2 billion euros", "en", ["2000000000"]),
    ("am 18. Juni 2024", "de", ["date:2024-06-18"]),
    ("am 18.06.2024", "de", ["date:2024-06-18"]),
    ("rund 90 Prozent", "de", ["90%"]),
    ("covers 3.50% of it.", "en", ["3.5%"]),
    ("In 2015 300 people died", "en", ["year:2015", "300"]),  # a year is not a count
    ("der G7-Gipfel und H2O", "de", []),   # names, not quantities
    ("ein 31-jähriger Mann (31)", "de", ["31", "31"]),
    ("keine Zahl hier", "de", []),
])
def test_summary_numbers_are_normalised_values(text, lang, values):
    assert summary_numbers(text, lang) == values


def test_source_supports_words_and_bare_figures():
    supported = source_numbers("Er hat zwei Millionen Euro, drei Kinder und 3,5 Mio. Schulden.",
                               "de")
    assert {"2", "2000000", "3", "3.5", "3500000"} <= supported


def _score(summary: str, source: str, lang: str = "en", source_lang: str = "de") -> dict:
    return METRICS["numbers"]().score(Sample(summary, ("ref",), source, lang, source_lang))


@pytest.mark.parametrize(("summary", "found", "unsupported"), [
    ("Russia got 3.5 million shells.", 1, 0),          # translation of "3,5 Millionen"
    ("Russia got 3,500,000 shells on 18 June.", 2, 0),
    ("Russia got 4 million shells.", 1, 1),
    ("About 90 percent of trade, 2 years of war.", 2, 0),  # "zwei Jahren" in the source
    ("In 2023, 7 ships came.", 2, 2),
    ("No numbers at all.", 0, 0),
])
def test_cross_lingual_summary_numbers_checked_against_german_source(summary, found,
                                                                     unsupported):
    source = ("Nordkorea soll 3,5 Millionen Granaten geliefert haben, am 18. Juni kommt Putin. "
              "Rund 90 Prozent des Handels, seit mehr als zwei Jahren Krieg.")
    scores = _score(summary, source)
    assert scores["numbers"] == found
    assert scores["numbers_unsupported"] == unsupported
    assert scores["numbers_consistent"] == (0.0 if unsupported else 100.0)


# --- golden cases of the normalisation, in both languages ---------------------------------

@pytest.mark.parametrize(("text", "lang", "values"), [
    # vulgar fractions belong to their number
    ("Das Kind ist 11½ Jahre alt.", "de", ["11.5"]),
    ("The child is 11½ years old.", "en", ["11.5"]),
    ("Es waren 2 ¾ Liter.", "de", ["2.75"]),
    # signs count; ranges and names are not signs
    ("Es waren -5 Grad.", "de", ["-5"]),
    ("It was −5 degrees.", "en", ["-5"]),
    ("Es waren minus 5 Grad.", "de", ["-5"]),
    ("from 3-5 people", "en", ["3", "5"]),
    ("die Covid-19-Pandemie", "de", ["19"]),
    # dates: one value whatever the spelling
    ("am 18.06.2023", "de", ["date:2023-06-18"]),
    ("am 18. Juni 2023", "de", ["date:2023-06-18"]),
    ("on 18 June 2023", "en", ["date:2023-06-18"]),
    ("on June 18, 2023", "en", ["date:2023-06-18"]),
    ("on 2023-06-18", "en", ["date:2023-06-18"]),
    ("on the 18th of June 2023", "en", ["date:2023-06-18"]),
    ("am 18.06.23", "de", ["date:2023-06-18"]),
    ("am 18. Juni", "de", ["date:--06-18"]),
    ("im Juni 2023", "de", ["date:2023-06"]),
    ("am 31.02.2023 nicht", "de", ["date:2023-02-31"]),  # read as written, not checked
    # percentages: sign and words agree
    ("50 %", "de", ["50%"]), ("50%", "en", ["50%"]), ("50 Prozent", "de", ["50%"]),
    ("50 percent", "en", ["50%"]), ("50 per cent", "en", ["50%"]),
    ("3,5 Prozent", "de", ["3.5%"]), ("3.5 per cent", "en", ["3.5%"]),
])
def test_normalisation_golden_cases(text, lang, values):
    assert summary_numbers(text, lang) == values


@pytest.mark.parametrize(("summary", "lang", "source", "source_lang", "unsupported"), [
    ("Er ist 11½ Jahre alt.", "de", "Er ist elfeinhalb, genauer 11,5 Jahre alt.", "de", 0),
    ("He is 111 years old.", "en", "Er ist 11½ Jahre alt.", "de", 1),
    ("It was -5 degrees.", "en", "Es waren -5 Grad.", "de", 0),
    ("It was 5 degrees.", "en", "Es waren -5 Grad.", "de", 1),
    ("Es waren -5 Grad.", "de", "It was 5 degrees.", "en", 1),
    ("It opened on 18 June 2023.", "en", "Eröffnet am 18.06.2023.", "de", 0),
    ("Eröffnet am 18. Juni 2023.", "de", "It opened on June 18, 2023.", "en", 0),
    ("Eröffnet am 18.06.2023.", "de", "Opened on 2023-06-18.", "en", 0),
    ("Eröffnet am 19.06.2023.", "de", "Opened on 18 June 2023.", "en", 1),
    ("It opened in 2023.", "en", "Eröffnet am 18.06.2023.", "de", 0),  # a date's year
    ("It opened on 18 June.", "en", "Eröffnet am 18.06.2023.", "de", 0),
    ("Sales rose 50 percent.", "en", "Der Umsatz stieg um 50 Prozent.", "de", 0),
    ("Der Umsatz stieg um 50 %.", "de", "Sales rose 50 per cent.", "en", 0),
    ("Sales rose 50%.", "en", "Sales rose by 50 per cent.", "en", 0),
    ("Sales rose 50%.", "en", "50 people bought it.", "en", 1),  # a count is no share
    ("50 people bought it.", "en", "Sales rose by 50 per cent.", "en", 0),
])
def test_numbers_agree_across_spellings_and_languages(summary, lang, source, source_lang,
                                                      unsupported):
    scores = METRICS["numbers"]().score(Sample(summary, ("ref",), source, lang, source_lang))
    assert scores["numbers_unsupported"] == unsupported
