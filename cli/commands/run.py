"""``summarise [run] PATH...``: summaries of files and folders."""

from __future__ import annotations

import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from .. import options as opt
from ..console import Reporter, current_reporter
from ..documents import Failure
from ..errors import UsageError
from ..executor import executor_from_params
from ..output import FORMATS, RunDirectory, print_result
from ..reading import find_sources
from ..runchecks import parse_fail_on, refusal

HELP = """\
Summarise files and folders in German and/or English, at several lengths.

PATH is any mix of files and folders; folders are walked recursively for every
format read (txt, md, html/htm, pdf, docx; JSON Lines only when named or given
with --glob '*.jsonl'); --glob narrows it. An output's name depends only on its
input's path (docs/outputs.md). The source language is detected per document;
each summary is written in its language, then translated to the others.

\b
  summarise seeds/ --lang en
  summarise docs/ --lang en --lang de --length short --out runs/today --format json
  summarise a.txt --summariser ./my-mt5 --translator de-en=./opus-mt-de-en

Without --out, results go to stdout (plain text, Markdown with --format
markdown, or JSON Lines with --format json); with --out DIR, one
DIR/<relative path>.json per document (plus .md with --format markdown) and
DIR/run.json, the run manifest.

Chat and instruction models (Qwen2.5-Instruct, Llama, flan-t5, mt0) are
asked with a prompt template (`summarise prompts list`, --prompt, --prompt-file);
with --strategy direct they write every language from the source themselves,
no translator needed. --dry-run prints the prompts and exits, loading no model.

\b
  summarise docs/ --preset llm --lang de --lang en     Qwen2.5-1.5B-Instruct, direct
  summarise docs/ --preset llm --dry-run --length short

Models are hub ids or local folders. Defaults: summariser
T-Systems-onsite/mt5-small-sum-de-en-v2 (CC BY-NC-SA 4.0: non-commercial use
only), translators Helsinki-NLP/opus-mt-de-en and opus-mt-en-de (CC BY 4.0).
Offline (HF_HUB_OFFLINE=1) only cached models are used: fetch them first with
`summarise models pull MODEL`.

Models, --out and the config are checked before any model loads; each problem is
one line naming the flag to fix (exit code 2). --quiet (-q), --verbose (-v) and
--debug work anywhere on the command line.

Past one machine: --executor ray runs the same pipeline on Ray Data actors (a
local Ray, or a cluster with --ray-address auto); outputs and resume are the same.

\b
  summarise corpus/ --out runs/big --executor ray --workers 2 --worker-cpus 4

Exit codes: 0 all documents done (or up to date), 1 some failed, 2 usage error,
130 interrupted (Ctrl-C), 143 stopped by SIGTERM (only when documents were left
to do); rerun the same command to resume.
"""


@opt.shared_flags(opt.MODEL_FLAGS, opt.EXECUTOR_FLAGS)
def run(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files and folders to summarise.",
                                                metavar="PATH", show_default=False)],
    lang: opt.Langs = None,
    length: opt.Lengths = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write results under DIR.",
                                             metavar="DIR", show_default=False)] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, markdown or json.",
                                     metavar="FORMAT")] = "text",
    source_lang: opt.SourceLang = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Print the prompts each document, language and length would get, "
        "then exit without loading any model.")] = False,
    glob: opt.Globs = None,
    text_field: opt.TextField = "text",
    force: Annotated[bool, typer.Option(
        "--force", help="Redo documents whose output in --out is already up to date.")] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Stop at the first document that fails.")] = False,
    doc_timeout: Annotated[float | None, typer.Option(
        "--doc-timeout", min=0.1, metavar="SECONDS", show_default=False,
        help="A document that needs more than SECONDS of model time fails alone: in a "
        "batch, each decoding step's time is shared among the documents in it, and a "
        "document past its SECONDS is cut out at the next step while the rest of the "
        "batch goes on.")] = None,
    fail_on: Annotated[list[str] | None, typer.Option(
        "--fail-on", metavar="CHECK,...", show_default=False,
        help="Make a document whose summary fails one of these checks a failure (exit "
        "code 1) instead of writing it: language, numbers, names, support (alias "
        "unsupported), repetition, truncated, entailment (with a checker). Without it "
        "the checks only annotate "
        "(docs/outputs.md).")] = None,
) -> None:
    from ..layers import ModelOptions, settings_from_options

    reporter = current_reporter()
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    refuse = parse_fail_on(fail_on)
    runner = executor_from_params(ctx.params)
    settings = settings_from_options(ModelOptions.from_params(ctx.params))
    sources = without_outputs(find_sources(paths, tuple(glob or ())), out)
    if not sources:
        raise UsageError(f"every file found is inside --out {out}; give other inputs")
    if dry_run:
        from .prompts import print_dry_run

        raise typer.Exit(print_dry_run(reporter, settings, sources, text_field))
    registry = checked_registry(reporter, settings, sources, out, text_field)
    raise typer.Exit(summarise_to(reporter, settings, sources, out, fmt, text_field, force,
                                  strict, inputs=[str(p) for p in paths],
                                  doc_timeout=doc_timeout, executor=runner, registry=registry,
                                  fail_on=refuse))


