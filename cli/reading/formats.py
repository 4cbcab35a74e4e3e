"""Which reader a file needs: by extension, checked against what the bytes say.

The content wins where it is unambiguous (a PDF or Word file renamed to ``.txt`` is
still read as one; a PNG named ``.txt`` is refused as binary); a file without an
extension, and stdin, are sniffed.  An explicit file with an unknown extension is
refused rather than guessed at.
"""

from __future__ import annotations

import codecs
import io
import json
import zipfile
from pathlib import Path

from ..errors import DocumentError

EXTENSIONS = {
    ".txt": "text", ".text": "text",
    ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
}
SUPPORTED = ("plain text (.txt), Markdown (.md), HTML (.html, .htm), PDF, Word (.docx) "
             "and JSON Lines (.jsonl)")

# Signatures of common binary files, for a message that says what the file is (other
# binary files are caught when decoding finds NUL bytes or no readable text).
_BINARY = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"), (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"),
    (b"RIFF", "a RIFF media file (WAV, AVI or WebP)"), (b"OggS", "an Ogg media file"),
    (b"ID3", "an MP3 file"), (b"fLaC", "a FLAC audio file"),
    (b"\x1f\x8b", "a gzip-compressed file"), (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"), (b"\x28\xb5\x2f\xfd", "a zstd-compressed file"),
    (b"\x7fELF", "a program (ELF)"), (b"\xca\xfe\xba\xbe", "a compiled program"),
    (b"\xcf\xfa\xed\xfe", "a program (Mach-O)"), (b"\x00asm", "a WebAssembly module"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
     "an old Microsoft Office file (.doc, .xls, .ppt); save it as .docx"),
)
# Members that name a ZIP-based format other than .docx: (what it is, what to do).
_ZIP_KINDS = (
    ("xl/workbook.xml", "an Excel workbook", "export the text you want as .txt"),
    ("ppt/presentation.xml", "a PowerPoint presentation", "export its text as .txt"),
    ("META-INF/container.xml", "an EPUB book", "convert it to text or HTML first"),
    ("content.xml", "an OpenDocument file", "save it as .docx"),
)


def detect_format(path: Path, raw: bytes, where: str) -> str:
    """The reader for ``raw`` (a key of ``EXTENSIONS``'s values) or a ``DocumentError``."""
    suffix = path.suffix.lower() if where != "<stdin>" else ""
    named = EXTENSIONS.get(suffix)
    if raw.lstrip(b"\x00\t\n\r \xef\xbb\xbf")[:5] == b"%PDF-":
        return "pdf"
    if raw.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_format(raw, where, suffix if suffix and not named else None)
    for signature, kind in _BINARY:
        if raw.startswith(signature) and _not_text(raw[:256]):
            raise DocumentError(f"{where}: is {kind}, not a text document"
                                + ("" if ";" in kind else "; give a text document instead"))
    if named == "pdf":
        raise DocumentError(f"{where}: is named .pdf but is not a PDF (no %PDF header); "
                            "check that it opens in a PDF viewer")
    if named == "docx":
        raise DocumentError(f"{where}: is named .docx but is not a Word document (not a "
                            "ZIP package); check that it opens in Word or LibreOffice")
    if named:
        return named
    if suffix:
        raise _unsupported(where, suffix)
    return _sniff_text(raw)


def _unsupported(where: str, suffix: str) -> DocumentError:
    return DocumentError(f"{where}: unsupported file type {suffix!r}; supported are "
                         f"{SUPPORTED} (rename a plain-text file to .txt)")


def _not_text(head: bytes) -> bool:
    """True unless ``head`` is NUL-free UTF-8: a text may begin like "GIF89a" or "ID3"."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return True
    return b"\x00" in head


def _zip_format(raw: bytes, where: str, unknown_suffix: str | None) -> str:
    """``docx``, or why this ZIP package is not one we read."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(raw)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        if unknown_suffix:
            raise _unsupported(where, unknown_suffix) from None
        raise DocumentError(f"{where}: is a damaged ZIP file (or Word document); check that "
                            "it opens") from None
    if "word/document.xml" in names:
        return "docx"
    what, todo = next(((what, todo) for member, what, todo in _ZIP_KINDS if member in names),
                      ("a ZIP archive", "unpack it and give the files inside"))
    raise DocumentError(f"{where}: is {what}, not a supported document; {todo}")


def _sniff_text(raw: bytes) -> str:
    """HTML, JSON Lines or plain text, for a file without an extension (or stdin)."""
    head = raw[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]:
        return "html"
    first = raw.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0].strip()
    if first.startswith(b"{"):
        try:
            if isinstance(json.loads(first), dict):
                return "jsonl"
        except ValueError:
            pass
    return "text"
