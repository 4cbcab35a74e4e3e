"""How often each check of ``summarise.checks`` catches a known error, and how often it
flags a faithful summary, on the news sets of the dev eval data.

    python bench/checks.py                      # ../shared/eval-data, a Markdown table
    python bench/checks.py --data DIR --json    # the same as JSON

From each human reference summary (the faithful summaries; ``summary`` of each record of
``en-news`` and ``de-news-20min``) five perturbed summaries are built
(``summarise.eval.perturb``, seeded): a number changed to a value the source lacks, a
name's last word swapped for a surname the source lacks, a sentence of another record's
reference inserted, the summary replaced by a reference in the other language, one
sentence written three times.  A perturbation counts where the unperturbed reference
passes its check (otherwise a flag says nothing about the error put in) and where the
reference offers something to perturb (a number, a name).  *Caught* is the share of them
the check flags; for the inserted sentence, the share where it gets the lowest support
of its summary (strictly; ties count as missed), and the share the ``support`` check
flags.  *False flags* is the share of unperturbed references each check flags.  Klexikon
(rewritten encyclopedia articles, not faithful summaries) and en-de-xling (one-line
TLDRs of papers) are not news and not counted.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from pathlib import Path

from summarise.checks import annotate
from summarise.checks.grounding import lowest_support
from summarise.eval import perturb

NEWS_SETS = ("en-news.dev.jsonl", "de-news-20min.dev.jsonl")
# where a reference in the other language comes from, per source language
OTHER_LANGUAGE_SETS = {"en": ("de-news-20min.dev.jsonl", "de-klexikon.dev.jsonl"),
                       "de": ("en-news.dev.jsonl",)}
FLAGGED = ("numbers", "names", "language", "support", "repetition")
SEED = 23


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def first_sentences(records: list[dict], limit: int = 60) -> list[str]:
    """Short summaries in one language: a reference's first two sentences."""
    from summarise.checks.words import sentence_spans

    out = []
    for record in records[:limit]:
        spans = sentence_spans(record["summary"], record.get("summary_lang", record["lang"]))
        out.append(" ".join(s.text for s in spans[:2]))
    return out


def measure(data: Path) -> dict:
    rng = random.Random(SEED)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for name in NEWS_SETS:
        records = read(data / name)
        foreign = [s for other in OTHER_LANGUAGE_SETS[records[0]["lang"]]
                   for s in first_sentences(read(data / other))]
        for number, record in enumerate(records):
            _one(record, records[(number + 1) % len(records)]["summary"], foreign, rng,
                 counts[name.removesuffix(".dev.jsonl")])
    return {name: dict(row) for name, row in counts.items()}


def _one(record: dict, other: str, foreign: list[str], rng: random.Random,
         counts: dict[str, int]) -> None:
    source, summary = record["text"], record["summary"]
    lang = record.get("summary_lang", record["lang"])
    source_lang = record["lang"]

    def check(text: str):
        return annotate(text, source, lang=lang, source_lang=source_lang)

    plain = check(summary)
    failed = set(plain.failed())
    counts["references"] += 1
    for name in FLAGGED:
        counts[f"flag:{name}"] += name in failed

    def tally(kind: str, check_name: str, perturbed) -> None:
        if perturbed is None or check_name in failed:
            return
        counts[f"{kind}:n"] += 1
        counts[f"{kind}:caught"] += check_name in check(perturbed.summary).failed()

    tally("number", "numbers", perturb.change_number(summary, lang, source, source_lang, rng))
    tally("name", "names", perturb.swap_name(summary, lang, source, rng))
    tally("language", "language", perturb.Perturbed(rng.choice(foreign)))
    tally("repeat", "repetition", perturb.repeat_sentence(summary, lang, rng))
    inserted = perturb.insert_sentence(summary, lang, other, rng)
    if inserted is not None:
        annotation = check(inserted.summary)
        supports = [s.support for s in annotation.sentences]
        lowest = lowest_support(annotation.sentences)
        strictly = lowest == inserted.sentence and supports.count(supports[lowest]) == 1
        counts["insert:n"] += 1
        counts["insert:caught"] += strictly
        counts["insert:flagged"] += "support" in annotation.failed()


ROWS = (("number changed", "numbers", "number:caught", "number:n"),
        ("name swapped", "names", "name:caught", "name:n"),
        ("sentence of another article: lowest support", "support", "insert:caught",
         "insert:n"),
        ("sentence of another article: flagged", "support", "insert:flagged", "insert:n"),
        ("summary in the other language", "language", "language:caught", "language:n"),
        ("a sentence three times", "repetition", "repeat:caught", "repeat:n"))


def table(result: dict) -> str:
    sets = list(result)
    lines = ["| perturbation (check) | " + " | ".join(f"{s} caught" for s in sets) + " |",
             "|---|" + "---|" * len(sets)]
    for label, check_name, caught, total in ROWS:
        cells = [_rate(result[s].get(caught, 0), result[s].get(total, 0)) for s in sets]
        lines.append(f"| {label} (`{check_name}`) | " + " | ".join(cells) + " |")
    lines.append("| **unperturbed reference: flagged by** | " + " | ".join(
        "" for _ in sets) + " |")
    for name in FLAGGED:
        cells = [_rate(result[s].get(f"flag:{name}", 0), result[s]["references"])
                 for s in sets]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _rate(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} % ({part}/{whole})" if whole else "–"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/eval-data"))
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    result = measure(args.data)
    print(json.dumps(result, indent=1) if args.json else table(result))


if __name__ == "__main__":
    main()
