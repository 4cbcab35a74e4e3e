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

from ..checks.names import common_words, name_runs
from ..checks.words import analyzer, sentence_spans
from .metrics.numbers import NUMBER, PERCENT, YEAR, stated_quantities, unsupported_quantities
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
    """The digits of one number, year or percentage replaced by a value the source does
    not support (the value read back from the changed summary is checked)."""
    numbers = [q for q in stated_quantities(summary, lang)
               if q.kind in (NUMBER, YEAR, PERCENT) and re.match(r"\d+", summary[q.start:])]
    if not numbers:
        return None
    target = rng.choice(numbers)
    digits = re.match(r"\d+", summary[target.start:]).group()
    end = target.start + len(digits)
    for step in (7, 13, 29, 101, 977):
        changed = summary[:target.start] + str(int(digits) + step) + summary[end:]
        _, missing = unsupported_quantities(changed, lang, source, source_lang)
        if any(q.start == target.start for q in missing):
            return Perturbed(changed)
    return None


def swap_name(summary: str, lang: str, source: str, rng: random.Random) -> Perturbed | None:
    """The last word of a name that is not the first word of its sentence, replaced by a
    surname the source does not contain.  German capitalises every noun, so there a name
    is a run of two or more capitalised words besides a sentence's first word and the
    frequent common nouns ("Marie Pietruschka", not "Delikte")."""
    candidates = []
    for span in sentence_spans(summary, lang):
        for start, end, initial in name_runs(span.text, span.start):
            words = list(re.finditer(r"\S+", summary[start:end]))
            if lang == "de":
                words = [w for w in words[1 if initial else 0:] if analyzer("de").stemmer(
                    w.group().casefold()) not in common_words("de")]
            if len(words) < (2 if lang == "de" else 1) or (initial and len(words) < 2):
                continue
            last = words[-1]
            if len(last.group()) > 2 and last.group().isalpha() and not last.group().isupper():
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
