"""Abstractiveness: the share of summary n-grams that do not occur in the source.

Tokens are the metrics' Unicode tokens without stemming, so a changed inflection counts
as new.  For a cross-lingual summary nearly everything is "novel"; read it per language.
"""

from __future__ import annotations

from ..text import tokenize
from .base import Key, Metric, Sample


def novel_rate(summary: list[str], source: list[str], n: int) -> float:
    """Percentage of the summary's n-grams (with repeats) that the source lacks; 0 if none."""
    grams = [tuple(summary[i:i + n]) for i in range(len(summary) - n + 1)]
    if not grams:
        return 0.0
    known = {tuple(source[i:i + n]) for i in range(len(source) - n + 1)}
    return 100.0 * sum(g not in known for g in grams) / len(grams)


class Novelty(Metric):
    name = "novelty"
    version = "1"
    keys = (Key("novel_1", "novel unigrams %", None), Key("novel_2", "novel bigrams %", None))
    headline = ("novel_2",)
    document_columns = breakdown_columns = ()

    def settings(self) -> str:
        return "tok=unicode-casefold,no-stem"

    def score(self, sample: Sample) -> dict[str, float]:
        summary, source = tokenize(sample.hypothesis), tokenize(sample.source)
        return {"novel_1": novel_rate(summary, source, 1),
                "novel_2": novel_rate(summary, source, 2)}
