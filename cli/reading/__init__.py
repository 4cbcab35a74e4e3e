"""Reading documents: any supported file (or stdin) to clean text, or a reason it cannot be.

``find_sources`` (``discovery``) lists the files a run reads; ``read_source`` is the one
way to read one.  Steps, each in its own module:

- ``files``: the bytes, or why a path cannot give any (broken link, loop, folder ...);
- ``formats``: which reader the bytes need (extension, checked against the content);
- ``encoding``: bytes to text (UTF-8/16 with or without BOM, cp1252 and other code pages);
- ``markup`` / ``office`` / ``jsonl``: Markdown, HTML, PDF, DOCX and JSONL to text;
- ``hygiene``: one canonical form of the text (NFC, no soft hyphens, joined lines ...);
- ``content``: whether what is left is worth summarising (``MIN_WORDS``).
"""

from __future__ import annotations

from ..documents import Document, Failure, Source
from ..errors import DocumentError
from .content import MIN_WORDS, content_problem
from .discovery import DEFAULT_GLOBS, discover, find_sources
from .encoding import decode
from .files import display_name, name_bytes, read_bytes, walk
from .formats import EXTENSIONS, detect_format
from .hygiene import LineMode, clean_text
from .jsonl import read_records
from .markup import html_to_text, markdown_to_text
from .office import docx_to_text, pdf_to_text

__all__ = ["DEFAULT_GLOBS", "EXTENSIONS", "MIN_WORDS", "clean_text", "discover", "display_name",
           "find_sources", "read_source", "walk"]

# How each format's line breaks are to be read (see hygiene.LineMode).
_LINE_MODES: dict[str, LineMode] = {
    "text": "guess", "pdf": "guess", "markdown": "join", "html": "keep", "docx": "keep",
}


def read_source(source: Source, text_field: str = "text") -> list[Document | Failure]:
    """Every document in ``source``: one for a file, one per good record of a JSONL file.

    Nothing is raised, so callers can go on with the next file: a problem with the whole
    file (missing, empty, binary, undecodable, a folder, an unsupported type, too short
    to summarise ...) becomes one ``Failure`` whose reason names the path, what is wrong
    and what to do; a bad JSONL record becomes a ``Failure`` of its own.  Texts of fewer
    than ``MIN_WORDS`` words are failures, not passed through (see ``content``).
    """
    try:
        return _read(source, text_field)
    except DocumentError as exc:
        return [Failure(display_name(source.path), str(exc))]


def _read(source: Source, text_field: str) -> list[Document | Failure]:
    where = display_name(source.path)
    raw = read_bytes(source.path)
    if not raw:
        raise DocumentError(f"{where}: is empty (0 bytes); nothing to summarise")
    fmt = detect_format(source.path, raw, where)
    try:
        if fmt == "jsonl":
            return read_records(raw, source, where, text_field)
        text, encoding = _convert(fmt, raw, where)
    except DocumentError:
        raise
    except Exception as exc:  # a converter bug must not end the batch: report the file
        raise DocumentError(f"{where}: could not be read as {fmt} ({type(exc).__name__}: "
                            f"{exc}); please report this with the file") from exc
    text = clean_text(text, _LINE_MODES[fmt])
    problem = content_problem(text)
    if problem:
        raise DocumentError(f"{where}: {problem}")
    meta = {"format": fmt} | ({"encoding": encoding} if encoding else {})
    raw_name = name_bytes(source.path)
    if raw_name:  # the name is shown escaped; keep the original bytes on record
        meta["source_name_bytes"] = raw_name
    return [Document(id=source.id, source=where, text=text, meta=meta)]


def _convert(fmt: str, raw: bytes, where: str) -> tuple[str, str | None]:
    """Raw text of a file in ``fmt`` and the encoding its bytes were in (None if binary)."""
    if fmt == "pdf":
        return pdf_to_text(raw, where), None
    if fmt == "docx":
        return docx_to_text(raw, where), None
    if fmt == "html":
        text, decoded = html_to_text(raw, where)
        return text, decoded.encoding
    decoded = decode(raw, where)
    text = markdown_to_text(decoded.text) if fmt == "markdown" else decoded.text
    return text, decoded.encoding
