"""Perturbed summaries for measuring the checks (``summarise.checks``): each builder
takes a faithful summary (a human reference) and its source and returns the summary with
one known error in it, or None where the summary offers nothing to perturb (no number,
no name, one sentence only).

``bench/checks.py`` measures on the dev eval sets how often each check catches its
perturbation; the tests build the same perturbations from hand-written articles the
bench never reads.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from ..checks.names import name_runs
from ..checks.words import sentence_spans
from .metrics.numbers import NUMBER, source_numbers, stated_quantities
from .text import tokenize

# Surnames for the name swap: one the source does not contain replaces a name's last word.
STRANGERS = ("Kowalczyk", "Okonkwo", "Lindqvist", "Haraldsen", "Vasquez", "Nakamura",
             "Abernathy", "Brunnhuber", "Oyelaran", "Castellanos", "Whitcombe", "Zieglmayr")


@dataclass(frozen=True)
class Perturbed:
    """A perturbed summary and where its error is: ``sentence`` is the number of the
    inserted sentence (``inserted`` only)."""

    summary: str
    sentence: int | None = None


def change_number(summary: str, lang: str, source: str, source_lang: str,
                  rng: random.Random) -> Perturbed | None:
    """One number written in digits, replaced by a value the source does not state."""
    numbers = [q for q in stated_quantities(summary, lang)
               if q.kind == NUMBER and not q.in_words and summary[q.start:q.end].isdigit()]
    if not numbers:
        return None
    target = rng.choice(numbers)
    supported = source_numbers(source, source_lang)
    value = int(summary[target.start:target.end])
    for step in (7, 13, 29, 101, 977):
        new = str(value + step)
        if new not in supported:
            return Perturbed(summary[:target.start] + new + summary[target.end:])
    return None


def swap_name(summary: str, lang: str, source: str, rng: random.Random) -> Perturbed | None:
    """The last word of a name that is not the first word of its sentence, replaced by a
    surname the source does not contain."""
    candidates = []
    for span in sentence_spans(summary, lang):
        for start, end, initial in name_runs(span.text, span.start):
            words = list(re.finditer(r"[^\W\d_]+", summary[start:end]))
            if initial and len(words) < 2:
                continue
            last = words[-1]
            if len(last.group()) > 2 and not last.group().isupper():
                candidates.append((start + last.start(), start + last.end()))
    if not candidates:
        return None
    start, end = rng.choice(candidates)
    present = set(tokenize(source)) | set(tokenize(summary))
    strangers = [name for name in STRANGERS if name.casefold() not in present]
    return Perturbed(summary[:start] + rng.choice(strangers) + summary[end:])


def insert_sentence(summary: str, lang: str, other_summary: str, rng: random.Random
                    ) -> Perturbed | None:
    """A sentence of another article's summary inserted between (or around) the summary's
    sentences."""
    others = [s.text for s in sentence_spans(other_summary, lang) if len(s.text.split()) >= 5]
    sentences = [s.text for s in sentence_spans(summary, lang)]
    if not others or not sentences:
        return None
    position = rng.randrange(len(sentences) + 1)
    sentences.insert(position, rng.choice(others))
    return Perturbed(" ".join(sentences), position)


def repeat_sentence(summary: str, lang: str, rng: random.Random) -> Perturbed | None:
    """One sentence of the summary written three times in a row."""
    sentences = [s.text for s in sentence_spans(summary, lang)]
    if not sentences:
        return None
    position = rng.randrange(len(sentences))
    sentences[position:position + 1] = [sentences[position]] * 3
    return Perturbed(" ".join(sentences), position)
