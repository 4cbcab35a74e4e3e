"""Checks a reader can trust a summary by: grounding and per-summary checks (issue 23).

    from summarise.checks import annotate
    annotation = annotate(summary, source, lang="de", source_lang="de")
    annotation.to_dict()   # {"checks": {...}, "sentences": [...]}
    annotation.failed()    # names of the checks that are not ok

``sentences`` grounds every summary sentence in the source (``grounding``); ``checks``
holds one ``{"ok": bool, ...details}`` per registered check (``registry``): ``language``,
``numbers``, ``names``, ``support``, ``repetition``, ``truncated``, and ``entailment``
when a model-based checker is given.  Nothing here loads a model.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Protocol

from .grounding import GroundedSentence, ground, ground_via
from .registry import CHECKS, Context

# Each module registers its check; this order is the order of the checks in every output.
CHECK_MODULES = ("language", "numbers", "names", "support", "repetition", "truncated")
for _module in CHECK_MODULES:
    import_module(f"{__name__}.{_module}")
CHECK_NAMES: tuple[str, ...] = (*CHECKS, "entailment")
# A sentence whose premise entails it with less probability than this fails
# ``entailment`` (the checker's scores are probabilities).
ENTAILMENT_THRESHOLD = 0.5

__all__ = ["CHECK_NAMES", "Annotation", "Checker", "annotate"]


class Checker(Protocol):
    """A model-based entailment scorer: the probability that each premise entails its
    hypothesis."""

    def score(self, premises: list[str], hypotheses: list[str]) -> list[float]: ...


@dataclass
class Annotation:
    """The grounding and the checks of one summary."""

    checks: dict[str, dict]
    sentences: list[GroundedSentence]

    def to_dict(self) -> dict:
        return {"checks": self.checks, "sentences": [s.to_dict() for s in self.sentences]}

    def failed(self) -> list[str]:
        """Names of the checks that are not ok, in check order."""
        return [name for name, result in self.checks.items() if not result["ok"]]


def annotate(summary: str, source: str, *, lang: str, source_lang: str,
             via: str | None = None, truncated: bool = False, checker=None) -> Annotation:
    """Ground ``summary`` in ``source`` and run every check on it.

    ``lang`` is the language the summary was asked for, ``source_lang`` the source's;
    ``via`` is the source-language summary a translated summary was made from (grounding
    then goes through it); ``truncated`` says the summary was cut at its token limit;
    ``checker`` (a ``Checker``) adds an entailment score per sentence.
    """
    if via is not None and via.strip():
        sentences = ground_via(summary, lang, via, source, source_lang)
    else:
        sentences = ground(summary, lang, source, source_lang)
    context = Context(summary, source, lang, source_lang, via, truncated, sentences)
    checks = {name: check(context) for name, check in CHECKS.items()}
    if checker is not None:
        checks["entailment"] = _entailment(checker, source, sentences)
    return Annotation(checks, sentences)


def _entailment(checker: Checker, source: str, sentences: list[GroundedSentence]) -> dict:
    """Score each sentence against its supporting source sentences (the whole source
    where grounding found none) and flag those under ``ENTAILMENT_THRESHOLD``."""
    premises = [" ".join(source[s:e] for s, e in sentence.sources) or source
                for sentence in sentences]
    scores = checker.score(premises, [s.text for s in sentences]) if sentences else []
    weak = []
    for number, (sentence, score) in enumerate(zip(sentences, scores, strict=True)):
        sentence.entailment = float(score)
        if score < ENTAILMENT_THRESHOLD:
            weak.append({"sentence": number, "text": sentence.text,
                         "entailment": round(float(score), 4)})
    return {"ok": not weak, "threshold": ENTAILMENT_THRESHOLD, "unsupported": weak}
