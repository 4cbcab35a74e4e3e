"""Number consistency against a table of golden cases (``tests/data/numbers-golden.tsv``):
each line a summary, its source and the verdict a German or English reader gives.  The
table holds every case of issue 24's audit (number words, times, dates without a year,
US dates, units, percentages in words, mixed separators, versions, date parts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from summarise.eval.metrics import METRICS, Sample
from summarise.eval.metrics.numbers import (
    DATE,
    TIME,
    VERSION,
    YEAR,
    extract_quantities,
    unsupported_quantities,
)

GOLDEN = Path(__file__).parent / "data" / "numbers-golden.tsv"
VERDICTS = ("supported", "unsupported")


def _cases() -> list[tuple[str, str, str, str, str]]:
    rows = []
    for number, line in enumerate(GOLDEN.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        assert len(fields) == 5 and fields[4] in VERDICTS, f"line {number}: {line!r}"
        rows.append(tuple(fields))
    return rows


CASES = _cases()


def test_the_table_is_big_enough_and_covers_both_languages_and_verdicts():
    assert len(CASES) >= 60
    assert {c[0] for c in CASES} == {"de", "en"} == {c[2] for c in CASES}
    assert {c[4] for c in CASES} == set(VERDICTS)
    assert sum(c[4] == "unsupported" for c in CASES) >= 20


@pytest.mark.parametrize(("lang", "summary", "source_lang", "source", "verdict"), CASES,
                         ids=[f"{c[0]}:{c[1][:40]}<-{c[3][:30]}" for c in CASES])
def test_golden_verdict(lang, summary, source_lang, source, verdict):
    scores = METRICS["numbers"]().score(Sample(summary, ("ref",), source, lang, source_lang))
    assert scores["numbers"] >= 1, "the summary states no quantity: the case tests nothing"
    stated, missing = unsupported_quantities(summary, lang, source, source_lang)
    got = "unsupported" if scores["numbers_unsupported"] else "supported"
    assert got == verdict, (f"stated {[q.label for q in stated]}, "
                            f"unsupported {[q.label for q in missing]}")


@pytest.mark.parametrize(("text", "lang", "labels"), [
    ("um 14.30 Uhr", "de", ["time:14:30"]),
    ("at 2:30 p.m.", "en", ["time:14:30"]),
    ("am 18.6. in Bern", "de", ["date:--06-18"]),
    ("The rate was 18.6.", "en", ["18.6"]),  # English: a decimal closing a sentence
    ("on 06/18/2023", "en", ["date:2023-06-18"]),
    ("am 18/06/2023", "de", ["date:2023-06-18"]),
    ("on 03/04/2023", "en", ["date:2023-03-04"]),  # ambiguous: US order in English
    ("am 03/04/2023", "de", ["date:2023-04-03"]),  # and day first in German
    ("Python 3.10 und 1.2.3", "de", ["version:3.10", "version:1.2.3"]),
    ("Version 1.2.23", "de", ["version:1.2.23"]),  # the cue wins over a date
    ("1.234.567 Menschen", "de", ["1234567"]),
    ("a 5 m wall", "en", ["5"]),
    ("a £3m deal", "en", ["3000000"]),
    ("seit 2023 kamen 2023 Gäste", "de", ["year:2023", "2023"]),
    ("eine Million und hunderttausend", "de", ["1000000", "100000"]),
    ("dreizehn, zweiundzwanzig, tausendzwei", "de", ["13", "22", "1002"]),
    ("three hundred and fifty thousand", "en", ["350000"]),
    ("ein Mann und Tausende Fans", "de", []),  # an article and an indefinite plural
    ("a man and hundreds of fans", "en", []),
])
def test_quantities_are_typed(text, lang, labels):
    assert [q.label for q in extract_quantities(text, lang)] == labels


def test_a_quantity_says_where_it_stands_and_what_kind_it_is():
    text = "Am 18. Juni um 14:30 kam Python 3.10 heraus, seit 2023."
    found = {q.kind: text[q.start:q.end] for q in extract_quantities(text, "de")}
    assert found == {DATE: "18. Juni", TIME: "14:30", VERSION: "3.10", YEAR: "2023"}
