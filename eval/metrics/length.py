"""How long the summaries are, against the length they were asked for and the source."""

from __future__ import annotations

from statistics import mean

from ...lengths import MIN_FACTOR, OVERRUN
from ...segment import count_words
from .base import Key, Metric, Sample

# Within target: at least MIN_FACTOR of the word target (the pipeline lets a model stop
# there) and at most OVERRUN times it (beyond it the pipeline cuts the summary back).


class Length(Metric):
    """Words, target words, reference words, within-target rate and compression ratio."""

    name = "length"
    version = "1"
    keys = (
        Key("words", "words", None, "words"),
        Key("target_words", "target words", None, "words"),
        Key("reference_words", "reference words (mean)", None, "words"),
        Key("within_target", f"within target ({MIN_FACTOR}-{OVERRUN}x) %", True,
            short="within target %"),
        Key("compression", "compression (source/summary words)", None, "ratio",
            short="compression"),
    )
    headline = ("words", "within_target")
    document_columns = breakdown_columns = ("words",)

    def settings(self) -> str:
        return f"words=summarise.count_words,within={MIN_FACTOR}-{OVERRUN}x"

    def score(self, sample: Sample) -> dict[str, float]:
        words = count_words(sample.hypothesis)
        target = sample.target_words or 0
        within = bool(target) and MIN_FACTOR * target <= words <= OVERRUN * target
        return {
            "words": float(words),
            "target_words": float(target),
            "reference_words": mean(count_words(r) for r in sample.references),
            "within_target": 100.0 if within else 0.0,
            "compression": count_words(sample.source) / max(1, words),
        }
