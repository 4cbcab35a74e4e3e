"""Metric registry: one small ``Metric`` base, one class per metric, looked up by name.

    from summarise.eval.metrics import METRICS, Sample, build_metrics
    rouge = METRICS["rouge"](stemmer="auto")
    rouge.score(Sample("Die Größe zählt.", ("Die Größe zählt.",), source, "de", "de"))

A new metric subclasses ``Metric``, declares its keys and what the reports show of them
(see ``base.Metric``) and is added with ``register(MyMetric)``; see ARCHITECTURE.md.
"""

from __future__ import annotations

from .base import Key, Metric, ReferenceMetric, Sample
from .checks import Checks
from .chrf import Bleu, ChrF
from .length import Length
from .novelty import Novelty
from .numbers import NumberConsistency
from .registry import METRICS, register, unregister
from .rouge import Rouge

# Registration order is report order: headline columns go metric by metric in it.
for _builtin in (Rouge, ChrF, Bleu, Length, Novelty, NumberConsistency, Checks):
    register(_builtin)
DEFAULT_METRICS = tuple(METRICS)

__all__ = ["DEFAULT_METRICS", "METRICS", "Key", "Metric", "ReferenceMetric", "Sample",
           "build_metrics", "register", "unregister"]


def build_metrics(names: tuple[str, ...] | list[str] = DEFAULT_METRICS,
                  stemmer: str = "auto", references: str = "first") -> list[Metric]:
    """Metric objects for ``names``; a ValueError names the unknown ones.

    ``references="mean"`` makes per-reference metrics average over the references
    instead of taking the best one.
    """
    unknown = [n for n in names if n not in METRICS]
    if unknown:
        raise ValueError(f"unknown metric(s) {', '.join(unknown)}; "
                         f"choose from {', '.join(METRICS)}")
    metrics = [METRICS[n](stemmer=stemmer) if METRICS[n].uses_stemmer
               else METRICS[n]() for n in dict.fromkeys(names)]
    for metric in metrics:
        if isinstance(metric, ReferenceMetric):
            metric.combine = "mean" if references == "mean" else "best"
    return metrics
