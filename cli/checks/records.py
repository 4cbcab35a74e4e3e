"""Summaries to check, from a file: what ``summarise check FILE`` reads and writes.

The readers are the eval harness's: JSON Lines (``eval.datasets.json_objects``), and
Parquet/Arrow files and ``save_to_disk`` folders (``eval.hfdata.read_local``).  Each
record has the source ``text`` and a ``summary``; optional ``id`` (default: its line or
row number), ``lang`` (the source's language; detected when absent), ``summary_lang``
(default: ``lang``), ``via`` (the source-language summary a translated summary was made
from) and ``truncated`` (the summary was cut at its token limit).  Every record is
checked before any is annotated, so a bad line is reported before work is done.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..config import LANGS
from ..errors import UsageError
from ..eval import hfdata
from ..eval.datasets import json_objects
from ..langdetect import detect_language
from . import annotate


@dataclass(frozen=True)
class CheckRecord:
    id: str
    text: str
    summary: str
    lang: str
    summary_lang: str
    via: str | None = None
    truncated: bool = False


def read_records(path: Path, split: str | None = None) -> list[CheckRecord]:
    """Every record of ``path``; a ``UsageError`` names the file, the line or row and what
    to change."""
    if hfdata.is_local_set(path):
        rows, _ = hfdata.read_local(path, split)
        numbered, unit = enumerate(rows, 1), "row"
    elif path.is_dir():
        raise UsageError(f"{path}: a folder without state.json or {hfdata.DICT_FILE}; give a "
                         "JSON Lines file, a Parquet file or a folder written by save_to_disk")
    else:
        if split:
            raise UsageError(f"--split is for Hugging Face datasets; {path} is a JSON Lines "
                             "file (leave it out)")
        numbered, unit = json_objects(_read_text(path), str(path)), "line"
    records = [_record(data, f"{path} {unit} {number}", number)
               for number, data in numbered]
    if not records:
        raise UsageError(f"{path}: no records (expected JSON Lines with text and summary)")
    return records


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: is not UTF-8 text") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _record(data: dict, where: str, number: int) -> CheckRecord:
    for key in ("text", "summary"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise UsageError(f"{where}: needs a non-empty string {key!r}")
    lang = data.get("lang")
    if lang is None:
        lang = detect_language(data["text"]).lang
        if lang not in LANGS:
            raise UsageError(f"{where}: the text's language looks like {lang!r}; checks "
                             "read de and en: give 'lang' if it is one of them")
    elif lang not in LANGS:
        raise UsageError(f"{where}: 'lang' must be de or en (got {lang!r})")
    summary_lang = data.get("summary_lang", lang)
    if summary_lang not in LANGS:
        raise UsageError(f"{where}: 'summary_lang' must be de or en (got {summary_lang!r})")
    via = data.get("via")
    if via is not None and not isinstance(via, str):
        raise UsageError(f"{where}: 'via' must be a string (the source-language summary)")
    truncated = data.get("truncated", False)
    if not isinstance(truncated, bool):
        raise UsageError(f"{where}: 'truncated' must be true or false")
    record_id = data.get("id", number)
    if not isinstance(record_id, str | int):
        raise UsageError(f"{where}: 'id' must be a string or a number")
    return CheckRecord(str(record_id), data["text"], data["summary"], lang, summary_lang,
                       via, truncated)


def check_records(records: list[CheckRecord], checker=None) -> Iterator[tuple[dict, list[str]]]:
    """Per record, its output object (``id``, ``checks``, ``sentences``) and the names of
    the checks it failed."""
    for record in records:
        annotation = annotate(record.summary, record.text, lang=record.summary_lang,
                              source_lang=record.lang, via=record.via,
                              truncated=record.truncated, checker=checker)
        yield {"id": record.id, **annotation.to_dict()}, annotation.failed()


def json_line(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False) + "\n"
