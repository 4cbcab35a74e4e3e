"""The checks of issue 23 in a run: every summary annotated, ``--fail-on``, run.json's tally.

The checks themselves live in ``summarise.checks`` (``annotate``); this module decides
what a run grounds each summary against and what it does with the verdict:

- a summary is grounded in the document's extracted text (what ``summarise extract``
  prints), the whole of it even when map-reduce read it in chunks;
- a translated summary is grounded *through* the source-language summary it was
  translated from (``via``), so its sentences still point into the source;
- ``--fail-on NAME,...`` turns a document with a summary failing a named check into a
  failure row instead of a written result;
- run.json counts, per check, how many written summaries failed it.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .documents import Failure
from .errors import UsageError

# The issue names the support check "unsupported" in its --fail-on example: both work.
FAIL_ON_ALIASES = {"unsupported": "support"}


@dataclass(frozen=True)
class Origin:
    """How a summary came to be, as far as its checks care."""

    via: str | None = None  # the source-language summary it was translated from
    truncated: bool = False  # generation stopped at its token limit


def check_names() -> tuple[str, ...]:
    """What ``--fail-on`` accepts: every check ``summarise.checks`` knows."""
    from .checks import CHECK_NAMES

    return tuple(CHECK_NAMES)


def parse_fail_on(values: Iterable[str] | None) -> tuple[str, ...]:
    """``--fail-on`` values (repeatable, each comma-separated) as check names, aliases
    resolved; an unknown name is a usage error naming the known ones, before any model
    loads."""
    known = check_names()
    names: list[str] = []
    for value in values or ():
        for raw in value.split(","):
            name = raw.strip().lower()
            if not name:
                continue
            name = FAIL_ON_ALIASES.get(name, name)
            if name not in known:
                choices = [*known, *FAIL_ON_ALIASES]
                close = difflib.get_close_matches(name, choices, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise UsageError(f"--fail-on {raw.strip()}: unknown check{hint}; choose from "
                                 f"{', '.join(known)} ('unsupported' = 'support')")
            if name not in names:
                names.append(name)
    return tuple(names)


def annotate_summaries(summaries: list, origins: list[Origin], source: str, source_lang: str,
                       checker=None) -> None:
    """Give each summary its ``checks`` and ``sentences`` (in place), grounded in
    ``source``, the document's whole extracted text."""
    from .checks import annotate

    for summary, origin in zip(summaries, origins, strict=True):
        annotation = annotate(summary.text, source, lang=summary.lang, source_lang=source_lang,
                              via=origin.via, truncated=origin.truncated, checker=checker)
        found = annotation.to_dict()
        summary.checks, summary.sentences = found["checks"], found["sentences"]


def failed_checks(summary) -> list[str]:
    """The names of the checks a summary (its ``checks`` dict) does not pass."""
    return [name for name, verdict in (summary.checks or {}).items()
            if isinstance(verdict, dict) and verdict.get("ok") is False]


def refusal(result, fail_on: tuple[str, ...]) -> Failure | None:
    """The failure row a result becomes under ``--fail-on``, or None to write it (also
    for what is no result: a failure or a skipped document)."""
    if not fail_on or not hasattr(result, "summaries"):
        return None
    problems = []
    for summary in result.summaries:
        for name in failed_checks(summary):
            if name in fail_on:
                problems.append(f"{summary.lang} · {summary.length} failed the {name} check "
                                f"({describe(summary.checks[name])})")
    if not problems:
        return None
    return Failure(result.source, (
        f"{result.source}: not written because --fail-on {','.join(fail_on)}: "
        + "; ".join(problems)))


def describe(verdict: dict) -> str:
    """A check's details in a few words, for a failure reason."""
    details = [f"{key} {value}" for key, value in verdict.items()
               if key != "ok" and value not in (None, [], {}, "")]
    text = ", ".join(details) or "not ok"
    return text if len(text) <= 200 else text[:197] + "..."


def document_tally(summaries) -> dict:
    """What run.json keeps per document: summaries checked and, for every check that ran
    (``entailment`` only with a checker), how many of them failed it."""
    failed: Counter = Counter()
    for summary in summaries:
        failed.update({name: 0 for name in summary.checks or {}})
        failed.update(failed_checks(summary))
    return {"summaries": len(summaries), "failed": dict(failed)}


def run_tally(documents: dict) -> dict:
    """run.json's ``checks``: over every document in the folder (this run's and earlier
    runs'), how many summaries were checked and how many failed each check that ran."""
    checked, failed = 0, Counter()
    for entry in documents.values():
        tally = entry.get("checks") if isinstance(entry, dict) else None
        if not isinstance(tally, dict):
            continue
        checked += int(tally.get("summaries", 0))
        failed.update({name: 0 for name in tally.get("failed", {})})
        failed.update(tally.get("failed", {}))
    return {"summaries": checked, "failed": dict(failed)}


def marker(summary) -> str:
    """The short note text and Markdown output add to a summary that fails checks."""
    names = failed_checks(summary)
    return f" [checks failed: {', '.join(names)}]" if names else ""
