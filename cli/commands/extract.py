"""``summarise extract PATH...``: the plain text the tool would summarise, nothing more.

A user who gets an odd summary can check what was actually read: the text after
format conversion (PDF, DOCX, HTML, Markdown, JSONL) and cleaning, exactly as ``run``
hands it to the models.  No model is loaded.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import options as opt
from ..console import Reporter, current_reporter
from ..documents import Document, Failure
from ..errors import UsageError
from ..langdetect import document_language
from ..reading import DEFAULT_GLOBS, find_sources, read_source
from ..segment import count_words

FORMATS = ("text", "json")
HELP = """\
Print the plain text that `summarise` would read from files and folders.

Shows each document after conversion (PDF text layer, DOCX, HTML main text,
Markdown without markup, JSON Lines records) and cleaning (encoding, Unicode NFC,
hyphenation, whitespace), so you can see what the models are given. No model is
loaded.

\b
  summarise extract report.pdf
  summarise extract docs/ --glob '*.html' --format json
  cat page.html | summarise extract -

With several documents, each starts with a line `==> SOURCE <==`; --format json
writes JSON Lines instead (id, source, format, encoding, lang: declared or
detected as a run would, words, text). Files that
cannot be read are reported on stderr with the reason.

Exit codes: 0 all documents read, 1 some could not be read, 2 usage error.
"""


def extract(
    paths: Annotated[list[Path], typer.Argument(
        help="Files and folders to read; - reads stdin.", metavar="PATH", show_default=False)],
    glob: opt.Globs = None,
    text_field: opt.TextField = "text",
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json (JSON Lines).",
                                     metavar="FORMAT")] = "text",
) -> None:
    code = _extract(current_reporter(), paths, tuple(glob) if glob else DEFAULT_GLOBS,
                    text_field, fmt)
    sys.stdout.flush()
    raise typer.Exit(code)


def _extract(reporter: Reporter, paths: list[Path], globs: tuple[str, ...], text_field: str,
             fmt: str) -> int:
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    sources = find_sources(paths, globs)
    failures = printed = 0
    for source in sources:
        items = read_source(source, text_field)
        headed = len(sources) > 1 or len(items) > 1
        for item in items:
            if isinstance(item, Failure):
                failures += 1
                reporter.failed(item.reason)
                continue
            write_document(item, fmt, header=headed, first=printed == 0)
            printed += 1
    if failures:
        reporter.warn(f"{failures} of {failures + printed} document(s) could not be read")
    return 1 if failures else 0


def write_document(document: Document, fmt: str, header: bool, first: bool,
                   stream=None) -> None:
    """One document on stdout: its text (under a ``==> SOURCE <==`` line) or a JSON line."""
    stream = stream or sys.stdout
    if fmt == "json":
        language = document_language(document)
        record = {"id": document.id, "source": document.source, **document.meta,
                  "lang": language.lang, "lang_confidence": round(language.confidence, 3),
                  "lang_declared": bool(document.lang), "words": count_words(document.text),
                  "sha256": document.sha256, "text": document.text}
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    if header:
        stream.write(("" if first else "\n") + f"==> {document.source} <==\n")
    stream.write(document.text + "\n")