def checked_registry(reporter: Reporter, settings, sources, out: Path | None,
                     text_field: str):
    """The models of the run, every one it can need resolved and --out checked (a second
    or two), before any model loads."""
    from ..models import ModelRegistry
    from ..plan import possible_plans
    from ..preflight import input_languages, preflight

    registry = ModelRegistry(settings, notify=reporter.info)
    preflight(settings, registry, possible_plans(settings), out, narrow=lambda: possible_plans(
        settings, input_languages(settings, sources, text_field)))
    return registry


def without_outputs(sources: list, out: Path | None) -> list:
    """Leave out files under --out: a rerun must not read its own results as inputs."""
    if out is None:
        return sources
    root = out.absolute()
    return [s for s in sources
            if str(s.path) == "-" or not s.path.absolute().is_relative_to(root)]


def summarise_to(reporter: Reporter, settings, sources, out: Path | None, fmt: str,
                 text_field: str = "text", force: bool = False, strict: bool = False,
                 inputs: list[str] | None = None, doc_timeout: float | None = None,
                 executor=None, registry=None, fail_on: tuple[str, ...] = ()) -> int:
    """Run the pipeline over ``sources`` (here, or on Ray's actors: ``executor``), writing
    each result as soon as it is done, the same way whichever executor made it.
    ``registry``: the models, already checked (``checked_registry``); a Python caller
    may leave it out. ``fail_on``: check names whose failure makes a document a failure
    row (``runchecks.refusal``).

    Returns the exit code by outcome: 0 all done (or skipped as up to date), 1 some
    failed; 130 (Ctrl-C) or 143 (SIGTERM) only when the signal left documents undone.
    """
    from ..executor import LocalExecutor
    from ..models import ModelRegistry
    from ..pipeline import Pipeline, Skipped
    from ..runpage import write_run_page

    if registry is None:  # a Python caller: the same checks as the command, minus --out
        from ..plan import possible_plans
        from ..preflight import preflight

        registry = ModelRegistry(settings, notify=reporter.info)
        preflight(settings, registry, possible_plans(settings))
    pipeline = Pipeline(settings, registry)
    executor = executor or LocalExecutor()
    models = executor.models if executor.name == "ray" else registry.manifest
    target = RunDirectory(out, fmt, {"settings": settings.manifest(), "inputs": inputs or [],
                                     "executor": executor.name}, force=force) if out else None
    written: set[str] = set()  # a batch Ray retried after a crash is written once
    for note in target.notes if target else ():
        reporter.warn(note)
    failures, done, skipped = [], 0, 0
    stopped_by: list[int] = []  # the signal that made the run leave work undone
    signalled = lambda: 0  # noqa: E731 - replaced by the handler's once it is installed
    reporter.info(f"{len(sources)} file(s) to read; summaries in {', '.join(settings.langs)} "
                  f"× {', '.join(settings.lengths)}; progress counts documents")
    if target:  # a run in progress says so, from its first second
        target.save_manifest(models=models(), status="running")
    try:
        with interrupt_after_batch() as signalled, reporter.progress(len(sources)) as advance:
            def stop() -> bool:
                if signalled():
                    stopped_by.append(signalled())
                    return True
                return bool(strict and failures)

            pipeline.on_chunks = lambda *counts: advance.note(long_document_phase(*counts))
            pipeline.on_phase = advance.note
            pipeline.on_slow = advance.alert

            for item in executor.items(pipeline, sources, text_field,
                                       target.is_done if target else None, stop,
                                       lambda count: advance.grow(count - 1), doc_timeout):
                item = refusal(item, fail_on) or item  # --fail-on: a failure row instead
                if isinstance(item, Failure):
                    failures.append(item)
                    reporter.failed(item.reason)
                    if target:
                        target.fail(item)
                elif isinstance(item, Skipped):
                    skipped += 1
                    reporter.debug(f"{item.source}: up to date in {out}, skipped")
                    if target:
                        target.skip(item)
                elif item.id in written:
                    continue
                else:
                    written.add(item.id)
                    done += 1
                    if item.truncated:
                        reporter.warn(truncation_warning(item))
                    if target:
                        target.write(item)
                    else:
                        print_result(item, fmt)
                if target:
                    target.save_manifest(every=2.0, models=models())
                advance(1, item.source, timed=not isinstance(item, Skipped),
                        seconds=getattr(item, "batch_seconds_per_document", None))
    except KeyboardInterrupt:  # the second signal (or a Ctrl-C without our handler): now
        stopped_by.append(signalled() or signal.SIGINT)
    finally:
        registry.stop_prefetching()  # an early end waits only for the load in progress
        if target:  # what finished is on record even when a model fails mid-run
            target.save_manifest(models=models(),
                                 status="interrupted" if stopped_by else "finished")
            write_run_page(target, text_field, reporter.warn)
            target.close()
    reporter.info(f"done: {done} summarised, {skipped} up to date (skipped), "
                  f"{len(failures)} failed" + (f"; results in {out}" if out else ""))
    for failure in failures:
        reporter.info(f"  failed: {failure.describe()}")
    if stopped_by:
        reporter.warn("interrupted; run the same command again to resume (finished "
                      "documents are skipped)")
        return 128 + int(stopped_by[0])
    return 1 if failures else 0


