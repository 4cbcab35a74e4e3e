"""The whole job (``throughput.py --job``): a folder like a user's, through the CLI's path.

A folder of news-length articles (German and English) and long encyclopedia articles
(Klexikon, which need map-reduce) is written to disk, then summarised two ways:

- the *engine*: the run command's library path (``find_sources`` ->
  ``job.summarise_sources``, the local executor -> ``RunDirectory``), reading included,
  once per engine;
- the *naive path*: the same files read the same way and chunked the same way
  (``longdoc``'s packing and reduce rounds), but every chunk, every length and every
  translated segment is one ``model.generate()`` on one text, fp32.

Every path runs in a process of its own, so that its peak RSS (``VmHWM``) is its own.
The naive worker stays up and runs its share of the folder in parts between the engine
runs (``naive[1] torch-fp32 naive[2] torch-bf16 ...``), so that a change in the machine's
load hits every path; the one-minute load average is noted around each run.
Loading and a warm-up are left out of the timed runs (cold start is measured apart).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL_DATA = ROOT.parent / "shared" / "eval-data"
MARK = "@@job "  # a worker's result lines start with this; anything else is a log line
# Documents per kind: (file, how many, words to pick near)
FULL_MIX = (("de-news-20min", 6, None), ("en-news", 8, None), ("de-klexikon", 4, 3200))
QUICK_MIX = (("de-news-20min", 1, None), ("en-news", 1, None), ("de-klexikon", 1, 1000))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the folder

def pick_records(name: str, count: int, near: int | None) -> list[dict]:
    """``count`` records of ``name`` (the first ones; or those whose length is nearest
    ``near`` words, e.g. the median for encyclopedia articles)."""
    path = EVAL_DATA / f"{name}.dev.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
               if line.strip()]
    if near is not None:
        records.sort(key=lambda r: (abs(len(r["text"].split()) - near), r["id"]))
    return records[:count]


def write_folder(folder: Path, mix) -> dict:
    """The user's folder: one .txt per article, in a subfolder per kind."""
    if not EVAL_DATA.is_dir():
        raise SystemExit(f"--job needs the eval data in {EVAL_DATA} (the shared folder "
                         "beside the repository)")
    kinds = {}
    for name, count, near in mix:
        records = pick_records(name, count, near)
        (folder / name).mkdir(parents=True, exist_ok=True)
        for record in records:
            safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in record["id"])[:60]
            (folder / name / f"{safe}.txt").write_text(record["text"] + "\n", encoding="utf-8")
        kinds[name] = [len(r["text"].split()) for r in records]
    return kinds


# ---------------------------------------------------------------- the worker processes

def warm_up(settings, registry) -> None:
    """Load the models and run every step once on one sentence (one-off costs: lazy
    imports, CTranslate2 conversion, first-call set-up) outside the timed run."""
    from dataclasses import replace

    from summarise import Document
    from summarise.lengths import LengthPreset
    from summarise.pipeline import Pipeline

    tiny = replace(settings, presets={"tiny": LengthPreset("tiny", 2, 1)}, lengths=("tiny",))
    sentences = [Document(id="warm-de", source="warm-de", text="Das ist ein kurzer Satz.",
                          lang="de"),
                 Document(id="warm-en", source="warm-en", text="This is a short sentence.",
                          lang="en")]
    Pipeline(tiny, registry).run(sentences)


def summary_table(results) -> dict[str, str]:
    """``source|lang|length`` -> summary text."""
    return {f"{Path(r.source).name}|{s.lang}|{s.length}": s.text
            for r in results for s in r.summaries}


