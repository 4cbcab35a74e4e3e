"""Cold start (``throughput.py --cold-start``): from ``summarise`` process start to the
first summary written, with full-size models already on disk (a warm Hugging Face cache).

The models are the random-weight models of the default architectures (mT5-small and two
opus-mt Marians, fp32 safetensors) in a local folder. The run is the user's command,
with the user's settings only: no length is forced (forced lengths are a policy a
program passes to ``ModelRegistry``, which a CLI run cannot be given). A random model
seldom stops on its own, so the short summary runs to its token budget's maximum and the
translation to its budget (twice the source and 8 tokens, within the window): at most
what a real model writes, so the figure is an upper bound of a real first summary.

Also timed, to show where the time goes: ``summarise --help`` (imports of the CLI only),
importing torch and transformers, and loading the three models in a fresh process.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "eval-data" / "de-news-20min.dev.jsonl"
FALLBACK = ROOT / "cli" / "data" / "sample_de.txt"
POLL_S = 0.02


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def news_document(summariser: Path) -> str:
    """A German news article cut at a sentence boundary to fit the summariser's input
    window in one piece (a first summary, not a map-reduce of a long text: that is the
    ``--job`` benchmark's subject), else the package's German sample."""
    from summarise.segment import split_sentences
    from transformers import AutoTokenizer

    text = FALLBACK.read_text(encoding="utf-8")
    if NEWS.is_file():
        texts = [json.loads(line)["text"] for line in NEWS.read_text("utf-8").splitlines()
                 if line.strip()]
        text = max(texts, key=lambda t: len(t.split()))
    tokenizer = AutoTokenizer.from_pretrained(summariser)
    window = min(tokenizer.model_max_length, 512) - 8  # room for the task prefix
    kept: list[str] = []
    for sentence in split_sentences(text, "de"):
        if len(tokenizer(" ".join([*kept, sentence]))["input_ids"]) > window:
            break
        kept.append(sentence)
    return " ".join(kept)


def config_text(models: dict[str, Path]) -> str:
    return (f'[models]\nsummariser = "{models["summariser"]}"\n'
            f'[models.translators]\nde-en = "{models["de-en"]}"\n'
            f'en-de = "{models["en-de"]}"\n'
            '[generation]\ndtype = "fp32"\nbackend = "torch"\n')


def summarise_command() -> list[str]:
    """The installed console script beside this Python, else ``python -m summarise``."""
    script = Path(sys.executable).with_name("summarise")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "summarise"]


def time_to_first_summary(workdir: Path, document: Path, config: Path, run: int) -> dict:
    """Start ``summarise`` and poll its --out folder for the first document's file."""
    out = workdir / f"out-{run}"
    command = [*summarise_command(), str(document), "--config", str(config), "--length",
               "short", "--lang", "de", "--lang", "en", "--out", str(out), "--quiet"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    load = os.getloadavg()[0]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    first = None
    while first is None and process.poll() is None:
        if any(p.name != "run.json" for p in out.glob("*.json")):
            first = time.perf_counter() - started
        else:
            time.sleep(POLL_S)
    _, stderr = process.communicate()
    total = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"summarise failed (exit {process.returncode}):\n{stderr[-2000:]}")
    if first is None:  # finished between two polls
        first = total
    return {"first_summary_s": round(first, 2), "exit_s": round(total, 2),
            "load_average": round((load + os.getloadavg()[0]) / 2, 2)}


def time_python(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ,
                                                                   "HF_HUB_OFFLINE": "1"})
    return round(time.perf_counter() - started, 2)


def cold_start(models: dict[str, Path], runs: int = 3) -> dict:
    with tempfile.TemporaryDirectory(prefix="summarise-cold-") as tmp:
        workdir = Path(tmp)
        document = workdir / "news.txt"
        text = news_document(models["summariser"])
        document.write_text(text + "\n", encoding="utf-8")
        config = workdir / "summarise.toml"
        config.write_text(config_text(models), encoding="utf-8")
        help_started = time.perf_counter()
        subprocess.run([*summarise_command(), "--help"], check=True,
                       stdout=subprocess.DEVNULL)
        help_s = round(time.perf_counter() - help_started, 2)
        imports_s = time_python("import torch, transformers")
        loading_s = time_python(
            "from summarise import Settings\n"
            "from summarise.models import ModelRegistry\n"
            f"r = ModelRegistry(Settings(summariser={str(models['summariser'])!r}, translators="
            f"{{'de-en': {str(models['de-en'])!r}, 'en-de': {str(models['en-de'])!r}}}))\n"
            "r.summariser(); r.translator('de', 'en')\n")
        timings = []
        for run in range(runs):
            log(f"cold start {run + 1}/{runs}")
            timings.append(time_to_first_summary(workdir, document, config, run))
    firsts = [t["first_summary_s"] for t in timings]
    return {"document_words": len(text.split()), "runs": timings,
            "first_summary_s_median": statistics.median(firsts),
            "help_s": help_s, "import_torch_transformers_s": imports_s,
            "import_and_load_models_s": loading_s}


def print_cold_start(report: dict) -> None:
    print(f"cold start, fp32, full-size random models from a local folder; one German news "
          f"article ({report['document_words']} words, one input window), --length short, "
          "de + en")
    for index, run in enumerate(report["runs"], 1):
        print(f"  run {index}: first summary written after {run['first_summary_s']:.2f} s "
              f"(process done {run['exit_s']:.2f} s; load average {run['load_average']:.2f})")
    print(f"  where the time goes, each in a fresh process: summarise --help "
          f"{report['help_s']:.2f} s; import torch + transformers "
          f"{report['import_torch_transformers_s']:.2f} s; that plus loading the summariser "
          f"and the de-en translator {report['import_and_load_models_s']:.2f} s")
    print(f"cold_start: {report['first_summary_s_median']:.2f}s (median of "
          f"{len(report['runs'])}; target < 10 s)")
