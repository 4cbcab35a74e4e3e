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
    """Base class: ``score`` one sample into ``{key name: value}``.

    Besides its ``keys`` a metric declares what the reports need of it, so registering it
    (``metrics.register``) is all it takes to reach scores.json, report.md/html and
    ``summarise compare``: which keys are its headline (the Scores table, the terminal
    table, compare's default rows, in this order), which are columns of the per-document
    and breakdown tables and bars of the plot, whether it has a corpus-level score, and
    whether it is built with the stemmer (whose versions then enter the signature).
    """

    name: ClassVar[str]
    version: ClassVar[str] = "1"
    keys: ClassVar[tuple[Key, ...]]
    # names from ``keys``; None: every key (a new metric is shown whole until it says less)
    headline: ClassVar[tuple[str, ...] | None] = None
    # None: the headline keys
    document_columns: ClassVar[tuple[str, ...] | None] = None
    breakdown_columns: ClassVar[tuple[str, ...] | None] = None
    plotted: ClassVar[tuple[str, ...]] = ()  # 0-100 keys drawn as bars in scores.png
    uses_stemmer: ClassVar[bool] = False  # built as ``cls(stemmer=...)``
    # A corpus metric also scores a whole corpus at once (``score_corpus``); ``corpus_key``
    # names that figure: its ``label`` heads the report row, its ``short`` compare's row.
    corpus_key: ClassVar[Key | None] = None

    @classmethod
    def headline_keys(cls) -> tuple[str, ...]:
        return tuple(k.name for k in cls.keys) if cls.headline is None else cls.headline

    @classmethod
    def document_keys(cls) -> tuple[str, ...]:
        return cls.headline_keys() if cls.document_columns is None else cls.document_columns

    @classmethod
    def breakdown_keys(cls) -> tuple[str, ...]:
        return cls.headline_keys() if cls.breakdown_columns is None else cls.breakdown_columns

    @property
    def corpus(self) -> bool:
        return self.corpus_key is not None

    @property
    def key(self) -> str:
        """The corpus figure's key (a corpus metric only)."""
        if self.corpus_key is None:
            raise AttributeError(f"{self.name} has no corpus-level score")
        return self.corpus_key.name

    def score(self, sample: Sample) -> dict[str, float]:
        raise NotImplementedError

    def score_corpus(self, samples: list[Sample]) -> tuple[list[dict[str, float]], dict]:
        """A corpus metric: per-document scores and ``{key, nrefs, signature}`` of the
        whole corpus."""
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