def run_engine_job(engine: str, folder: Path, models: dict, lengths, threads) -> dict:
    """Worker side: the run command's library path over the whole folder."""
    from summarise.job import summarise_sources
    from summarise.lengths import ForcedLengths
    from summarise.models import ModelRegistry
    from summarise.output import RunDirectory
    from summarise.pipeline import DocumentResult, Pipeline
    from summarise.reading import find_sources
    from throughput import settings_for

    settings = settings_for(engine, models, lengths, threads)
    started = time.perf_counter()
    registry = ModelRegistry(settings, notify=log, lengths=ForcedLengths())
    warm_up(settings, registry)
    load_s = time.perf_counter() - started
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix=f"job-{engine}-") as out:
        started = time.perf_counter()
        sources = find_sources([folder])
        target = RunDirectory(Path(out), "json", {"settings": settings.manifest()}, force=True)
        results, failures = [], []
        try:
            for item in summarise_sources(Pipeline(settings, registry), sources, 16):
                if isinstance(item, DocumentResult):
                    target.write(item)
                    results.append(item)
                else:
                    failures.append(str(getattr(item, "reason", item)))
            target.save_manifest(status="finished")
        finally:
            target.close()
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "load_s": load_s, "load_average": [load, os.getloadavg()[0]],
            "documents": len(results), "failures": failures,
            "chunks": sum(r.chunks for r in results),
            "outputs": summary_table(results)}


class NaiveSummariser:
    """The library's summariser, with every call made the naive way: one text, one
    length, one ``model.generate()`` (no batching, the encoder run again per length).
    Token budgets, prefixes and decoding are the library's, so the work is the same."""

    def __init__(self, inner):
        self.inner = inner
        self.name, self.tokenizer = inner.name, inner.tokenizer
        self.max_input_tokens, self.prefix = inner.max_input_tokens, inner.prefix
        self.can_write_other_language = False

    def count_tokens(self, texts):
        return self.inner.count_tokens(texts)

    def summarise(self, texts, lang, presets, out_lang=None):
        import torch
        from summarise.lengths import tokens_per_word
        from summarise.models.seq2seq import decode, generate_kwargs

        tokenizer, model = self.inner.loaded.tokenizer, self.inner.loaded.model
        generation, policy = self.inner.generation, self.inner.lengths
        ratio = tokens_per_word(tokenizer, lang)
        rows = []
        with torch.inference_mode():
            for text in texts:
                row = []
                for preset in presets:
                    spend = policy.summary(preset, ratio)
                    enc = tokenizer(self.inner.prefixes(preset) + text, return_tensors="pt",
                                    truncation=True, max_length=self.max_input_tokens)
                    ids = model.generate(**enc, **generate_kwargs(
                        generation, spend.min_new_tokens, spend.max_new_tokens))
                    row.append(decode(tokenizer, ids[0], spend.max_new_tokens))
                rows.append(row)
        return rows


def naive_translate(translator, text: str, src: str) -> str:
    """One ``generate()`` per sentence group (the same groups the engine sends)."""
    import torch
    from summarise.models.seq2seq import decode, generate_kwargs
    from summarise.models.translator import forced_length_kwargs

    tokenizer, model = translator.loaded.tokenizer, translator.loaded.model
    done = []
    with torch.inference_mode():
        for segment in translator.segments(text, src):
            enc = tokenizer([segment], return_tensors="pt")
            spend = translator.budget(enc["input_ids"].shape[1])
            kwargs = {**generate_kwargs(translator.generation, 0, spend.max_new_tokens),
                      "min_new_tokens": 0}
            if spend.exact:
                kwargs.update(forced_length_kwargs(spend.max_new_tokens))
            ids = model.generate(**enc, **kwargs)
            done.append(decode(tokenizer, ids[0], spend.max_new_tokens).text)
    return " ".join(done)


