"""The route a document takes, decided in one place: which model writes which language
from what.

A ``Plan`` is built once from the settings and a document's source language. It lists
the steps in the order they run — the summariser or a translator direction, what each
reads (the source text, its translation, or the summaries), what it writes, the length
presets and the route name recorded on the summaries it yields. ``Pipeline.run``
executes plans; everything else that must know the route (which translators to resolve,
which prompt languages a template needs, whether the summariser must write other
languages, ``--dry-run``) reads the same plan, so the checks and the dry run cannot
drift from what a run does.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import UsageError


class Strategy(StrEnum):
    """How summaries in other languages than the source's are reached (``--strategy``)."""

    SUMMARISE_THEN_TRANSLATE = "summarise-then-translate"  # one summary, then translations
    TRANSLATE_THEN_SUMMARISE = "translate-then-summarise"  # translate the document first
    DIRECT = "direct"  # the model writes each language itself; no translator

    @classmethod
    def parse(cls, value: str | Strategy) -> Strategy:
        try:
            return cls(value)
        except ValueError:
            raise UsageError(f"--strategy {value!r}: use one of "
                             f"{', '.join(s.value for s in cls)}") from None


DEFAULT_STRATEGY = Strategy.SUMMARISE_THEN_TRANSLATE
# The route of a summary written in the language it was read in.
SAME_LANGUAGE_ROUTE = "summarise"
SUMMARISER, TRANSLATOR = "summariser", "translator"
# What a step reads: the document, the document translated, or a summariser's output.
SOURCE, TRANSLATION, SUMMARIES = "source", "translation", "summaries"


@dataclass(frozen=True)
class Step:
    """One model call a plan makes for every document of a batch in its language."""

    role: str  # SUMMARISER or TRANSLATOR
    reads: str  # SOURCE, TRANSLATION or SUMMARIES
    reads_lang: str  # the language of what it reads
    writes: str  # the language it writes
    presets: tuple[str, ...]  # the lengths written (or carried through a translation)
    route: str | None = None  # recorded on the summaries it yields; None: feeds later steps
    told_language: bool = False  # the summariser is asked for ``writes`` in its prompt

    @property
    def direction(self) -> str:
        """``de-en`` for a translator step (the key of ``--translator de-en=MODEL``)."""
        return f"{self.reads_lang}-{self.writes}"

    def describe(self) -> str:
        """One line for a reader: what this step does."""
        lengths = ", ".join(self.presets)
        if self.role == TRANSLATOR:
            what = "the summaries" if self.reads == SUMMARIES else "the document"
            return f"translate {what} {self.reads_lang} → {self.writes} ({lengths})"
        what = {SOURCE: "the document", TRANSLATION: "the translated document"}[self.reads]
        told = " (told the language)" if self.told_language else ""
        return f"summarise {what} in {self.reads_lang} → {self.writes}{told} ({lengths})"


@dataclass(frozen=True)
class Plan:
    """The steps that turn a document in ``source_lang`` into every summary asked for."""

    strategy: Strategy
    source_lang: str
    langs: tuple[str, ...]  # output languages, in the order the summaries are listed
    steps: tuple[Step, ...]

    @classmethod
    def build(cls, settings, source_lang: str) -> Plan:
        strategy = Strategy.parse(settings.strategy)
        langs = tuple(settings.langs)
        lengths = tuple(settings.lengths)
        src = source_lang
        steps: list[Step] = []
        if strategy is Strategy.DIRECT:
            steps = [Step(SUMMARISER, SOURCE, src, tgt, lengths, strategy.value,
                          told_language=True) for tgt in langs]
        elif strategy is Strategy.TRANSLATE_THEN_SUMMARISE:
            for tgt in langs:
                if tgt == src:
                    steps.append(Step(SUMMARISER, SOURCE, src, src, lengths,
                                      SAME_LANGUAGE_ROUTE))
                else:
                    steps.append(Step(TRANSLATOR, SOURCE, src, tgt, lengths))
                    steps.append(Step(SUMMARISER, TRANSLATION, tgt, tgt, lengths,
                                      strategy.value))
        else:  # the summary is written once in the source language, then translated
            own = SAME_LANGUAGE_ROUTE if src in langs else None
            steps.append(Step(SUMMARISER, SOURCE, src, src, lengths, own))
            steps += [Step(TRANSLATOR, SUMMARIES, src, tgt, lengths, strategy.value)
                      for tgt in langs if tgt != src]
        return cls(strategy, src, langs, tuple(steps))

    @property
    def directions(self) -> tuple[str, ...]:
        """Translator directions the plan uses, e.g. ``("de-en",)``."""
        return tuple(dict.fromkeys(s.direction for s in self.steps if s.role == TRANSLATOR))

    @property
    def prompt_languages(self) -> tuple[str, ...]:
        """Languages the summariser is asked to write (a prompt template needs each)."""
        return tuple(dict.fromkeys(s.writes for s in self.steps if s.role == SUMMARISER))

    def outcome(self, step: Step) -> str:
        """What becomes of a summariser step's summaries: kept under its route, or
        translated on to other languages (``--dry-run`` says so beside each prompt)."""
        onward = [s.writes for s in self.steps if s.role == TRANSLATOR
                  and s.reads == SUMMARIES and s.reads_lang == step.writes]
        if onward:
            return f"then translated to {', '.join(onward)}"
        return step.route or SAME_LANGUAGE_ROUTE

    @property
    def needs_multilingual_summariser(self) -> bool:
        """True when the summariser itself must write the language it is told (``direct``)."""
        return any(s.told_language for s in self.steps)


def possible_plans(settings, source_langs: tuple[str, ...] | None = None) -> list[Plan]:
    """A plan for every source language a run may meet: ``source_langs`` when known
    (``--source-lang``, or a language pass over the inputs), else each supported one."""
    if source_langs is None:
        source_langs = settings.source_langs()
    return [Plan.build(settings, src) for src in source_langs]


def directions(plans: list[Plan]) -> list[str]:
    """Every translator direction the plans use, in a stable order."""
    return list(dict.fromkeys(d for plan in plans for d in plan.directions))


def prompt_languages(plans: list[Plan]) -> tuple[str, ...]:
    """Every language the plans ask the summariser to write."""
    return tuple(dict.fromkeys(lang for plan in plans for lang in plan.prompt_languages))


def plain_summariser_refused(name: str, hint: str = "") -> UsageError:
    """The error for a plan that needs a multilingual summariser given a plain one."""
    return UsageError(
        f"--strategy {Strategy.DIRECT}: {name} is a plain summariser that writes in the "
        f"language it reads, so it cannot write other languages directly. Use --strategy "
        f"{Strategy.SUMMARISE_THEN_TRANSLATE}, a chat or instruction model (e.g. --preset llm)"
        + (f", or {hint}" if hint else ""))
