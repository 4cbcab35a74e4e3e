"""Scoring cost on long texts: a 90,000-word prediction against a 20,000-word reference.

Every metric of ``summarise eval`` runs on one record whose prediction and reference are
long: sentences drawn (with a fixed seed) from the English and German lines of the test
corpus, one paragraph per 8 sentences.  The whole-record time is printed next to the
CPU time; then ROUGE-Lsum's union LCS is timed both ways: a table per sentence pair, as
rouge-score fills it (run on a slice of the reference sentences and scaled up, since each
reference sentence costs the same), against the bit-parallel layout, side by side.

    python bench/eval_long.py                    # 90,000 vs 20,000 words (the README figure)
    python bench/eval_long.py --words 9000 --reference-words 2000 --quick
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from summarise.eval.metrics import Sample, build_metrics
from summarise.eval.metrics.lcs import SentenceLayout
from summarise.eval.text import Analyzer

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "corpus_de_en.txt"


def long_text(words: int, seed: int) -> str:
    """About ``words`` words of corpus sentences, paragraphs of 8 sentences."""
    lines = [line.strip() for line in CORPUS.read_text(encoding="utf-8").splitlines()
             if line.strip().endswith(".") and line.isascii()]
    rng = random.Random(seed)
    sentences, count = [], 0
    while count < words:
        line = rng.choice(lines)
        sentences.append(line)
        count += len(line.split())
    return "\n".join(" ".join(sentences[i:i + 8]) for i in range(0, len(sentences), 8))


def table_lsum(reference: list[list[str]], hypothesis: list[list[str]]) -> None:
    """The per-pair table of rouge-score's Lsum (lengths only: the cost is the table)."""
    for ref in reference:
        for hyp in hypothesis:
            row = [0] * (len(hyp) + 1)
            for r in ref:
                diagonal = 0
                for j, h in enumerate(hyp, 1):
                    above = row[j]
                    row[j] = diagonal + 1 if r == h else max(above, row[j - 1])
                    diagonal = above


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=90_000)
    parser.add_argument("--reference-words", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="skip the old-algorithm estimate")
    args = parser.parse_args()
    prediction, reference = long_text(args.words, 1), long_text(args.reference_words, 2)
    sample = Sample(prediction, (reference,), prediction, "en", "en", 120)
    timings = {}
    for metric in build_metrics():
        started, cpu = time.perf_counter(), time.process_time()
        if metric.corpus:
            metric.score_corpus([sample])
        else:
            metric.score(sample)
        timings[metric.name] = (time.perf_counter() - started, time.process_time() - cpu)
    total = sum(wall for wall, _ in timings.values())
    print(f"prediction {len(prediction.split())} words, reference "
          f"{len(reference.split())} words (wall / CPU seconds; on a busy machine the "
          "wall time is the larger)")
    for name, (wall, cpu) in timings.items():
        print(f"  {name:10s} {wall:7.2f} s  {cpu:7.2f} s CPU")
    print(f"  {'all':10s} {total:7.2f} s  "
          f"{sum(cpu for _, cpu in timings.values()):7.2f} s CPU")
    if args.quick:
        return
    analyzer = Analyzer.for_lang("en")
    hyp = analyzer.sentence_tokens(prediction)
    ref = analyzer.sentence_tokens(reference)
    part = max(1, len(ref) // 50)
    started = time.process_time()
    table_lsum(ref[:part], hyp)
    estimate = (time.process_time() - started) * len(ref) / part
    union_started = time.process_time()
    layout = SentenceLayout(hyp)
    for sentence in ref:
        layout.union_positions(sentence)
    union = time.process_time() - union_started
    print(f"ROUGE-Lsum union LCS, CPU seconds: per-pair tables as rouge-score (estimated "
          f"from {part} of {len(ref)} reference sentences) {estimate:.0f} s | bit-parallel "
          f"layout {union:.2f} s | ratio {estimate / union:.0f}x")


if __name__ == "__main__":
    main()
