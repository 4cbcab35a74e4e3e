"""``summarise [run] PATH...``: summaries of files and folders."""

from __future__ import annotations

import signal
import sys
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from .. import options as opt
from ..config import LANGS, load_settings, parse_translator_options
from ..console import NORMAL, QUIET, VERBOSE, Reporter
from ..documents import DEFAULT_GLOBS, Failure, discover
from ..errors import SummariseError, UsageError
from ..output import FORMATS, RunDirectory, print_result

HELP = """\
Summarise files and folders in German and/or English, at several lengths.

PATH is any mix of files and folders; folders are walked recursively for *.txt
and *.md (change with --glob). The source language is detected per document;
each summary is written in its language, then translated to the others.

\b
  summarise seeds/ --lang en
  summarise docs/ --lang en --lang de --length short --out runs/today --format json
  summarise a.txt --summariser ./my-mt5 --translator de-en=./opus-mt-de-en

Without --out, results go to stdout (readable text, or JSON Lines with
--format json); with --out DIR, one DIR/<relative path>.json per document
(plus .md with --format markdown) and DIR/run.json, the run manifest.

Models are hub ids or local folders. Defaults: summariser
T-Systems-onsite/mt5-small-sum-de-en-v2 (CC BY-NC-SA 4.0: non-commercial use
only), translators Helsinki-NLP/opus-mt-de-en and opus-mt-en-de (CC BY 4.0).
Offline (HF_HUB_OFFLINE=1) only cached models are used: fetch them first with
`summarise models pull MODEL`.

Exit codes: 0 all documents done, 1 some failed, 2 usage error.
"""


def build_settings(config: Path | None, lang, length, summariser, translator, source_lang,
                   strategy, device, dtype, batch_size, beams, threads, allow_pickle):
    """Config files first, then whatever the flags say."""
    settings = load_settings(config)
    changes: dict = {"source_lang": source_lang, "strategy": strategy,
                     "allow_pickle": allow_pickle or settings.allow_pickle}
    if lang:
        changes["langs"] = tuple(dict.fromkeys(lang))
    if length:
        changes["lengths"] = tuple(dict.fromkeys(length))
    if summariser:
        changes["summariser"] = summariser
    if translator:
        changes["translators"] = {**settings.translators, **parse_translator_options(translator)}
    gen = {"device": device, "dtype": dtype}
    for key, value in (("batch_size", batch_size), ("beams", beams), ("threads", threads)):
        if value is not None:
            gen[key] = value
    changes["generation"] = replace(settings.generation, **gen)
    return replace(settings, **changes).validate()


def needed_directions(settings) -> list[str]:
    """Translator directions this run can need, given the requested output languages."""
    sources = LANGS if settings.source_lang == "auto" else (settings.source_lang,)
    return [f"{s}-{t}" for t in settings.langs for s in sources if s != t]


def run(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders to summarise.",
                                                metavar="PATH", show_default=False)],
    lang: opt.Langs = None,
    length: opt.Lengths = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write results under DIR.",
                                             metavar="DIR", show_default=False)] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, markdown or json.",
                                     metavar="FORMAT")] = "text",
    summariser: opt.SummariserOpt = None,
    translator: opt.TranslatorOpt = None,
    source_lang: opt.SourceLang = "auto",
    strategy: opt.Strategy = "summarise-then-translate",
    device: opt.Device = "auto",
    dtype: opt.Dtype = "auto",
    batch_size: opt.BatchSize = None,
    beams: opt.Beams = None,
    threads: opt.Threads = None,
    glob: Annotated[list[str] | None, typer.Option(
        "--glob", metavar="PATTERN",
        help="File patterns to take from folders; repeat. [default: *.txt, *.md]",
        show_default=False)] = None,
    text_field: Annotated[str, typer.Option(
        "--text-field", metavar="FIELD", help="Field holding the text in JSONL inputs.")] = "text",
    force: Annotated[bool, typer.Option(
        "--force", help="Redo documents whose output in --out is already up to date.")] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Stop at the first document that fails.")] = False,
    config: opt.ConfigFile = None,
    allow_pickle: opt.AllowPickle = False,
    quiet: opt.Quiet = False,
    verbose: opt.Verbose = False,
) -> None:
    reporter = Reporter(QUIET if quiet else VERBOSE if verbose else NORMAL)
    try:
        if fmt not in FORMATS:
            raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
        settings = build_settings(config, lang, length, summariser, translator, source_lang,
                                  strategy, device, dtype, batch_size, beams, threads,
                                  allow_pickle)
        sources = discover(paths, tuple(glob) if glob else DEFAULT_GLOBS)
        if not sources:
            raise UsageError("no input files found under " + ", ".join(map(str, paths))
                             + " (folders are searched for "
                             + ", ".join(glob or DEFAULT_GLOBS) + "; change with --glob)")
        code = summarise_to(reporter, settings, sources, out, fmt, text_field, force, strict,
                            inputs=[str(p) for p in paths])
    except SummariseError as exc:
        reporter.error(str(exc))
        raise typer.Exit(exc.exit_code) from None
    raise typer.Exit(code)


