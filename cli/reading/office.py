"""PDF and Word documents to plain text, through pypdf and python-docx.

A damaged or unusual file can make either library raise almost anything, so every
failure inside them becomes a ``DocumentError`` naming the file.
"""

from __future__ import annotations

import io
import logging

from ..errors import DocumentError


def pdf_to_text(raw: bytes, where: str) -> str:
    """The text layer of a PDF, page after page."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # recoverable-damage chatter
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not _opens_without_password(reader):
            raise DocumentError(f"{where}: is a password-protected PDF; save an unprotected "
                                "copy first")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except Exception as exc:
        raise DocumentError(f"{where}: is not a readable PDF ({_describe(exc)}); check that "
                            "it opens in a PDF viewer") from None
    # A newline, not a paragraph break, between pages: a sentence (or a hyphenated
    # word) often runs on to the next page, and hygiene rejoins it.
    text = "\n".join(page.strip() for page in pages if page.strip())
    if not text:
        raise DocumentError(f"{where}: has no text layer (a scanned PDF?); run OCR on it "
                            "first (e.g. ocrmypdf) and summarise the result")
    return text


def _opens_without_password(reader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # e.g. AES without the optional cryptography package
        return False


def docx_to_text(raw: bytes, where: str) -> str:
    """Body paragraphs and tables of a .docx in order (headers and footers are furniture)."""
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(raw))
        blocks = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                blocks.extend(_table_rows(item))
            else:
                blocks.append(item.text)
    except Exception as exc:
        raise DocumentError(f"{where}: is not a readable Word document ({_describe(exc)}); "
                            "check that it opens in Word or LibreOffice") from None
    text = "\n\n".join(block.strip() for block in blocks if block.strip())
    if not text:
        raise DocumentError(f"{where}: is a Word document without text; nothing to "
                            "summarise")
    return text


def _table_rows(table) -> list[str]:
    """One line per row, cells joined with " | "; a merged cell is taken once."""
    rows = []
    for row in table.rows:
        cells, previous = [], None
        for cell in row.cells:
            if cell._tc is not previous:
                cells.append(cell.text.replace("\n", " ").strip())
            previous = cell._tc
        rows.append(" | ".join(c for c in cells if c))
    return rows


def _describe(exc: Exception) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {message}"[:160] if message else type(exc).__name__
