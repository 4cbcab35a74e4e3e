"""Reproduce the default models' published scores: the way to check that an install runs
the models as their authors did (window, prefix, decoding from their profiles).

    python bench/reproduce.py                      # every job, on a connected machine
    python bench/reproduce.py --job mt5 --limit 500
    python bench/reproduce.py --job mt5 --data mt5=mlsum-de-test.jsonl --model mt5=./mt5-copy

Each job runs one default model on the data its authors reported, through summarise's
own machinery (summarisers: ``summarise eval``, ROUGE; translators: the library's
translator and the eval's sacreBLEU BLEU), and a table prints the published figure
beside the measured one with the settings used. Summaries are asked for at the longest
length the model was trained to write (its profile's ``output_tokens``), with the
profile's published decoding (beams, n-gram rule). The models (~2.5 GB) and test sets
are downloaded; offline, the script stops at once and says what it needs, unless every
model and data set of the chosen jobs is given as a local path (--model / --data).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HUB_HOST = ("huggingface.co", 443)
MT5 = "T-Systems-onsite/mt5-small-sum-de-en-v2"


@dataclass(frozen=True)
class Job:
    """One published figure and how to measure it again."""

    name: str
    model: str
    data: str  # what the authors reported on, in words
    metric: str
    published: float
    source: str  # the page the published figure is read from
    hub: tuple[str, str, str, str, str] | None = None  # dataset, config, split, text, summary
    lang: str = "de"
    testset: tuple[str, str] | None = None  # sacreBLEU test set and language pair

    @property
    def translates(self) -> bool:
        return self.testset is not None


JOBS = (
    Job("mt5", MT5, "MLSUM de test", "ROUGE-1", 21.7756,
        "https://huggingface.co/T-Systems-onsite/mt5-small-sum-de-en-v2 (MLSUM German test, "
        "no beams: R1 21.7756 / R2 7.2662 / RL 17.1444 / RLsum 19.4242)",
        hub=("mlsum", "de", "test", "text", "summary"), lang="de"),
    Job("bart", "facebook/bart-large-cnn", "CNN/DailyMail 3.0.0 test", "ROUGE-1", 44.16,
        "https://arxiv.org/abs/1910.13461 (Table 3: R1 44.16 / R2 21.28 / RL 40.90)",
        hub=("cnn_dailymail", "3.0.0", "test", "article", "highlights"), lang="en"),
    Job("opus-de-en", "Helsinki-NLP/opus-mt-de-en", "newstest2019 de-en", "BLEU", 40.1,
        "https://huggingface.co/Helsinki-NLP/opus-mt-de-en (newstest2019-deen.de.en)",
        testset=("wmt19", "de-en"), lang="de"),
    Job("opus-en-de", "Helsinki-NLP/opus-mt-en-de", "newstest2019 en-de", "BLEU", 40.9,
        "https://huggingface.co/Helsinki-NLP/opus-mt-en-de (newstest2019-ende.en.de)",
        testset=("wmt19", "en-de"), lang="en"),
)


@dataclass
class Row:
    job: Job
    measured: float
    documents: int
    settings: str


def table(rows: list[Row]) -> str:
    """Published vs measured, one line per job, with the settings each was measured with."""
    head = ("job", "model", "data", "metric", "published", "measured", "diff", "docs",
            "settings")
    lines = [head]
    for row in rows:
        job = row.job
        lines.append((job.name, job.model, job.data, job.metric, f"{job.published:.2f}",
                      f"{row.measured:.2f}", f"{row.measured - job.published:+.2f}",
                      str(row.documents), row.settings))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
           .rstrip() for line in lines]
    out.insert(1, "  ".join("-" * width for width in widths))
    sources = [f"[{row.job.name}] published: {row.job.source}" for row in rows]
    return "\n".join(out + [""] + sources)


def _pairs(values: list[str], flag: str) -> dict[str, str]:
    known = {job.name for job in JOBS}
    out = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or name not in known or not path:
            raise SystemExit(f"error: {flag} {value!r}: write it as JOB=PATH with JOB one of "
                             f"{', '.join(sorted(known))}")
        out[name] = path
    return out


def needs(jobs: list[Job], models: dict[str, str], data: dict[str, str]) -> list[str]:
    """What the chosen jobs must download (nothing when every path is local)."""
    wanted = []
    for job in jobs:
        if job.name not in models:
            wanted.append(f"the model {job.model}")
        if job.name not in data:
            wanted.append(f"the {job.data} set")
    return wanted


def offline_reason() -> str | None:
    """Why nothing can be downloaded here, or None when the hub answers."""
    for name in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"):
        if os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on"):
            return f"{name} is set"
    try:
        socket.create_connection(HUB_HOST, timeout=3).close()
    except OSError:
        return f"{HUB_HOST[0]} cannot be reached"
    return None


def published_words(job: Job, model: str) -> int | None:
    """The length asked for: the most words whose budget stays within the trained output
    length of the job's model (its profile), counted with the tokenizer of ``model`` (the
    job's model or a local copy of it); None when the profile gives no such length."""
    from summarise.lengths import tokens_per_word, words_within
    from summarise.models.hub import resolve
    from summarise.models.profiles import profile_for
    from summarise.models.runtime import load_tokenizer

    trained = profile_for(job.model, None, None).output_tokens
    if not trained:
        return None
    tokenizer = load_tokenizer(resolve(model).path)
    return words_within(trained, tokens_per_word(tokenizer, job.lang))


