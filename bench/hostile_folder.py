#!/usr/bin/env python
"""The hostile-folder check of issue 10, end to end through the command line.

A folder mixing good inputs (UTF-8, UTF-8 with BOM, cp1252, UTF-16, Markdown, HTML,
PDF, DOCX, nested folders, a latin-1 file name, a 50,000-word text) and bad ones
(empty, whitespace only, binary, undecodable, too short, a broken PDF, a dangling
symlink, symlink loops, a folder named like a file) is summarised into German and
English by tiny random models whose input window is 64 tokens. Then a 1 MB single-line
file without punctuation is summarised alone, under --doc-timeout.

    python bench/hostile_folder.py            # prints the checks and the run times

Passes when the folder run exits 1 with no traceback, every good file has its output
(the long one with chunks > 1), every bad one is in run.json's failures, and the 1 MB
file finishes or fails alone, with progress lines. Exit status 0 when all checks pass.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from reading_samples import (  # noqa: E402  (test helpers: the same hostile inputs)
    ENGLISH,
    GERMAN,
    HTML_PAGE,
    build_hostile_folder,
    make_docx,
    make_pdf,
    wrap,
)

CORPUS = ROOT / "tests" / "data" / "corpus_de_en.txt"
SEED = ROOT / "seeds" / "000_c2962fba0a84f7c9.txt"
GLOBS = ("*.txt", "*.md", "*.html", "*.pdf", "*.docx")


def build_models(root: Path) -> list[str]:
    """Window-64 summariser and translators; CLI flags that use them."""
    from summarise import devmodels as dm

    narrow = replace(dm.TINY, max_positions=64)
    mt5 = dm.build_mt5(root / "mt5-64", CORPUS, narrow)
    de_en = dm.build_marian(root / "marian64-de-en", CORPUS, narrow, seed=3)
    en_de = dm.build_marian(root / "marian64-en-de", CORPUS, narrow, seed=4)
    return ["--summariser", str(mt5), "--translator", f"de-en={de_en}",
            "--translator", f"en-de={en_de}", "--dtype", "fp32"]


def long_german(words: int) -> str:
    sentences = [s.strip() for s in SEED.read_text(encoding="utf-8").split(". ") if s.strip()]
    rng, out, count = random.Random(0), [], 0
    while count < words:
        out.append(rng.choice(sentences).rstrip(".") + ".")
        count += len(out[-1].split())
    return " ".join(out)


def build_folder(root: Path) -> tuple[set[str], set[str]]:
    """The inputs; returns the relative paths of good and of bad entries."""
    good, bad = build_hostile_folder(root)
    (root / "nested" / "deeper").mkdir(parents=True)
    (root / "nested" / "deeper" / "page.html").write_text(HTML_PAGE, encoding="utf-8")
    make_pdf(root / "nested" / "report.pdf", wrap(GERMAN))
    make_docx(root / "nested" / "memo.docx", [ENGLISH])
    (root / "nested" / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<\n" + os.urandom(300))
    (root / os.fsdecode(b"gr\xfc\xdfe.txt")).write_bytes(GERMAN.encode("utf-8"))
    (root / "buch.txt").write_text(long_german(50_000), encoding="utf-8")
    os.symlink("..", root / "nested" / "up")
    good = {*good, "nested/deeper/page.html", "nested/report.pdf", "nested/memo.docx",
            os.fsdecode(b"gr\xfc\xdfe.txt"), "buch.txt"}
    return good, {*bad, "nested/broken.pdf", "nested/up"}


def run(args: list[str]) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "summarise", *args], capture_output=True,
                          text=True, errors="backslashreplace",
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    return done, time.monotonic() - started


def check(results: list[tuple[bool, str]], ok: bool, what: str) -> None:
    results.append((ok, what))
    print(f"{'PASS' if ok else 'FAIL'}  {what}", flush=True)


def folder_run(work: Path, models: list[str], results: list) -> None:
    inputs, out = work / "in", work / "out"
    good, bad = build_folder(inputs)
    args = [str(inputs), "--lang", "de", "--lang", "en", "--out", str(out), *models]
    for pattern in GLOBS:
        args += ["--glob", pattern]
    done, seconds = run(args)
    print(f"folder run: {seconds:.0f} s, exit {done.returncode}")
    check(results, done.returncode == 1, f"exit code 1 (got {done.returncode})")
    check(results, "Traceback" not in done.stderr, "no traceback on stderr")
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    failed = {f["source"].removeprefix(str(inputs) + "/") for f in manifest["failures"]}
    check(results, failed == bad,
          f"failures are exactly the bad entries (extra: {sorted(failed - bad)}, "
          f"missing: {sorted(bad - failed)})")
    for name in sorted(good):
        stem = re.sub(r"\.[a-z]+$", "", name)
        path = out / (_escaped(stem) + ".json")
        ok = path.exists()
        if ok and name == "buch.txt":
            data = json.loads(path.read_text(encoding="utf-8"))
            ok = data["chunks"] > 1 and len(data["summaries"]) == 6
            print(f"  buch.txt: chunks {data['chunks']}, reduce_rounds "
                  f"{data['reduce_rounds']}, truncated {data['truncated']}")
        check(results, ok, f"output for {ascii(name)}")


def _escaped(stem: str) -> str:
    from summarise.reading.discovery import escape_id

    return escape_id(stem)


def megabyte_run(work: Path, models: list[str], results: list) -> None:
    words = re.findall(r"\w+", CORPUS.read_text(encoding="utf-8"))
    rng = random.Random(1)
    line = " ".join(rng.choice(words) for _ in range(160_000))[:1_000_000]
    doc = work / "megabyte.txt"
    doc.write_text(line.rsplit(" ", 1)[0] + "\n", encoding="utf-8")
    out = work / "out-mb"
    done, seconds = run([str(doc), "--lang", "de", "--lang", "en", "--source-lang", "de",
                         "--out", str(out), "--doc-timeout", "600", *models])
    print(f"1 MB single line: {seconds:.0f} s, exit {done.returncode}")
    progress = [x for x in done.stderr.splitlines() if "reduce round" in x]
    check(results, done.returncode in (0, 1) and "Traceback" not in done.stderr,
          "1 MB line: finished or failed alone, no traceback")
    check(results, bool(progress), f"1 MB line: {len(progress)} progress line(s) inside it")
    if done.returncode == 0:
        data = json.loads((out / "megabyte.json").read_text(encoding="utf-8"))
        print(f"  chunks {data['chunks']}, reduce_rounds {data['reduce_rounds']}")


def main() -> int:
    results: list[tuple[bool, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        started = time.monotonic()
        models = build_models(work / "models")
        folder_run(work, models, results)
        megabyte_run(work, models, results)
        print(f"total {time.monotonic() - started:.0f} s")
    failed = [what for ok, what in results if not ok]
    print(f"{len(results) - len(failed)} of {len(results)} checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