class NaiveJob:
    """Worker side of the naive path: models loaded once, files summarised on request."""

    def __init__(self, models: dict, lengths, threads):
        from throughput import forced_registry, settings_for

        self.settings = settings_for("torch-fp32", models, lengths, threads)
        started = time.perf_counter()
        self.registry = forced_registry(self.settings)
        self.summariser = NaiveSummariser(self.registry.summariser())
        self.translators = {d: self.registry.translator(*d.split("-")) for d in ("de-en", "en-de")}
        warm_up(self.settings, self.registry)  # torch's first-call costs, as for engines
        self.run([])
        self.load_s = time.perf_counter() - started

    def run(self, paths: list[str]) -> dict:
        from summarise.langdetect import detect_language
        from summarise.longdoc import summarise_any_length
        from summarise.pipeline import fit
        from summarise.reading import find_sources, read_source
        from summarise.segment import count_words

        presets = [self.settings.presets[n] for n in self.settings.lengths]
        load = os.getloadavg()[0]
        started = time.perf_counter()
        outputs, chunks = {}, 0
        for source in find_sources([Path(p) for p in paths]) if paths else []:
            for document in read_source(source):
                name = Path(document.source).name
                lang = detect_language(document.text).lang
                rows, stats = summarise_any_length(self.summariser, [document.text], lang,
                                                   presets)
                chunks += stats[0].chunks
                other = "en" if lang == "de" else "de"
                for generated, preset in zip(rows[0], presets, strict=True):
                    text = fit(generated, preset, lang).text
                    outputs[f"{name}|{lang}|{preset.name}"] = text
                    translated = naive_translate(self.translators[f"{lang}-{other}"], text, lang)
                    outputs[f"{name}|{other}|{preset.name}"] = translated
                    count_words(translated)  # the engine counts words per summary too
        return {"seconds": time.perf_counter() - started,
                "load_average": [load, os.getloadavg()[0]], "documents": len(paths),
                "chunks": chunks, "outputs": outputs}


def worker_main(path: str, folder: Path, models: dict, lengths, threads) -> int:
    """``--job-worker``: an engine runs the folder once; the naive worker answers one
    request per stdin line (a JSON list of files) until stdin closes."""
    from throughput import peak_rss_kb

    def say(data: dict) -> None:
        print(MARK + json.dumps(data), flush=True)

    if path != "naive":
        result = run_engine_job(path, folder, models, lengths, threads)
        say({**result, "peak_rss_mb": round(peak_rss_kb() / 1024, 1)})
        return 0
    naive = NaiveJob(models, lengths, threads)
    say({"ready": True, "load_s": naive.load_s})
    for line in sys.stdin:
        say(naive.run(json.loads(line)))
    say({"peak_rss_mb": round(peak_rss_kb() / 1024, 1)})
    return 0


# ---------------------------------------------------------------- the parent

class Worker:
    def __init__(self, path: str, folder: Path, args):
        command = [sys.executable, str(Path(__file__).with_name("throughput.py")),
                   "--job-worker", path, "--job-folder", str(folder),
                   "--models-dir", str(args.models_dir)]
        for length in args.length:
            command += ["--length", length]
        if args.threads:
            command += ["--threads", str(args.threads)]
        self.path = path
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)

    def ask(self, request=None) -> dict:
        if request is not None:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        for line in self.process.stdout:
            if line.startswith(MARK):
                return json.loads(line[len(MARK):])
        code = self.process.wait()
        raise SystemExit(f"the {self.path} worker stopped (exit {code}) without an answer; "
                         "see its messages above")

    def finish(self) -> dict:
        if self.process.stdin and not self.process.stdin.closed:
            self.process.stdin.close()
        answer = self.ask()
        self.process.wait()
        return answer


def compare(reference: dict, other: dict) -> dict:
    same = sum(other.get(key) == text for key, text in reference.items())
    return {"outputs": len(reference), "identical": same}


