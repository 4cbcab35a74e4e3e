"""chrF++ (character n-grams plus word uni/bigrams) through sacreBLEU, per summary."""

from __future__ import annotations

from functools import cached_property

from .base import Key, Metric, Sample


class ChrF(Metric):
    """Sentence-level chrF++ (x100) against the best reference.

    sacreBLEU's multi-reference chrF already keeps the reference with the best F-score,
    so all references go in one call (the hypothesis is analysed once).
    """

    name = "chrf"
    version = "1"
    keys = (Key("chrf", "chrF++"),)

    @cached_property
    def _sacrebleu(self):
        from sacrebleu.metrics import CHRF

        return CHRF(word_order=2)

    def score(self, sample: Sample) -> dict[str, float]:
        return {"chrf": self._sacrebleu.sentence_score(sample.hypothesis,
                                                       list(sample.references)).score}

    def settings(self) -> str:
        return sacrebleu_signature(self._sacrebleu)


def sacrebleu_signature(metric) -> str:
    """sacreBLEU's signature for one reference at a time (the harness takes the best)."""
    signature = type(metric)._SIGNATURE_TYPE({**vars(metric), "num_refs": 1})
    return signature.format(short=False)
