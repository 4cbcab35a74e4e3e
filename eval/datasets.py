"""Evaluation datasets: JSONL records of a source text and its human reference summaries.

One JSON object per line (the format of ``shared/eval-data/*.jsonl``)::

    {"id": "...", "lang": "en", "text": "source ...", "summary": "reference ...",
     "references": ["reference ...", "another ..."], "summary_lang": "de"}

``summary_lang`` (default: ``lang``) is the language a system must write; a German
source with an English reference is a cross-lingual case and goes through the
translator.  ``references`` (when present) replaces ``summary`` for multi-reference
scoring; ``references_<lang>`` holds references in another language, chosen with
``summary_lang=...`` when loading.  ``references_by_length`` (``{"short": [...]}``)
gives references per length, as the seed references do.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..config import LANGS
from ..errors import UsageError
from .reflang import reference_language

# first: the primary reference ('summary'), as published single-reference scores are made;
# all: every reference, the best one counts; mean: every reference, averaged.
REFERENCE_MODES = ("first", "all", "mean")
SEEDS_FILE = "seeds.jsonl"


@dataclass(frozen=True)
class Record:
    id: str
    lang: str
    text: str
    summary_lang: str
    references: tuple[str, ...]
    references_by_length: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)  # other scalar fields, to group by
    reference_langs: tuple[str, ...] = ()  # detected language of each of ``references``
    # references whose language detection could not decide (scored as summary_lang)
    undecided_references: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return self.id, self.summary_lang

    @property
    def foreign_references(self) -> int:
        """References detected in another language than ``summary_lang``."""
        return sum(lang != self.summary_lang for lang in self.reference_langs)

    @property
    def cross_lingual(self) -> bool:
        return self.lang != self.summary_lang

    def references_for(self, length: str) -> tuple[str, ...]:
        return self.references_by_length.get(length) or self.references


@dataclass
class Dataset:
    name: str
    path: str
    sha256: str
    records: list[Record]
    total: int  # records in the file, before --limit

    def describe(self) -> dict:
        foreign, _ = foreign_reference_count(self)
        return {"name": self.name, "path": self.path, "sha256": self.sha256,
                "records": len(self.records), "records_in_file": self.total,
                "reference_languages": {
                    "references": sum(len(r.reference_langs) for r in self.records),
                    "other_than_summary_lang": foreign,
                    "undecided": sum(r.undecided_references for r in self.records)}}

    def median_reference_words(self) -> float:
        """Median length of the primary references (``summary``), to pick a preset."""
        from statistics import median

        from ..segment import count_words

        counts = [count_words(rec.references[0]) for rec in self.records if rec.references]
        return float(median(counts)) if counts else 0.0


def load_dataset(path: Path, limit: int | None = None, summary_lang: str | None = None,
                 references: str = "first", text_field: str = "text",
                 summary_field: str = "summary", config: str | None = None,
                 split: str | None = None) -> Dataset:
    """Read a dataset: JSON Lines, a Hugging Face ``save_to_disk`` folder or Parquet/Arrow
    file, or a hub id (with ``config`` and ``split``).  A ``UsageError`` names the file,
    line and what is wrong."""
    from . import hfdata

    fields = (text_field, summary_field)
    if hfdata.is_local_set(path):
        if config:
            raise UsageError(f"--dataset-config is for hub datasets; {path} is saved locally "
                             "(pick a split with --split)")
        rows, sha = hfdata.read_local(path, split)
        name = path.name.removesuffix(".parquet") + (f"-{split}" if split else "")
        return parse_records(hfdata.to_records(rows, *fields), str(path), name, sha, limit,
                             summary_lang, references, "row")
    if path.is_dir():
        raise UsageError(f"{path}: a folder without state.json or {hfdata.DICT_FILE}; give a "
                         "JSONL file or a folder written by datasets' save_to_disk")
    if not path.exists() and hfdata.looks_like_hub_id(str(path)):
        rows, sha = hfdata.read_hub(str(path), config, split or "test")
        return parse_records(hfdata.to_records(rows, *fields), str(path), path.name, sha,
                             limit, summary_lang, references, "row")
    if config or split:
        raise UsageError(f"--dataset-config/--split are for Hugging Face datasets; {path} is "
                         "a JSON Lines file (leave them out)")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such dataset file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return parse_dataset(raw, str(path), path.name.removesuffix(".jsonl"), limit,
                         summary_lang, references, fields)


def seed_dataset(limit: int | None = None, summary_lang: str | None = None,
                 references: str = "first") -> Dataset:
    """The seed article with the reference abstracts shipped in ``summarise.eval``.

    It holds one record per output language; ``summary_lang`` keeps one of them.
    """
    resource = resources.files("summarise.eval").joinpath("references", SEEDS_FILE)
    dataset = parse_dataset(resource.read_bytes(), f"summarise.eval/references/{SEEDS_FILE}",
                            "seeds", None, None, references)
    if summary_lang is not None:
        dataset.records = [r for r in dataset.records if r.summary_lang == summary_lang]
    dataset.records = dataset.records[:limit]
    return dataset


def parse_dataset(raw: bytes, origin: str, name: str, limit: int | None = None,
                  summary_lang: str | None = None, references: str = "first",
                  fields: tuple[str, str] = ("text", "summary")) -> Dataset:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{origin}: is not UTF-8 text") from None
    rows: list[tuple[int, dict]] = []
    for number, data in json_objects(text, origin):
        if fields != ("text", "summary"):
            data = {**data, "text": data.get(fields[0]), "summary": data.get(fields[1])}
        rows.append((number, data))
    return _build(rows, origin, name, hashlib.sha256(raw).hexdigest(), limit, summary_lang,
                  references, "line")


def json_objects(text: str, origin: str) -> Iterator[tuple[int, dict]]:
    """The JSON object of each non-blank line, with its line number; a line that is not
    one is a ``UsageError`` naming ``origin`` and the line."""
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{origin} line {number}: not valid JSON ({exc.msg})") from None
        if not isinstance(data, dict):
            raise UsageError(f"{origin} line {number}: expected a JSON object")
        yield number, data


def parse_records(records: list[dict], origin: str, name: str, sha256: str,
                  limit: int | None = None, summary_lang: str | None = None,
                  references: str = "first", unit: str = "row") -> Dataset:
    """``parse_dataset`` for records already read (a Hugging Face dataset's rows)."""
    return _build(list(enumerate(records, 1)), origin, name, sha256, limit, summary_lang,
                  references, unit)


def _build(rows: list[tuple[int, dict]], origin: str, name: str, sha256: str,
           limit: int | None, summary_lang: str | None, references: str, unit: str
           ) -> Dataset:
    if references not in REFERENCE_MODES:
        raise UsageError(f"--references {references!r}: use {', '.join(REFERENCE_MODES)}")
    if summary_lang is not None and summary_lang not in LANGS:
        raise UsageError(f"--summary-lang {summary_lang!r}: use de or en")
    records: list[Record] = []
    seen: set[tuple[str, str]] = set()
    for number, data in rows:
        if limit is not None and len(records) >= limit:
            break
        record = _record(data, f"{origin} {unit} {number}", summary_lang, references)
        if record.key in seen:
            raise UsageError(f"{origin} {unit} {number}: id {record.id!r} "
                             f"({record.summary_lang}) occurs twice; ids must be unique")
        seen.add(record.key)
        records.append(record)
    if not records:
        raise UsageError(f"{origin}: no records (expected JSON Lines with id, text, summary)")
    return Dataset(name, origin, sha256, records, len(rows))


def _record(data: dict, where: str, summary_lang: str | None, mode: str) -> Record:
    for key in ("id", "text"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise UsageError(f"{where}: needs a non-empty string {key!r}")
    lang = data.get("lang")
    if lang not in LANGS:
        raise UsageError(f"{where}: 'lang' must be de or en (got {lang!r})")
    own = data.get("summary_lang", lang)
    wanted = summary_lang or own
    if wanted == own:
        refs = data.get("references") or [data.get("summary")]
    else:
        refs = data.get(f"references_{wanted}")
        if not refs:
            raise UsageError(f"{where}: references are in {own!r}; record has no "
                             f"'references_{wanted}' for --summary-lang {wanted}")
    refs = [r for r in refs if isinstance(r, str) and r.strip()]
    by_length = {k: tuple(v) for k, v in (data.get("references_by_length") or {}).items()
                 if wanted == own}
    if not refs and not by_length:
        raise UsageError(f"{where}: needs a reference ('summary' or 'references')")
    if mode == "first":
        primary = data.get("summary") if wanted == own else None
        refs = [primary] if isinstance(primary, str) and primary.strip() else refs[:1]
        by_length = {k: v[:1] for k, v in by_length.items()}
    scalars = {k: str(v) for k, v in data.items()
               if isinstance(v, str | int | float | bool) and k not in _TEXT_FIELDS}
    detected = [reference_language(r) for r in refs]
    return Record(id=data["id"], lang=lang, text=data["text"], summary_lang=wanted,
                  references=tuple(refs), references_by_length=by_length, fields=scalars,
                  reference_langs=tuple(found or wanted for found in detected),
                  undecided_references=sum(found is None for found in detected))


_TEXT_FIELDS = ("text", "summary", "references")


def foreign_reference_count(dataset: Dataset) -> tuple[int, int]:
    """(references, records) whose references are in another language than the record's
    ``summary_lang``."""
    counts = [r.foreign_references for r in dataset.records]
    return sum(counts), sum(1 for c in counts if c)


def undecided_reference_count(dataset: Dataset) -> tuple[int, int]:
    """(references, records) whose references' language detection could not decide."""
    counts = [r.undecided_references for r in dataset.records]
    return sum(counts), sum(1 for c in counts if c)