def run_job(args) -> dict:
    """Parent side: write the folder, run the paths side by side, gather the figures."""
    from summarise.engine import even_split

    mix = QUICK_MIX if args.quick else FULL_MIX
    with tempfile.TemporaryDirectory(prefix="summarise-job-") as tmp:
        folder = Path(tmp) / "folder"
        kinds = write_folder(folder, mix)
        files = sorted(str(p) for p in folder.rglob("*.txt"))
        words = sum(sum(v) for v in kinds.values())
        log(f"the folder: {len(files)} files, {words} words: " + ", ".join(
            f"{len(v)} {k} (median {sorted(v)[len(v) // 2]} words)" for k, v in kinds.items()))
        log("naive worker: loading (fp32)")
        naive = Worker("naive", folder, args)
        naive_ready = naive.ask()
        # Interleave: the files, shuffled the same way every time, in parts between engines
        # (shuffled so that no part is all long articles).
        order = sorted(files, key=lambda f: hash_of(f))
        parts = even_split(order, len(args.engine) + 1)
        runs, sequence = {"naive": []}, []
        for index, part in enumerate(parts):
            if part:
                log(f"naive[{index + 1}]: {len(part)} files")
                runs["naive"].append(naive.ask(part))
                sequence.append(f"naive[{index + 1}]")
            if index < len(args.engine):
                engine = args.engine[index]
                log(f"{engine}: all {len(files)} files (own process)")
                runs[engine] = Worker(engine, folder, args).ask()
                sequence.append(engine)
        naive_peak = naive.finish()["peak_rss_mb"]
    naive_outputs = {k: v for part in runs["naive"] for k, v in part["outputs"].items()}
    naive_seconds = sum(part["seconds"] for part in runs["naive"])
    loads = [x for part in runs["naive"] for x in part["load_average"]]
    paths = {"naive": {"seconds": naive_seconds, "load_s": naive_ready["load_s"],
                       "peak_rss_mb": naive_peak, "documents": len(files),
                       "chunks": sum(p["chunks"] for p in runs["naive"]),
                       "load_average": round(sum(loads) / len(loads), 2)}}
    for engine in args.engine:
        run = runs[engine]
        if run["failures"] or run["documents"] != len(files):
            log(f"warning: {engine} summarised {run['documents']} of {len(files)} files: "
                f"{run['failures'][:3]}")
        paths[engine] = {"seconds": run["seconds"], "load_s": run["load_s"],
                         "peak_rss_mb": run["peak_rss_mb"], "documents": run["documents"],
                         "chunks": run["chunks"],
                         "load_average": round(sum(run["load_average"]) / 2, 2),
                         "vs_naive": compare(naive_outputs, run["outputs"])}
    for entry in paths.values():
        entry["docs_per_s"] = round(len(files) / entry["seconds"], 4)
        entry["words_per_s"] = round(words / entry["seconds"], 1)
        entry["speedup"] = round(naive_seconds / entry["seconds"], 3)
        entry["rss_ratio"] = round(entry["peak_rss_mb"] / naive_peak, 3)
        entry["seconds"] = round(entry["seconds"], 2)
        entry["load_s"] = round(entry["load_s"], 1)
    return {"mode": "job", "files": len(files), "words": words,
            "kinds": {k: {"files": len(v), "words": sum(v)} for k, v in kinds.items()},
            "lengths": list(args.length), "langs": ["de", "en"], "order": sequence,
            "paths": paths}


def hash_of(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.rsplit("/", 1)[-1].encode()).hexdigest()


def print_job(report: dict, threads: int) -> None:
    kinds = ", ".join(f"{v['files']} {k} ({v['words']} words)" for k, v in report["kinds"].items())
    print(f"the whole job: {report['files']} files on disk, {report['words']} words ({kinds}); "
          f"lengths {', '.join(report['lengths'])} x languages de, en; greedy, forced lengths; "
          f"{threads} threads; each path in its own process")
    print(f"order of the runs: {' '.join(report['order'])}")
    print(f"{'path':<12} {'docs/s':>7} {'words/s':>8} {'seconds':>8} {'speedup':>8} "
          f"{'peak RSS MB':>11} {'RSS ratio':>9} {'load avg':>8}  outputs vs naive (fp32) | "
          "fidelity vs torch fp32 on the trained fixtures: token agreement, exact outputs")
    fidelity = report.get("fidelity", {})
    for path, e in report["paths"].items():
        same = e.get("vs_naive")
        same_text = f"{same['identical']}/{same['outputs']} identical" if same else "-"
        fid = fidelity.get(path)
        fid_text = "-"
        if fid:
            total = sum(v["outputs"] for v in fid["parts"].values())
            exact = sum(v["identical"] for v in fid["parts"].values())
            fid_text = f"{fid['agreement']:.1%} (weakest model), {exact}/{total} exact"
        print(f"{path:<12} {e['docs_per_s']:>7.3f} {e['words_per_s']:>8.1f} {e['seconds']:>8.1f} "
              f"{e['speedup']:>7.2f}x {e['peak_rss_mb']:>11.0f} {e['rss_ratio']:>9.2f} "
              f"{e['load_average']:>8.2f}  {same_text:<16} | {fid_text}")
