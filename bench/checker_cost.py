#!/usr/bin/env python
"""What ``--checker`` costs: time per summary sentence of a full-size mDeBERTa-v3-base NLI
classifier, next to the time the default-size summariser takes to write a summary.

    python bench/checker_cost.py                 # 16 articles, the default dtype (auto)
    python bench/checker_cost.py --docs 16 --dtype fp32 --json

Both models have random weights in the real architectures and sizes, built once into
``~/.cache/summarise/bench-models`` (``--models-dir``): the checker as
MoritzLaurer/mDeBERTa-v3-base-xnli-multilingual-nli-2mil7's config.json has it
(DebertaV2ForSequenceClassification, hidden 768, 12 layers, 12 heads, FFN 3072, vocab
250124, 512 positions), the summariser as google/mt5-small (``devmodels.MT5_SMALL_FULL``).
Their tokenizers are SentencePiece models trained on the test corpus (8000 pieces, not
the real 250k), so a text is more tokens than with the real tokenizers (how many more is
not measured here); both models share that bias, which the ratio largely cancels.

The job: news articles with their human reference summaries (``summary`` of
``../shared/eval-data/de-news-20min.dev.jsonl``, then of ``en-news.dev.jsonl``), each
article cut at a sentence boundary to the summariser's 512-token window. The checker
path is the real one: ``summarise.checks.annotate(reference, article, checker=...)``
grounds each reference sentence and the checker scores it against its supporting source
sentences in one batched call; the time of ``annotate`` without the checker is
subtracted. The summariser writes one medium summary per article in its language, forced
to its full token budget (the ``lengths.ForcedLengths`` policy) so that random weights do the
work a real summary costs.
Both run warmed up, in this process, with the same device, dtype and threads.

The last line is ``checker_ms_per_sentence: X  summary_ms: Y  ratio_per_summary: Z``, where
the ratio is the checker's time for a summary of the references' mean sentence count over
the summariser's time for one summary.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus_de_en.txt"
EVAL_DATA = ROOT.parent / "shared" / "eval-data"
NEWS = ("de-news-20min.dev.jsonl", "en-news.dev.jsonl")  # German first: it has 6 records
MODELS_VERSION = "1"  # bump when the builders change


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_models(cache: Path) -> dict[str, Path]:
    """The full-size random checker and summariser (built once, then reused)."""
    from summarise import devmodels as dm

    key = hashlib.sha256(repr((MODELS_VERSION, dm.MDEBERTA_BASE_FULL, dm.MT5_SMALL_FULL,
                               CORPUS.stat().st_size)).encode()).hexdigest()[:10]
    plan = {"checker": (dm.build_nli, dm.MDEBERTA_BASE_FULL, 0),
            "summariser": (dm.build_mt5, dm.MT5_SMALL_FULL, 0)}
    return dm.build_once(cache / f"checker-{key}", plan, CORPUS, log)


def articles(count: int, tokenizer, window: int, prefix: str) -> list[dict]:
    """``count`` news records, each article cut at a sentence boundary to the window."""
    from summarise.segment import split_sentences

    records = []
    for name in NEWS:
        path = EVAL_DATA / name
        if not path.is_file():
            raise SystemExit(f"error: {path} is missing; this bench reads the news dev sets")
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if not record.get("summary") or len(records) == count:
                continue
            kept: list[str] = []
            for sentence in split_sentences(record["text"], record["lang"]):
                candidate = " ".join([*kept, sentence])
                if len(tokenizer(prefix + candidate)["input_ids"]) > window:
                    break
                kept.append(sentence)
            if kept:
                records.append({"text": " ".join(kept), "summary": record["summary"],
                                "lang": record["lang"]})
    return records


def time_checker(checker, records: list[dict]) -> dict:
    """Seconds of ``annotate`` with the checker minus without it, and sentences scored."""
    from summarise.checks import annotate

    def run(with_checker) -> tuple[float, int]:
        started, sentences = time.perf_counter(), 0
        for record in records:
            annotation = annotate(record["summary"], record["text"], lang=record["lang"],
                                  source_lang=record["lang"], checker=with_checker)
            sentences += len(annotation.sentences)
        return time.perf_counter() - started, sentences

    run(checker)  # warm-up
    plain, sentences = run(None)
    checked, _ = run(checker)
    return {"seconds": checked - plain, "sentences": sentences,
            "lexical_seconds": plain}


def time_summariser(summariser, records: list[dict]) -> float:
    from summarise.lengths import PRESETS

    medium = [PRESETS["medium"]]
    summariser.summarise([records[0]["text"]], records[0]["lang"], medium)  # warm-up
    started = time.perf_counter()
    for lang in dict.fromkeys(record["lang"] for record in records):
        summariser.summarise([r["text"] for r in records if r["lang"] == lang], lang, medium)
    return time.perf_counter() - started


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=16, help="news articles (default 16)")
    parser.add_argument("--dtype", default="auto", help="auto, fp32 or bf16 (both models)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--models-dir", type=Path,
                        default=Path.home() / ".cache" / "summarise" / "bench-models")
    parser.add_argument("--json", action="store_true", help="the report as JSON on stdout")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    from summarise import Settings
    from summarise.config import Generation
    from summarise.lengths import ForcedLengths
    from summarise.models import ModelRegistry

    args = parse_args(argv)
    paths = build_models(args.models_dir)
    generation = Generation(dtype=args.dtype, threads=args.threads)
    registry = ModelRegistry(Settings(summariser=str(paths["summariser"]),
                                      checker=str(paths["checker"]), generation=generation),
                             download=False, lengths=ForcedLengths())
    started = time.perf_counter()
    checker = registry.checker()
    checker_load = time.perf_counter() - started
    summariser = registry.summariser()
    records = articles(args.docs, summariser.tokenizer, summariser.max_input_tokens,
                       "summarize: ")
    log(f"{len(records)} articles; timing the checker")
    checked = time_checker(checker, records)
    log(f"checker: {checked['sentences']} sentences in {checked['seconds']:.2f} s")
    log("timing the summariser (one medium summary per article, in its language)")
    summarising = time_summariser(summariser, records)
    per_sentence = checked["seconds"] / max(checked["sentences"], 1)
    per_summary = summarising / len(records)
    sentences_per_summary = checked["sentences"] / len(records)
    report = {
        "date": time.strftime("%Y-%m-%d"), "docs": len(records),
        "languages": {lang: sum(r["lang"] == lang for r in records)
                      for lang in dict.fromkeys(r["lang"] for r in records)},
        "dtype": str(checker.loaded.dtype).removeprefix("torch."),
        "threads": args.threads or "all", "checker_load_s": round(checker_load, 2),
        "sentences": checked["sentences"],
        "sentences_per_summary": round(sentences_per_summary, 2),
        "checker_ms_per_sentence": round(1000 * per_sentence, 1),
        "lexical_checks_ms_per_summary": round(1000 * checked["lexical_seconds"]
                                               / len(records), 1),
        "summary_ms": round(1000 * per_summary, 1),
        "ratio_per_summary": round(per_sentence * sentences_per_summary / per_summary, 3),
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    for key, value in report.items():
        print(f"{key:32} {value}")
    print(f"checker_ms_per_sentence: {report['checker_ms_per_sentence']}  "
          f"summary_ms: {report['summary_ms']}  "
          f"ratio_per_summary: {report['ratio_per_summary']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
