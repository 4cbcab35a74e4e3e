"""BLEU through sacreBLEU, per summary (exponential smoothing, effective order)."""

from __future__ import annotations

from functools import cached_property

from .base import Key, ReferenceMetric
from .chrf import sacrebleu_signature


class Bleu(ReferenceMetric):
    """Sentence-level BLEU (x100), best reference.  Noisy on one summary; read the mean."""

    name = "bleu"
    version = "1"
    keys = (Key("bleu", "BLEU"),)
    groups = {"bleu": ("bleu",)}

    @cached_property
    def _sacrebleu(self):
        from sacrebleu.metrics import BLEU

        return BLEU(effective_order=True)

    def compare(self, hypothesis: str, reference: str) -> dict[str, float]:
        return {"bleu": self._sacrebleu.sentence_score(hypothesis, [reference]).score}

    def settings(self) -> str:
        return sacrebleu_signature(self._sacrebleu)
