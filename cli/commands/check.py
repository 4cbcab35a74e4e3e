"""``summarise check FILE``: the grounding and the checks of summaries written anywhere.

Reads records (``checks.records``), annotates each (``checks.annotate``) and writes JSON
Lines to stdout or ``--out DIR/checks.jsonl``.  No model is loaded; the checks library is
imported only when the command runs, so ``summarise --help`` stays quick.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..console import current_reporter
from ..errors import UsageError

# The names of ``summarise.checks.CHECK_NAMES`` (a test keeps the two the same).
LISTED_CHECKS = ("language", "numbers", "names", "support", "repetition", "truncated",
                 "entailment")
OUTPUT_FILE = "checks.jsonl"  # in --out DIR

HELP = f"""\
Check summaries written by any tool against their sources.

FILE holds one record per summary: JSON Lines, a Parquet file or a folder written
by datasets' save_to_disk, with the source `text`, the `summary` and optionally
`id`, `lang` (the source's; detected when absent), `summary_lang` (default: lang),
`via` (the source-language summary a translation was made from) and `truncated`.
For each record one JSON object is written: its id, `checks` (each with `ok`
and what was found) and `sentences` (each summary sentence with its support and
the [start, end] offsets of the source sentences that support it). No model is
loaded.

\b
  summarise check summaries.jsonl
  summarise check summaries.jsonl --out checked/ --fail-on numbers,names

Checks: {", ".join(LISTED_CHECKS)} (entailment only with a checker model).
Exit codes: 0 written, 1 a record failed a check named by --fail-on, 2 usage error.
"""


def check_command(
    file: Annotated[Path, typer.Argument(help="Records to check (JSONL, Parquet, "
                                         "save_to_disk folder).", metavar="FILE",
                                         show_default=False)],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help=f"Write DIR/{OUTPUT_FILE} instead of printing.",
        metavar="DIR", show_default=False)] = None,
    fail_on: Annotated[str | None, typer.Option(
        "--fail-on", help="Exit 1 when a record fails one of these checks (comma-separated).",
        metavar="NAMES", show_default=False)] = None,
    split: Annotated[str | None, typer.Option(
        "--split", metavar="SPLIT", help="Split of a DatasetDict folder.",
        show_default=False)] = None,
) -> None:
    from ..checks.records import check_records, json_line, read_records
    from ..output import atomic_write
    from ..runchecks import parse_fail_on
    from ..runpage import check_page_record, write_index

    failing = parse_fail_on([fail_on] if fail_on else [])  # as `summarise --fail-on` does
    if out is not None and out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: is a file; give a folder")
    records = read_records(file, split)
    lines, failed, page = [], [], []
    for record, (result, names) in zip(records, check_records(records), strict=True):
        lines.append(json_line(result))
        if out is not None:
            page.append(check_page_record(record, result, str(file)))
        named = [name for name in names if name in failing]
        if named:
            failed.append(f"record {result['id']} failed: {', '.join(named)}")
        if out is None:
            sys.stdout.write(lines[-1])
    if out is not None:
        try:
            out.mkdir(parents=True, exist_ok=True)
            atomic_write(out / OUTPUT_FILE, "".join(lines))
            write_index(out, page, title=f"summarise check: {file}")
        except OSError as exc:
            raise UsageError(f"--out {out}: cannot write ({exc.strerror or exc})") from None
    sys.stdout.flush()
    reporter = current_reporter()
    for line in failed:
        reporter.failed(line)
    raise typer.Exit(1 if failed else 0)