def long_document_phase(source: str, done: int, total: int, round_: int,
                        max_rounds: int) -> str:
    """Where map-reduce is in a long document, as its progress line says it."""
    if round_ == 1:
        return (f"{source}: chunk {done} of {total} (reduce round 1 of at most "
                f"{max_rounds})")
    return f"{source}: reduce round {round_} of at most {max_rounds}, {done} of {total} parts"


def truncation_warning(result) -> str:
    return (f"{result.source}: even one-sentence partial summaries did not fit the "
            f"summariser's input window, so {result.words_dropped} word(s) of them were "
            "dropped (\"truncated\": true in its output); a model with a longer window "
            "reads it whole")


# What the first signal's message tells a person to do to stop at once.
AGAIN = {signal.SIGINT: "Ctrl-C again", signal.SIGTERM: "send SIGTERM again"}


@contextmanager
def interrupt_after_batch():
    """First Ctrl-C or SIGTERM: finish the batch in flight, start no other, then stop.
    Second: stop now (``KeyboardInterrupt``).

    Yields a function that returns the signal received (0 for none)."""
    hit: list[int] = []

    def handler(signum, frame):
        if hit:
            raise KeyboardInterrupt
        hit.append(signum)
        print(f"\nstopping after the current batch ({AGAIN.get(signum, 'again')} to stop now)",
              file=sys.stderr, flush=True)

    try:
        previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread (e.g. embedded): no handler
        yield lambda: 0
        return
    try:
        yield lambda: hit[0] if hit else 0
    finally:
        for sig, before in previous.items():
            signal.signal(sig, before)
