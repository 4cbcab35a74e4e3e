"""The one small interface every metric implements, sacreBLEU-style.

A metric turns one ``Sample`` (a system summary, its references, the source) into a few
named numbers; the harness averages them and bootstraps confidence intervals.  Each
metric states its version and settings in ``signature()``, so a reported score says how
it was computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class Sample:
    """One summary to score, with everything a metric may compare it against."""

    hypothesis: str
    references: tuple[str, ...]
    source: str
    lang: str  # language of the hypothesis and references
    source_lang: str
    target_words: int | None = None
    # language each reference is really written in (detected), when it differs from
    # ``lang``: a metric that stems reads the reference, and the hypothesis compared
    # with it, in that language
    reference_langs: tuple[str, ...] = ()

    def reference_lang(self, index: int) -> str:
        return self.reference_langs[index] if index < len(self.reference_langs) else self.lang


@dataclass(frozen=True)
class Key:
    """One number a metric reports: its name, how to read it, and which way is better."""

    name: str
    label: str
    higher_is_better: bool | None = True  # None: neither (e.g. a word count)
    unit: str = "points"  # "points" (0-100), "words", "ratio", "count"
    short: str = ""  # column label for narrow tables; the label when empty

    @property
    def brief(self) -> str:
        return self.short or self.label


class Metric:
    """Base class: ``score`` one sample into ``{key name: value}``."""

    name: ClassVar[str]
    version: ClassVar[str] = "1"
    keys: ClassVar[tuple[Key, ...]]

    def score(self, sample: Sample) -> dict[str, float]:
        raise NotImplementedError

    def settings(self) -> str:
        """Metric-specific settings for the signature (empty when there are none)."""
        return ""

    def signature(self) -> str:
        extra = self.settings()
        return f"{self.name}:v{self.version}" + (f"[{extra}]" if extra else "")


class ReferenceMetric(Metric):
    """A metric computed against each reference in turn, then combined: the best
    reference counts (``combine="best"``), or the mean over references (``"mean"``).

    ``groups`` maps the key that picks the best reference (an F-score) to the keys that
    are reported from that same reference (its precision and recall), as rouge-score's
    ``score_multi`` does.
    """

    groups: ClassVar[dict[str, tuple[str, ...]]]
    combine: str = "best"

    def analyse(self, text: str, lang: str) -> object:
        """What ``compare`` works on (tokens, say); the hypothesis is analysed once."""
        return text

    def analyse_hypothesis(self, text: str, lang: str) -> object:
        """``analyse`` for the hypothesis, which may prepare more (it meets every reference)."""
        return self.analyse(text, lang)

    def compare(self, hypothesis, reference) -> dict[str, float]:
        """Scores of one analysed hypothesis against one analysed reference."""
        raise NotImplementedError

    def score(self, sample: Sample) -> dict[str, float]:
        hypotheses: dict[str, object] = {}
        per_reference = []
        for index, ref in enumerate(sample.references):
            lang = sample.reference_lang(index)
            if lang not in hypotheses:
                hypotheses[lang] = self.analyse_hypothesis(sample.hypothesis, lang)
            per_reference.append(self.compare(hypotheses[lang], self.analyse(ref, lang)))
        result: dict[str, float] = {}
        if self.combine == "mean":
            return {key: sum(p[key] for p in per_reference) / len(per_reference)
                    for key in per_reference[0]}
        for picker, reported in self.groups.items():
            best = max(per_reference, key=lambda scores: scores[picker])
            result.update({key: best[key] for key in reported})
        return result
