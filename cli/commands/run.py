"""``summarise [run] PATH...``: summaries of files and folders."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import options as opt
from ..console import current_reporter
from ..errors import UsageError
from ..output import FORMATS
from ..runchecks import parse_fail_on

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
    from ..job import (
        ReadOptions,
        executor_from_params,
        job_sources,
        open_writer,
        resolve_job,
        run_job,
    )
    from ..layers import ModelOptions, settings_from_options

    reporter = current_reporter()
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    refuse = parse_fail_on(fail_on)
    executor = executor_from_params(ctx.params)
    settings = settings_from_options(ModelOptions.from_params(ctx.params))
    read = ReadOptions(text_field, tuple(glob or ()))
    sources = job_sources(paths, read, out)
    if dry_run:
        from .prompts import print_dry_run

        raise typer.Exit(print_dry_run(reporter, settings, sources, text_field))
    spec = resolve_job(settings, paths, read, out, strict=strict, doc_timeout=doc_timeout,
                       sources=sources, notify=reporter.info, fail_on=refuse)
    raise typer.Exit(run_job(spec, executor, open_writer(spec, executor, fmt, force), reporter))