def published_decoding(job: Job) -> dict:
    """The beams and n-gram rule behind the published figure (the job's model's profile),
    applied as the user's settings so that a local copy of the model runs with them too."""
    from summarise.models.profiles import DECODING_KEYS, profile_for

    published = profile_for(job.model, None, None).published
    return {key: published[key] for key in DECODING_KEYS if key in published}


def run_summarise(job: Job, model: str, data: str | None, limit: int | None,
                  out: Path) -> Row:
    words = published_words(job, model)
    config = out / f"{job.name}.toml"
    lines = ["[generation]", *(f"{k} = {v}" for k, v in published_decoding(job).items())]
    if words:
        lines += ["[lengths]", f"published = {{ words = {words}, sentences = "
                               f"{max(1, words // 20)} }}"]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "summarise", "eval"]
    if data:
        command.append(data)
    else:
        name, config_name, split, text, summary = job.hub
        command += [name, "--dataset-config", config_name, "--split", split,
                    "--text-field", text, "--summary-field", summary]
    runs = out / job.name
    command += ["--summariser", model, "--metric", "rouge", "--out", str(runs), "--config",
                str(config), "--bootstrap", "100", "-q"]
    if words:
        command += ["--length", "published"]
    if limit:
        command += ["--limit", str(limit)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"error: {job.name}: summarise eval failed:\n{done.stderr.strip()}")
    scores = json.loads((runs / "scores.json").read_text(encoding="utf-8"))
    [group] = [g for g in scores["aggregate"] if g.startswith(f"{job.lang}/")]
    measured = scores["aggregate"][group]["rouge1_f"]["mean"]
    used = scores.get("system", {}).get("models", {}).get(model, {}).get("decoding", {})
    settings = ", ".join([f"length {group.split('/')[1]}" + (f" ({words} words)" if words
                                                              else ""),
                          *(f"{k} {v}" for k, v in used.items())])
    return Row(job, measured, scores["aggregate"][group]["rouge1_f"]["n"], settings)


def _test_pairs(job: Job, data: str | None, limit: int | None) -> tuple[list[str], list[str]]:
    """(sources, references): a local JSONL of {"source", "reference"}, else sacreBLEU's
    copy of the WMT test set (downloaded into ~/.sacrebleu)."""
    if data:
        rows = [json.loads(line) for line in Path(data).read_text(encoding="utf-8")
                .splitlines() if line.strip()]
        sources, references = [r["source"] for r in rows], [r["reference"] for r in rows]
    else:
        from sacrebleu.dataset import DATASETS

        testset, pair = job.testset
        dataset = DATASETS[testset]
        dataset.process_to_text(pair)
        source_file = dataset.get_source_file(pair)
        [reference_file] = dataset.get_reference_files(pair)[:1]
        sources = Path(source_file).read_text(encoding="utf-8").splitlines()
        references = Path(reference_file).read_text(encoding="utf-8").splitlines()
    return sources[:limit], references[:limit]


def run_translate(job: Job, model: str, data: str | None, limit: int | None,
                  out: Path) -> Row:
    from summarise import Settings
    from summarise.config import Generation
    from summarise.eval.metrics.base import Sample
    from summarise.eval.metrics.chrf import Bleu
    from summarise.models import ModelRegistry

    src, tgt = job.testset[1].split("-")
    sources, references = _test_pairs(job, data, limit)
    generation = Generation(**published_decoding(job))
    registry = ModelRegistry(Settings(translators={f"{src}-{tgt}": model},
                                      generation=generation))
    # One sentence per row, as the test set is scored: a row is never split or joined.
    hypotheses = registry.translator(src, tgt).translate(sources, src, tgt)
    (out / f"{job.name}.hyp.txt").write_text("\n".join(hypotheses) + "\n", encoding="utf-8")
    samples = [Sample(hypothesis=h, references=(r,), source=s, lang=tgt, source_lang=src)
               for h, r, s in zip(hypotheses, references, sources, strict=True)]
    _, corpus = Bleu().score_corpus(samples)
    used = registry.manifest()[model]["decoding"]
    settings = ", ".join([*(f"{k} {v}" for k, v in used.items()), corpus["signature"]])
    return Row(job, corpus["bleu"], len(samples), settings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--job", action="append", choices=[job.name for job in JOBS],
                        help="run only this job (repeatable); default: all")
    parser.add_argument("--model", action="append", default=[], metavar="JOB=PATH",
                        help="a local copy of a job's model")
    parser.add_argument("--data", action="append", default=[], metavar="JOB=PATH",
                        help="a local copy of a job's test set (summaries: eval JSONL or "
                        "Parquet; translations: JSONL of {source, reference})")
    parser.add_argument("--limit", type=int, metavar="N", help="first N documents only")
    parser.add_argument("--out", type=Path, help="keep the runs here (default: a temp dir)")
    args = parser.parse_args(argv)
    jobs = [job for job in JOBS if not args.job or job.name in args.job]
    models, data = _pairs(args.model, "--model"), _pairs(args.data, "--data")
    wanted = needs(jobs, models, data)
    reason = offline_reason() if wanted else None
    if reason:
        print(f"reproduce.py needs a connected machine to download {', '.join(wanted)} "
              f"({reason}); pass --model/--data JOB=PATH with local copies to run offline",
              file=sys.stderr)
        return 2
    out = args.out or Path(tempfile.mkdtemp(prefix="summarise-reproduce-"))
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for job in jobs:
        run = run_translate if job.translates else run_summarise
        rows.append(run(job, models.get(job.name, job.model), data.get(job.name), args.limit,
                        out))
    print(table(rows))
    print(f"\nruns kept in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
