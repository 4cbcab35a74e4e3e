#!/usr/bin/env python
"""Throughput of the summarise engine against the naive path, on full-size random models.

The naive path is what a user writes without our engine: for each document, for each
length, one ``model.generate()`` on that document alone (fp32, batch size 1), then one
translator ``generate()`` per summary.  The engine is the library itself
(``Pipeline.run`` with the model classes of ``summarise.models``).  Both run in this
one process, alternating (naive part 1, engine 1, naive part 2, engine 2, ...), on the
same documents and settings: all three lengths, German and English output, greedy,
with every output forced to a fixed number of tokens so that both paths do the same
work; with the same dtype their token ids must be identical.  Peak memory is measured
for each path in a subprocess of its own.

    python bench/throughput.py --quick          # smoke run, a few minutes at most
    python bench/throughput.py --docs 16        # the documented figures
    python bench/throughput.py --docs 16 --engine ctranslate2 --engine torch-bf16

Fidelity is measured apart from speed, on the trained tiny fixtures (``python -m
summarise.devmodels trained``; trained once into the user cache): on random weights
every engine disagrees with fp32, so the speed runs' agreement says nothing. The final
line names the fastest engine whose token agreement with torch fp32 on the fixtures is
at least 95 % (fp32 engines: identical outputs).

Models are random-weight models of the real architectures (google/mt5-small as
summariser, Helsinki-NLP/opus-mt-de-en / -en-de as translators), built offline once
into a cache folder; their output is gibberish, their cost is the real one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus_de_en.txt"
KLEXIKON = ROOT.parent / "shared" / "eval-data" / "de-klexikon.dev.jsonl"
ENGINES = {  # name -> Generation fields
    "torch-fp32": {"backend": "torch", "dtype": "fp32"},
    "torch-bf16": {"backend": "torch", "dtype": "bf16"},
    "torch-int8": {"backend": "torch", "quantize": "int8"},
    "ctranslate2": {"backend": "ctranslate2", "dtype": "auto"},  # int8 on CPU
    "ct2-int8": {"backend": "ctranslate2", "quantize": "int8"},
    "ct2-fp32": {"backend": "ctranslate2", "dtype": "fp32"},
}
JOB_ENGINES = ("torch-fp32", "torch-bf16", "torch-int8", "ct2-fp32", "ct2-int8")
QUICK_JOB_ENGINES = ("torch-fp32", "torch-bf16", "ct2-int8")  # the fp32 one and the fastest
DEFAULT_ENGINES = ("torch-fp32", "ctranslate2")
SAME_DTYPE = "torch-fp32"  # the engine whose ids must equal the naive path's
FIDELITY_ENGINE = {"torch-fp32": "torch-fp32", "torch-bf16": "torch-bf16",
                   "torch-int8": "torch-int8", "ctranslate2": "ct2-int8",
                   "ct2-int8": "ct2-int8", "ct2-fp32": "ct2-fp32"}
FIDELITY_THRESHOLD = 0.95  # token agreement with torch fp32 on the trained fixtures
FIDELITY_DOCS, FIDELITY_PAIRS = 8, 30
MODELS_VERSION = "2"  # bump when devmodels' full-size builds change


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- models and documents

def build_models(cache: Path) -> dict[str, Path]:
    """Full-size random models (built once, then reused from ``cache``)."""
    from summarise import devmodels as dm

    key = hashlib.sha256(repr((MODELS_VERSION, dm.MT5_SMALL_FULL, dm.OPUS_MT_FULL,
                               CORPUS.stat().st_size)).encode()).hexdigest()[:10]
    plan = {"summariser": (dm.build_mt5, dm.MT5_SMALL_FULL, 0),
            "de-en": (dm.build_marian, dm.OPUS_MT_FULL, 1),
            "en-de": (dm.build_marian, dm.OPUS_MT_FULL, 2)}
    return dm.build_once(cache / f"full-{key}", plan, CORPUS, log)


def source_texts() -> tuple[list[str], str]:
    """Long German texts: Klexikon articles where ../shared has them, else the test corpus."""
    if KLEXIKON.is_file():
        texts = []
        with KLEXIKON.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                if record.get("lang") == "de" and len(record.get("text", "").split()) > 300:
                    texts.append(record["text"])
        if texts:
            return texts, f"German Klexikon articles ({KLEXIKON.name})"
    lines = [line.strip() for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    german = [line for line in lines if line and _looks_german(line)]
    chunks = [" ".join(german[i:i + 40]) for i in range(0, len(german), 40)]
    return chunks, f"German lines of {CORPUS.relative_to(ROOT)}"


def _looks_german(line: str) -> bool:
    words = set(line.lower().split())
    return len(words & {"der", "die", "das", "und", "ist", "nicht", "ein", "eine"}) >= 2


def make_documents(count: int, words: int, tokenizer, window: int, prefix: str):
    """``count`` documents of about ``words`` words, cut at a sentence boundary so that
    each fits the summariser's window (a longer one would take the map-reduce path,
    which the naive one-call path cannot be compared with)."""
    from summarise import Document
    from summarise.segment import count_words, split_sentences

    texts, origin = source_texts()
    docs = []
    for index in range(count):
        sentences = split_sentences(texts[index % len(texts)], "de")
        if index >= len(texts):  # reuse texts from another starting sentence
            sentences = sentences[(index // len(texts)) * 3:]
        kept: list[str] = []
        for sentence in sentences:
            candidate = " ".join([*kept, sentence])
            if count_words(candidate) > words or \
                    len(tokenizer(prefix + candidate)["input_ids"]) > window:
                break
            kept.append(sentence)
        docs.append(Document(id=f"doc{index:02d}", source=f"bench:{index}", text=" ".join(kept)))
    return docs, origin


# ---------------------------------------------------------------- the two paths

def settings_for(engine: str, models: dict[str, Path], lengths, threads):
    """The bench's settings for ``engine``: both translators, de + en. The forced
    lengths are no setting: ``forced_registry`` passes them to the models."""
    from summarise import Settings
    from summarise.config import Generation

    generation = Generation(threads=threads, **ENGINES[engine])
    return Settings(summariser=str(models["summariser"]),
                    translators={"de-en": str(models["de-en"]), "en-de": str(models["en-de"])},
                    langs=("de", "en"), lengths=tuple(lengths), generation=generation)


class Recorder:
    """Summaries as the engine's summariser returned them (before any cutting), by text."""

    def __init__(self, inner, store: dict):
        self._inner, self._store = inner, store

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def summarise(self, texts, lang, presets, *args, **kwargs):
        rows = self._inner.summarise(texts, lang, presets, *args, **kwargs)
        for text, row in zip(texts, rows, strict=True):
            for preset, generated in zip(presets, row, strict=True):
                self._store[(text, preset.name)] = generated
        return rows


