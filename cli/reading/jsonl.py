"""JSON Lines datasets: one document per record, one failure per bad record.

A record names its output with ``id`` (the line number when it has none) and may
declare its language with ``lang``; the text is in ``--text-field`` (default ``text``,
a dotted name such as ``article.body`` reaches into nested objects).
"""

from __future__ import annotations

import json
import re

from ..config import LANGS
from ..documents import Document, Failure, Source
from ..errors import DocumentError
from .content import content_problem
from .encoding import decode
from .hygiene import clean_text

_UNSAFE_ID = re.compile(r"[^\w.-]+")
_LANG_NAMES = {"german": "de", "deutsch": "de", "english": "en", "englisch": "en"}


class BadRecord(Exception):
    """One record cannot be used; the message says why."""


def read_records(raw: bytes, source: Source, where: str,
                 text_field: str) -> list[Document | Failure]:
    """Documents and failures for every non-blank line of a JSONL file."""
    decoded = decode(raw, where)
    items: list[Document | Failure] = []
    seen: dict[str, int] = {}
    parsed_any = False
    for number, line in enumerate(decoded.text.splitlines(), start=1):
        if not line.strip():
            continue
        at = f"{where}:{number}"
        try:
            record = _parse(line)
            parsed_any = True
            document = _document(record, number, source, at, text_field)
            if document.id in seen:
                raise BadRecord(f"id {document.meta['record_id']!r} was already used on "
                                f"line {seen[document.id]}; give each record its own id")
            seen[document.id] = number
            document.meta["encoding"] = decoded.encoding
            items.append(document)
        except BadRecord as exc:
            items.append(Failure(at, f"{at}: {exc}"))
    if not items:
        raise DocumentError(f"{where}: is empty (no records); nothing to summarise")
    if not parsed_any:
        raise DocumentError(f"{where}: is not JSON Lines (no line is a JSON object); give "
                            "one JSON object per line, or rename a plain-text file to .txt")
    return items


def _parse(line: str) -> dict:
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as exc:
        raise BadRecord(f"is not valid JSON ({exc}); fix or remove the line") from None
    if not isinstance(record, dict):
        raise BadRecord(f"is {_kind(record)}, not a JSON object; give one object per line")
    return record


def _document(record: dict, number: int, source: Source, at: str,
              text_field: str) -> Document:
    raw_text = _field(record, text_field)
    if not isinstance(raw_text, str):
        raise BadRecord(f"field {text_field!r} is {_kind(raw_text)}, not text; choose the "
                        "text field with --text-field")
    text = clean_text(raw_text)
    problem = content_problem(text)
    if problem:
        raise BadRecord(problem)
    record_id = _record_id(record, number)
    meta = {"format": "jsonl", "line": number, "record_id": record_id}
    return Document(id=f"{source.id}/{_safe(record_id)}", source=at, text=text,
                    lang=_lang(record.get("lang")), meta=meta)


def _kind(value) -> str:
    """A JSON value's type as a reader says it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return {"list": "a list", "dict": "an object"}.get(type(value).__name__, "a string")


def _field(record: dict, name: str):
    if name in record:
        return record[name]
    value = record
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            fields = ", ".join(map(repr, list(record)[:8])) or "none"
            raise BadRecord(f"has no {name!r} field (its fields: {fields}); choose the text "
                            "field with --text-field")
        value = value[part]
    return value


def _record_id(record: dict, number: int) -> str:
    value = record.get("id")
    if value is None:
        return str(number)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise BadRecord(f"id must be a string or a whole number, not {json.dumps(value)}")
    if not str(value).strip():
        raise BadRecord("id is empty; give each record a non-empty id or none")
    return str(value)


def _safe(record_id: str) -> str:
    """The id as one file name (it names an output): "../a/b" becomes "a_b"."""
    parts = [p for p in re.split(r"[/\\]+", record_id) if p not in ("", ".", "..")]
    return _UNSAFE_ID.sub("_", "_".join(parts)).lstrip(".")[:120] or "_"


def _lang(value) -> str | None:
    """A declared language as de/en; None when undeclared."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadRecord(f"lang must be a language code such as 'de' or 'en', not "
                        f"{json.dumps(value)}")
    code = value.strip().lower().replace("_", "-").split("-")[0]
    code = _LANG_NAMES.get(code, code)
    if code not in LANGS:
        raise BadRecord(f"lang {value!r} is neither German nor English (de, en); only those "
                        "can be summarised")
    return code
