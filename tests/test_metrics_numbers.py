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
    ("am 18. Juni 2024", "de", ["18", "2024"]),
    ("am 18.06.2024", "de", ["18", "6", "2024"]),
    ("rund 90 Prozent", "de", ["90"]),
    ("covers 3.50% of it.", "en", ["3.5"]),
    ("In 2015 300 people died", "en", ["2015", "300"]),
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
