"""What the checks add to a run: the time ``Pipeline.execute`` spends annotating (grounding
and every check of ``summarise.checks``) on the whole-job folder, beside the time the
models take to summarise it.

    python bench/run_checks_cost.py                          # against 108.2 s (see below)
    python bench/run_checks_cost.py --summarising-seconds S  # against your own run's time

The folder is the one of ``throughput.py --job`` (18 files: German and English news and
long Klexikon articles). Annotation does not depend on the model, so each document gets
what the run would hand to ``runchecks.annotate_summaries``: lead summaries of 1/3/6
sentences (short/medium/long) in its language, and the same three as translated
summaries in the other language (grounded through ``via``). Each document is annotated in
a fresh cache, as in a run; the share is the annotation's CPU time (one thread; on an
idle machine, its wall time) over the summarising time. The default summarising time is
the fastest engine's (torch int8, 108.2 s) in bench/README.md's measurement of
``throughput.py --job``: the share printed is an upper bound for slower engines.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from job import FULL_MIX, pick_records  # noqa: E402

FASTEST_JOB_SECONDS = 108.2  # torch-int8, `python bench/throughput.py --job`, 2026-12-01


def summaries_for(record: dict) -> tuple[list, list]:
    """The six summaries of a run in de and en, and how each was made."""
    from summarise.lengths import PRESETS
    from summarise.pipeline import Summary
    from summarise.runchecks import Origin
    from summarise.segment import split_sentences

    lang = record["lang"]
    other = "en" if lang == "de" else "de"
    sentences = split_sentences(record["text"], lang)
    made, origins = [], []
    for preset in PRESETS.values():
        lead = " ".join(" ".join(sentences[:preset.sentences]).split())
        for out_lang, via in ((lang, None), (other, lead)):
            made.append(Summary(out_lang, preset.name, lead, len(lead.split()), preset.words,
                                "bench"))
            origins.append(Origin(via=via))
    return made, origins


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--summarising-seconds", type=float, default=FASTEST_JOB_SECONDS)
    args = parser.parse_args()

    from summarise.checks import grounding
    from summarise.runchecks import annotate_summaries

    records = [r for name, count, near in FULL_MIX for r in pick_records(name, count, near)]
    annotate_summaries(*summaries_for(records[0]), records[0]["text"], records[0]["lang"])
    seconds, cpu, summaries, words = 0.0, 0.0, 0, 0
    for record in records:
        made, origins = summaries_for(record)
        for cached in vars(grounding).values():  # a run meets each source once
            if hasattr(cached, "cache_clear"):
                cached.cache_clear()
        started, started_cpu = time.perf_counter(), time.process_time()
        annotate_summaries(made, origins, record["text"], record["lang"])
        seconds += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
        summaries += len(made)
        words += len(record["text"].split())
    print(f"{len(records)} documents, {words} words, {summaries} summaries annotated in "
          f"{cpu:.2f} s of CPU ({1000 * cpu / summaries:.1f} ms per summary; {seconds:.2f} s "
          "wall, which a busy machine inflates)")
    print(f"against {args.summarising_seconds:.1f} s of summarising: "
          f"{100 * cpu / args.summarising_seconds:.2f} % (target < 5 %)")


if __name__ == "__main__":
    main()