def summarise_to(reporter: Reporter, settings, sources, out: Path | None, fmt: str,
                 text_field: str = "text", force: bool = False, strict: bool = False,
                 inputs: list[str] | None = None) -> int:
    """Run the pipeline over ``sources``, writing each result as soon as it is done.

    Returns the exit code: 0 all done (or skipped as up to date), 1 some failed,
    130 interrupted.
    """
    from ..models import ModelRegistry
    from ..pipeline import Pipeline, Skipped, summarise_sources

    registry = ModelRegistry(settings)
    registry.check(needed_directions(settings))  # fail fast, before torch loads
    pipeline = Pipeline(settings, registry)
    target = RunDirectory(out, fmt, {"settings": settings.manifest(), "inputs": inputs or []},
                          force=force) if out else None
    failures, done, skipped = [], 0, 0
    reporter.info(f"summarising {len(sources)} file(s) into {', '.join(settings.langs)} × "
                  f"{', '.join(settings.lengths)}")
    with interrupt_after_batch() as interrupted, reporter.progress(len(sources)) as advance:
        def stop() -> bool:
            return interrupted() or bool(strict and failures)

        for item in summarise_sources(pipeline, sources, text_field=text_field,
                                      skip=target.is_done if target else None, stop=stop):
            if isinstance(item, Failure):
                failures.append(item)
                reporter.warn(item.reason)
                if target:
                    target.fail(item)
            elif isinstance(item, Skipped):
                skipped += 1
                reporter.debug(f"{item.source}: up to date in {out}, skipped")
                if target:
                    target.skip(item)
            else:
                done += 1
                if target:
                    target.write(item)
                else:
                    print_result(item, fmt)
            if target:
                target.save_manifest(models=registry.manifest())
            advance(1, item.source)
        was_interrupted = interrupted()
    if target:
        target.save_manifest(models=registry.manifest())
    reporter.info(f"done: {done} summarised, {skipped} up to date (skipped), "
                  f"{len(failures)} failed" + (f"; results in {out}" if out else ""))
    for failure in failures:
        reporter.info(f"  failed: {failure.source}: {failure.reason}")
    if was_interrupted:
        reporter.warn("interrupted after the current batch; run the same command again to "
                      "resume (finished documents are skipped)")
        return 130
    return 1 if failures else 0


@contextmanager
def interrupt_after_batch():
    """First Ctrl-C: finish the batch in flight, then stop. Second Ctrl-C: stop now."""
    hit = [False]

    def handler(signum, frame):
        if hit[0]:
            raise KeyboardInterrupt
        hit[0] = True
        print("\nstopping after the current batch (Ctrl-C again to stop now)",
              file=sys.stderr, flush=True)

    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread (e.g. embedded): no handler
        yield lambda: False
        return
    try:
        yield lambda: hit[0]
    finally:
        signal.signal(signal.SIGINT, previous)