def forced_registry(settings, registry_class=None):
    """The library's ``ModelRegistry`` for ``settings`` with the benchmark's length
    policy: every model call writes its whole token budget (``lengths.ForcedLengths``),
    so that every path does the same work however the random models behave."""
    from summarise.lengths import ForcedLengths
    from summarise.models import ModelRegistry

    return (registry_class or ModelRegistry)(settings, notify=log, lengths=ForcedLengths())


def recording_registry(settings):
    from summarise.models import ModelRegistry

    class RecordingRegistry(ModelRegistry):
        """The library's registry; it only notes the token ids its models wrote."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.recorded: dict = {}  # (document text, length) -> Generated
            self.segments: dict = {}  # translated segment -> token ids

        def summariser(self):
            return Recorder(self.model_summariser(), self.recorded)

        def model_summariser(self):
            return super().summariser()

        def translator(self, src, tgt):
            translator = super().translator(src, tgt)
            if "generate" not in vars(translator):  # note each segment's ids, once per model
                def generate(segments, *args, _inner=translator.generate, **kwargs):
                    done = _inner(segments, *args, **kwargs)
                    self.segments.update(zip(segments, (g.ids for g in done), strict=True))
                    return done

                translator.generate = generate
            return translator

    return forced_registry(settings, RecordingRegistry)


def run_engine(pipeline, documents) -> dict:
    """The engine: ``Pipeline.run`` in batches of 16 documents, as the CLI calls it."""
    registry = pipeline.models
    registry.recorded.clear()
    registry.segments.clear()
    results = []
    for start in range(0, len(documents), 16):
        results += pipeline.run(documents[start:start + 16])
    out = {}
    translator = registry.translator("de", "en")
    for document, result in zip(documents, results, strict=True):
        for summary in result.summaries:
            if summary.lang != "de":
                continue
            out[(document.id, summary.length, "de")] = \
                registry.recorded[(document.text, summary.length)].ids
            pieces = translator.segments(summary.text, "de")  # what was sent to translation
            out[(document.id, summary.length, "en")] = tuple(
                token for piece in pieces for token in registry.segments[piece])
    return out


def run_naive(summariser, translator, documents, settings) -> dict:
    """What a user writes without the engine: one document, one length, one call at a time,
    then one translator call per summary (per sentence group of it, so that both paths
    translate the same units: Marian's window is split the same way on both).

    Only the models' own objects are used (``model.generate``, the tokenizers); settings
    such as the token budgets, the cut of over-long summaries and the forced lengths come
    from the library so that the work is the same as the engine's.
    """
    import torch
    from summarise.lengths import budget, tokens_per_word
    from summarise.models.seq2seq import decode
    from summarise.models.translator import forced_length_kwargs
    from summarise.pipeline import fit

    tokenizer, model = summariser.loaded.tokenizer, summariser.loaded.model
    mt_tokenizer, mt_model = translator.loaded.tokenizer, translator.loaded.model
    presets = [settings.presets[name] for name in settings.lengths]
    spends = [budget(p, tokens_per_word(tokenizer, "de")) for p in presets]
    # Each model's own decoding as the engine resolves it (its profile: no n-gram ban
    # for the translator).
    common = {"num_beams": 1, "do_sample": False,
              "no_repeat_ngram_size": summariser.generation.no_repeat_ngram_size}
    mt_common = {**common, "no_repeat_ngram_size": translator.generation.no_repeat_ngram_size}
    out = {}
    with torch.inference_mode():
        for document in documents:
            enc = tokenizer(summariser.prefix + document.text, return_tensors="pt",
                            truncation=True, max_length=summariser.max_input_tokens)
            for preset, spend in zip(presets, spends, strict=True):
                n = spend.max_new_tokens
                ids = model.generate(**enc, max_new_tokens=n, min_new_tokens=n, **common)
                generated = decode(tokenizer, ids[0], n)
                out[(document.id, preset.name, "de")] = generated.ids
                if "en" not in settings.langs:
                    continue
                translated: list[int] = []
                for segment in translator.segments(fit(generated, preset, "de").text, "de"):
                    mt_enc = mt_tokenizer(segment, return_tensors="pt")
                    size = translator.budget(mt_enc["input_ids"].shape[1]).max_new_tokens
                    mt_ids = mt_model.generate(**mt_enc, **mt_common,
                                               **forced_length_kwargs(size))
                    translated += decode(mt_tokenizer, mt_ids[0], size).ids
                out[(document.id, preset.name, "en")] = tuple(translated)
    return out


def warm_up(registry, documents, naive: bool = False) -> float:
    """Load the models and run the path once on one sentence with a two-word length, so
    that one-off costs stay out of the timed runs; returns the seconds it took."""
    from summarise.lengths import LengthPreset
    from summarise.pipeline import Pipeline

    started = time.perf_counter()
    first = documents[0].text.split(". ")[0] + "."
    sentence = [replace(documents[0], id="warmup", text=first)]
    tiny = replace(registry.settings, presets={"tiny": LengthPreset("tiny", 2, 1)},
                   lengths=("tiny",))
    if naive:
        run_naive(registry.model_summariser(), registry.translator("de", "en"), sentence, tiny)
    else:
        Pipeline(tiny, registry).run(sentence)
    return time.perf_counter() - started


# ---------------------------------------------------------------- comparing outputs

def agreement(reference: dict, other: dict) -> dict:
    """Identical token ids, and token agreement: the share of positions holding the same
    token (greedy decoding follows its own earlier tokens, so one change early on tends to
    change the rest)."""
    stats = {"summaries": 0, "summaries_identical": 0, "translations": 0,
             "translations_identical": 0}
    shares = {"de": [], "en": []}
    for key, ref in reference.items():
        got = other.get(key, ())
        kind = "summaries" if key[2] == "de" else "translations"
        stats[kind] += 1
        if got == ref:
            stats[f"{kind}_identical"] += 1
        longest = max(len(ref), len(got), 1)
        shares[key[2]].append(sum(x == y for x, y in zip(ref, got, strict=False)) / longest)
    for lang, values in shares.items():
        kind = "summaries" if lang == "de" else "translations"
        stats[f"{kind}_token_agreement"] = round(sum(values) / max(1, len(values)), 4)
    return stats


# ---------------------------------------------------------------- memory (subprocess)

def measure_memory(path: str, args) -> dict:
    """Child side: load what ``path`` needs, run it, report this process's peak RSS."""
    from summarise.pipeline import Pipeline

    models = build_models(args.models_dir)
    engine = SAME_DTYPE if path == "naive" else path
    registry = recording_registry(settings_for(engine, models, args.length, args.threads))
    summariser = registry.summariser()
    documents, _ = make_documents(args.docs, args.words, summariser.tokenizer,
                                  summariser.max_input_tokens, summariser.prefix)
    if path == "naive":
        translator = registry.translator("de", "en")
        run_naive(registry.model_summariser(), translator, documents, registry.settings)
    else:
        run_engine(Pipeline(registry.settings, registry), documents)
    return {"peak_rss_mb": round(peak_rss_kb() / 1024, 1), "loaded": registry.loaded_names(),
            "docs": len(documents)}


def peak_rss_kb() -> int:
    """This process's peak RSS. ``VmHWM`` starts afresh at exec; ``ru_maxrss`` would carry
    the parent's peak over into the child, since it survives fork and exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource  # not Linux: the best there is

    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage // 1024 if sys.platform == "darwin" else usage


def memory_of(path: str, docs: int, args) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--measure-memory", path,
               "--docs", str(docs), "--words", str(args.words),
               "--models-dir", str(args.models_dir)]
    for length in args.length:
        command += ["--length", length]
    if args.threads:
        command += ["--threads", str(args.threads)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"memory run of {path} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- main

def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=16, help="documents (default 16)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 2 documents, the short length, the fp32 engine only "
                        "(unless --length / --engine say otherwise)")
    parser.add_argument("--engine", action="append", choices=sorted(ENGINES),
                        help="engine(s) to run against the naive path; repeat. The final "
                        "line reports the first. [default: torch-fp32 and ctranslate2]")
    parser.add_argument("--length", action="append", choices=["short", "medium", "long"],
                        help="summary length(s); repeat [default: all three]")
    parser.add_argument("--words", type=int, default=450,
                        help="words per document, at most (default 450; documents are also "
                        "cut to fit the summariser's 512-token window)")
    parser.add_argument("--threads", type=int, default=None,
                        help="CPU threads [default: all cores this process may use]")
    parser.add_argument("--no-memory", action="store_true",
                        help="skip the peak-RSS subprocesses")
    parser.add_argument("--no-fidelity", action="store_true",
                        help="skip the fidelity runs on the trained fixtures")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    parser.add_argument("--models-dir", type=Path, default=cache / "summarise" / "bench-models",
                        help="where the random models are built once (default: %(default)s)")
    parser.add_argument("--job", action="store_true",
                        help="the whole job: a folder of news and encyclopedia articles on "
                        "disk through the CLI's path, every engine in its own process, "
                        "against the naive path (see bench/job.py)")
    parser.add_argument("--cold-start", action="store_true",
                        help="time from `summarise` start to the first summary written, "
                        "fp32, full-size models on disk (see bench/coldstart.py)")
    parser.add_argument("--fidelity-only", action="store_true",
                        help="only the fidelity table: every engine against torch fp32 on "
                        "the trained fixtures (a minute or two)")
    parser.add_argument("--measure-memory", help=argparse.SUPPRESS)
    parser.add_argument("--job-worker", help=argparse.SUPPRESS)
    parser.add_argument("--job-folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.job or args.job_worker:
        args.length = list(dict.fromkeys(args.length or (
            ["short"] if args.quick else ["short", "medium", "long"])))
        default = QUICK_JOB_ENGINES if args.quick else JOB_ENGINES
        args.engine = [e for e in dict.fromkeys(args.engine or default)
                       if not ENGINES[e]["backend"] == "ctranslate2" or _has_ctranslate2()]
        if not args.engine:
            parser.error("no engine left to run")
        return args
    if args.quick:
        args.docs = min(args.docs, 2)
        args.engine = args.engine or ["torch-fp32"]
        args.length = args.length or ["short"]
    args.length = list(dict.fromkeys(args.length or ["short", "medium", "long"]))
    args.engine = list(dict.fromkeys(args.engine or DEFAULT_ENGINES))
    if "ctranslate2" in args.engine and not _has_ctranslate2():
        log("ctranslate2 is not installed (pip install 'summarise[ctranslate2]'): skipped")
        args.engine.remove("ctranslate2")
        if not args.engine:
            parser.error("no engine left to run")
    return args


def _has_ctranslate2() -> bool:
    import importlib.util

    return importlib.util.find_spec("ctranslate2") is not None


def main(argv=None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = parse_args(argv)
    if args.measure_memory:
        print(json.dumps(measure_memory(args.measure_memory, args)))
        return 0
    if args.job_worker or args.job:
        return job_main(args)
    if args.fidelity_only:
        engines = [e for e in JOB_ENGINES
                   if ENGINES[e]["backend"] != "ctranslate2" or _has_ctranslate2()]
        report = {"fidelity": fidelity_report(engines, args.threads)}
        if args.json:
            print(json.dumps(report, indent=2))
        else:
            print_fidelity(report)
        return 0
    if args.cold_start:
        import coldstart

        report = coldstart.cold_start(build_models(args.models_dir), runs=2 if args.quick else 3)
        if args.json:
            print(json.dumps(report, indent=2))
        else:
            coldstart.print_cold_start(report)
        return 0
    from summarise.engine import even_split
    from summarise.models.runtime import default_threads
    from summarise.pipeline import Pipeline

    models = build_models(args.models_dir)
    registries = {e: recording_registry(settings_for(e, models, args.length, args.threads))
                  for e in args.engine}
    naive_registry = registries.get(SAME_DTYPE) or recording_registry(
        settings_for(SAME_DTYPE, models, args.length, args.threads))
    naive_summariser = naive_registry.model_summariser()
    naive_translator = naive_registry.translator("de", "en")
    documents, origin = make_documents(args.docs, args.words, naive_summariser.tokenizer,
                                       naive_summariser.max_input_tokens,
                                       naive_summariser.prefix)
    words = [len(d.text.split()) for d in documents]
    tokens = naive_summariser.count_tokens([d.text for d in documents])
    log(f"{len(documents)} documents from {origin}: {sum(words) / len(words):.0f} words, "
        f"{sum(tokens) / len(tokens):.0f} tokens on average")
    pipelines = {e: Pipeline(r.settings, r) for e, r in registries.items()}
    load = {"naive": warm_up(naive_registry, documents, naive=True)}
    for engine, registry in registries.items():
        log(f"loading and warming up {engine}")
        load[engine] = warm_up(registry, documents)

    load_before = os.getloadavg()[0]
    seconds = dict.fromkeys(["naive", *pipelines], 0.0)
    outputs: dict[str, dict] = {"naive": {}}
    parts = even_split(documents, len(pipelines) + 1)
    order = []
    for index, part in enumerate(parts):
        if part:
            log(f"naive path: documents {part[0].id}..{part[-1].id}")
            started = time.perf_counter()
            outputs["naive"].update(run_naive(naive_summariser, naive_translator, part,
                                              naive_registry.settings))
            seconds["naive"] += time.perf_counter() - started
            order.append(f"naive[{index + 1}]")
        if index < len(pipelines):
            engine = list(pipelines)[index]
            log(f"engine {engine}: all {len(documents)} documents")
            started = time.perf_counter()
            outputs[engine] = run_engine(pipelines[engine], documents)
            seconds[engine] = time.perf_counter() - started
            order.append(engine)

    memory = {}
    if not args.no_memory:
        for path in ["naive", *pipelines]:
            count = min(len(documents), 2) if path == "naive" else len(documents)
            log(f"peak memory of {path} in a subprocess ({count} documents)")
            memory[path] = memory_of(path, count, args)

    report = {"documents": len(documents), "source": origin,
              "words_mean": round(sum(words) / len(words), 1),
              "tokens_mean": round(sum(tokens) / len(tokens), 1),
              "lengths": list(naive_registry.settings.lengths), "langs": ["de", "en"],
              "threads": args.threads or default_threads(), "order": order,
              "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
              "paths": {}}
    for path in ["naive", *pipelines]:
        entry = {"seconds": round(seconds[path], 2),
                 "docs_per_s": round(len(documents) / seconds[path], 4),
                 "load_and_warmup_s": round(load[path], 1)}
        if path != "naive":
            entry["speedup"] = round(seconds["naive"] / seconds[path], 3)
            entry["outputs"] = agreement(outputs["naive"], outputs[path])
        if memory:
            entry["peak_rss_mb"] = memory[path]["peak_rss_mb"]
            entry["rss_ratio"] = round(memory[path]["peak_rss_mb"]
                                       / memory["naive"]["peak_rss_mb"], 3)
            entry["models_loaded"] = len(memory[path]["loaded"])
        report["paths"][path] = entry
    if not args.no_fidelity:
        report["fidelity"] = fidelity_report(args.engine, args.threads)
    best = best_faithful(report, args.engine)
    primary = report["paths"][best]
    report.update(primary=best, speedup=primary["speedup"],
                  rss_ratio=primary.get("rss_ratio"),
                  agreement=report.get("fidelity", {}).get(best, {}).get("agreement"))
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    same = report["paths"].get(SAME_DTYPE, {}).get("outputs")
    if same and (same["summaries_identical"] < same["summaries"]
                 or same["translations_identical"] < same["translations"]):
        log("warning: the fp32 engine's outputs differ from the naive path's (see above)")
    return 0


def job_main(args) -> int:
    """``--job``: the whole job through the CLI's path (``bench/job.py``)."""
    import job
    from summarise.models.runtime import default_threads

    models = build_models(args.models_dir)
    if args.job_worker:
        return job.worker_main(args.job_worker, args.job_folder, models, args.length,
                               args.threads)
    report = job.run_job(args)
    if not args.no_fidelity:
        report["fidelity"] = fidelity_report(args.engine, args.threads)
    best = best_faithful(report, args.engine)
    primary = report["paths"][best]
    report.update(primary=best, speedup=primary["speedup"], rss_ratio=primary["rss_ratio"],
                  agreement=report.get("fidelity", {}).get(best, {}).get("agreement"))
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    job.print_job(report, args.threads or default_threads())
    fp32 = report["paths"].get(SAME_DTYPE)
    if fp32:
        same = fp32["vs_naive"]
        print(f"fp32 engine: {fp32['speedup']:.2f}x the naive path, {same['identical']}/"
              f"{same['outputs']} outputs identical (target: >= 4x, all identical)")
    print(f"best engine that passes the fidelity threshold ({FIDELITY_THRESHOLD:.0%} token "
          f"agreement; fp32 engines: every output identical): {best} (target: >= 15x, "
          "RSS ratio <= 1.2)")
    agreement = report.get("agreement")
    print(f"speedup: {report['speedup']:.2f}x  rss_ratio: {report['rss_ratio']:.2f}"
          + (f"  agreement: {agreement:.1%}" if agreement is not None else ""))
    return 0


def fidelity_report(engines: list[str], threads: int | None) -> dict:
    """Token agreement and identical outputs of each engine against torch fp32 on the
    trained fixtures (summaries at every length, both translation directions)."""
    from summarise.fixtures.cache import trained_fixtures
    from summarise.fixtures.fidelity import (
        REFERENCE,
        compare,
        engine_outputs,
        held_out_documents,
        held_out_pairs,
    )
    from summarise.fixtures.leads import sentences_of

    models = trained_fixtures(CORPUS, log)
    docs = held_out_documents(sentences_of(CORPUS), FIDELITY_DOCS)
    pairs = held_out_pairs(FIDELITY_PAIRS)
    log("fidelity: torch fp32 on the trained fixtures")
    reference = engine_outputs(REFERENCE, models, docs, pairs, threads=threads)
    out = {}
    for engine in engines:
        name = FIDELITY_ENGINE[engine]
        log(f"fidelity: {name} on the trained fixtures")
        parts = compare(reference, engine_outputs(name, models, docs, pairs, threads=threads))
        out[engine] = {
            "engine": name,
            "parts": {part: {"token_agreement": round(a.token_agreement, 4),
                             "identical": a.identical, "outputs": a.outputs}
                      for part, a in parts.items()},
            # The weakest part decides: an engine is as faithful as its worst model.
            "agreement": round(min(a.token_agreement for a in parts.values()), 4),
            "all_identical": all(a.identical == a.outputs for a in parts.values()),
        }
    return out


def best_faithful(report: dict, engines: list[str]) -> str:
    """The fastest engine that passes the fidelity threshold (the first engine when
    fidelity was not measured or none passes)."""
    fidelity = report.get("fidelity")
    if not fidelity:
        return engines[0]

    def passes(engine: str) -> bool:
        entry = fidelity[engine]
        if engine == SAME_DTYPE:
            return entry["all_identical"]
        return entry["agreement"] >= FIDELITY_THRESHOLD

    faithful = [e for e in engines if passes(e)] or [engines[0]]
    return max(faithful, key=lambda e: report["paths"][e]["speedup"])


def print_report(report: dict) -> None:
    print(f"{report['documents']} German documents ({report['source']}), "
          f"{report['words_mean']:.0f} words / {report['tokens_mean']:.0f} tokens on average; "
          f"lengths {', '.join(report['lengths'])} x languages de, en; greedy, forced lengths; "
          f"{report['threads']} threads")
    print(f"order of the runs in this process: {' '.join(report['order'])}; machine load "
          f"average {report['load_average'][0]:.1f} before, {report['load_average'][1]:.1f} after")
    print(f"{'path':<12} {'docs/s':>8} {'seconds':>9} {'speedup':>8} {'peak RSS MB':>12} "
          f"{'RSS ratio':>9}  outputs vs the naive path (fp32)")
    for path, entry in report["paths"].items():
        rss = entry.get("peak_rss_mb")
        ratio = entry.get("rss_ratio")
        print(f"{path:<12} {entry['docs_per_s']:>8.3f} {entry['seconds']:>9.1f} "
              f"{entry.get('speedup', 1.0):>7.2f}x {rss if rss else '-':>12} "
              f"{f'{ratio:.2f}' if ratio else '-':>9}  {describe(entry.get('outputs'))}")
    print_fidelity(report)
    agreement = report.get("agreement")
    print(f"best engine that passes the fidelity threshold: {report['primary']}")
    print(f"speedup: {report['speedup']:.2f}x  rss_ratio: "
          + (f"{report['rss_ratio']:.2f}" if report["rss_ratio"] else "n/a")
          + (f"  agreement: {agreement:.1%}" if agreement is not None else ""))


def print_fidelity(report: dict) -> None:
    if not report.get("fidelity"):
        return
    print(f"fidelity on the trained fixtures, against torch fp32 ({FIDELITY_DOCS} held-out "
          f"documents x 3 lengths, {FIDELITY_PAIRS} sentences per direction): token "
          "agreement / identical outputs")
    for engine, entry in report["fidelity"].items():
        cells = "  ".join(f"{part} {v['token_agreement']:.1%} {v['identical']}/{v['outputs']}"
                          for part, v in entry["parts"].items())
        print(f"{engine:<12} ({entry['engine']})  {cells}")


def describe(stats: dict | None) -> str:
    if not stats:
        return "-"
    return (f"identical {stats['summaries_identical']}/{stats['summaries']} summaries, "
            f"{stats['translations_identical']}/{stats['translations']} translations; "
            f"token agreement {stats['summaries_token_agreement']:.1%} / "
            f"{stats['translations_token_agreement']:.1%}")


if __name__ == "__main__":
    sys.exit(main())
