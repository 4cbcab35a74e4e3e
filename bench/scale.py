#!/usr/bin/env python
"""What ``--executor ray`` costs against ``--executor local``, and how it grows with workers.

The same N German documents (files in a folder) go through the real command,
``summarise DOCS --out DIR ...``, once per executor, each in a fresh process, timed
end to end: process start, model loading, Ray start-up and shut-down included, since
that is what a user waits for. Models are full-size random-weight models of the real
architectures (mT5-small summariser, opus-mt translators; see ``throughput.py``), so
the work per document is the real one; their words are gibberish. Each run's summaries
are compared with the local run's.

    python bench/scale.py                      # 32 documents: local, ray x1, ray x2
    python bench/scale.py --docs 4 --workers 1 # smoke run

The last line is ``overhead: X.XX``: ray time / local time with one worker holding
every core (the same threads and one model copy, so the difference is Ray's own cost).
With several workers each actor gets ``cores / workers`` CPUs; on a machine with more
cores than one model can use, that is where throughput grows.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import build_models, make_documents  # noqa: E402

TIMINGS = re.compile(r'"\w*seconds\w*": [0-9.e-]+')


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def write_documents(folder: Path, count: int, words: int, summariser: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(summariser)
    documents, origin = make_documents(count, words, tokenizer, 512, "summarize: ")
    folder.mkdir(parents=True)
    for document in documents:
        (folder / f"{document.id}.txt").write_text(document.text, encoding="utf-8")
    log(f"{count} documents from {origin}, {words} words at most")


def run(label: str, docs: Path, out: Path, models: dict, args, *extra: str) -> float:
    command = [sys.executable, "-m", "summarise", str(docs), "--out", str(out), "--quiet",
               "--summariser", str(models["summariser"]),
               "--translator", f"de-en={models['de-en']}",
               "--translator", f"en-de={models['en-de']}", "--dtype", args.dtype,
               *(f for lang in args.lang for f in ("--lang", lang)),
               *(f for length in args.length for f in ("--length", length)), *extra]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "RAY_USAGE_STATS_ENABLED": "0"}
    log(f"{label}: {' '.join(command[3:4] + list(extra))}")
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{label} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds


def outputs(out: Path) -> dict[str, str]:
    return {p.name: TIMINGS.sub("", p.read_text(encoding="utf-8"))
            for p in out.glob("*.json") if p.name != "run.json"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=32, help="documents (default 32)")
    parser.add_argument("--workers", type=int, action="append",
                        help="Ray actor counts to time; repeat (default 1 and 2)")
    parser.add_argument("--lang", action="append", choices=["de", "en"],
                        help="output languages (default de and en: summary + translation)")
    parser.add_argument("--length", action="append", choices=["short", "medium", "long"],
                        help="lengths (default short)")
    parser.add_argument("--words", type=int, default=300, help="words per document at most")
    parser.add_argument("--dtype", default="auto", help="as the CLI's --dtype (default auto)")
    parser.add_argument("--cores", type=int, default=len(os.sched_getaffinity(0)),
                        help="CPUs shared out among the actors (default: this process's)")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    parser.add_argument("--models-dir", type=Path, default=cache / "summarise" / "bench-models",
                        help="where the random models are built once")
    args = parser.parse_args()
    args.workers = args.workers or [1, 2]
    args.lang = args.lang or ["de", "en"]
    args.length = args.length or ["short"]

    models = build_models(args.models_dir)
    with tempfile.TemporaryDirectory(prefix="scale-") as tmp:
        docs = Path(tmp) / "docs"
        write_documents(docs, args.docs, args.words, models["summariser"])
        times = {"local": run("local", docs, Path(tmp) / "local", models, args)}
        reference = outputs(Path(tmp) / "local")
        same = {}
        for workers in args.workers:
            label = f"ray x{workers}"
            cpus = max(1, args.cores // workers)
            out = Path(tmp) / f"ray{workers}"
            times[label] = run(label, docs, out, models, args, "--executor", "ray",
                               "--workers", str(workers), "--worker-cpus", str(cpus))
            same[label] = outputs(out) == reference
    rows = [("path", "seconds", "docs/s", "vs local", "outputs = local")]
    for label, seconds in times.items():
        rows.append((label, f"{seconds:.1f}", f"{args.docs / seconds:.3f}",
                     f"{seconds / times['local']:.2f}x",
                     "—" if label == "local" else "yes" if same[label] else "NO"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(r, widths, strict=True)))
    print(json.dumps({"docs": args.docs, "cores": args.cores, "langs": args.lang,
                      "lengths": args.length, "dtype": args.dtype, "seconds": times}))
    first = f"ray x{args.workers[0]}"
    print(f"overhead: {times[first] / times['local']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
