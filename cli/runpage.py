"""``index.html`` for a folder of results: every summary, its checks, and where it comes from.

One self-contained page (inline CSS and script, a Content-Security-Policy that allows no
network request): a list of the documents, and for the one selected its summaries per
language and length with a badge per failed check, and the source text, in which the
sentences supporting a summary sentence light up when it is hovered or clicked.

The data travel as one JSON block that the page's script renders with ``textContent``
only: sources are untrusted text and never become markup. A folder of thousands of
documents stays one page; only the selected document is drawn.

A record given to ``write_index`` (the run's results, or ``summarise check``'s)::

    {"id": "reports/q3",               # shown in the list; unique
     "source": "reports/q3.pdf",       # where it was read from
     "text": "the extracted text" | None,   # None: the page says so (``note``)
     "note": "why the text is missing",      # optional
     "summaries": [{"lang": "en", "length": "short", "text": "...",
                    "checks": {...}, "sentences": [...]}]}   # annotate's two keys

``sentences[].sources`` are ``[start, end]`` offsets into ``text``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path

from .documents import Failure, Source
from .output import atomic_write

PAGE = "index.html"
_SUMMARY_KEYS = ("lang", "length", "text", "words", "target_words", "checks", "sentences")


def write_index(out_dir: Path, records: Iterable[dict], title: str = "") -> Path:
    """Write ``out_dir/index.html`` for ``records`` (shape in the module docstring)."""
    data = {"title": title, "documents": [page_record(r) for r in records]}
    template = resources.files("summarise.data").joinpath("runpage.html").read_text("utf-8")
    path = Path(out_dir) / PAGE
    atomic_write(path, template.replace("__RUN_DATA__", script_safe_json(data)))
    return path


def page_record(record: dict) -> dict:
    """Only what the page shows, so a result's other keys do not bloat it."""
    return {"id": str(record.get("id", "")), "source": str(record.get("source", "")),
            "text": record.get("text"), "note": record.get("note", ""),
            "summaries": [{k: s[k] for k in _SUMMARY_KEYS if k in s}
                          for s in record.get("summaries", [])]}


def check_page_record(record, result: dict, source: str) -> dict:
    """A record of ``summarise check`` (a ``CheckRecord`` and its output object) as the
    page shows it: one summary, labelled with its language."""
    return {"id": result["id"], "source": source, "text": record.text,
            "summaries": [{"lang": record.summary_lang, "length": "checked",
                           "text": record.summary, "checks": result["checks"],
                           "sentences": result["sentences"]}]}


def script_safe_json(data) -> str:
    """JSON that cannot end its ``<script>`` block nor open markup: ``<``, ``>`` and ``&``
    are written as escapes (the parsed value is the same), and so are U+2028/U+2029."""
    text = json.dumps(data, ensure_ascii=False)
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def write_run_page(target, text_field: str = "text",
                   warn: Callable[[str], None] | None = None) -> Path | None:
    """``index.html`` for every document of a run folder (``RunDirectory``), this run's
    and earlier ones'. A failure to write it is a warning: the results are written.
    Every source is read again (to show its text), so this takes about as long as
    ``summarise extract`` over the folder's inputs."""
    try:
        return write_index(target.root, run_records(target.root, target.manifest["documents"],
                                                    text_field),
                           title=f"summarise run: {target.root}")
    except Exception as exc:  # noqa: BLE001 - a side output, written in a finally block:
        # it must never hide the run's own outcome or error; the user hears why.
        if warn:
            warn(f"{target.root / PAGE}: could not write the run's page "
                 f"({type(exc).__name__}: {exc})")
        return None


def run_records(root: Path, documents: dict, text_field: str = "text") -> list[dict]:
    """The page's records from the result files in ``root``, each with the source text it
    was summarised from: re-read from its source and matched by content hash, so offsets
    are never shown against a text that changed since."""
    texts = SourceTexts(text_field)
    records = []
    for doc_id, entry in sorted(documents.items()):
        result = _load(root / str(entry.get("output", f"{doc_id}.json")))
        if result is None:
            continue
        text, note = texts.find(str(result.get("source", entry.get("source", ""))),
                                result.get("sha256"))
        records.append({**result, "id": doc_id, "text": text, "note": note})
    return records


def _load(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("summaries"), list) else None


class SourceTexts:
    """Extracted texts by content hash, each source file read once (a JSON Lines file
    holds many documents)."""

    def __init__(self, text_field: str):
        self.text_field = text_field
        self._by_source: dict[str, dict[str, str]] = {}

    def find(self, source: str, sha256: str | None) -> tuple[str | None, str]:
        """The text of ``source`` whose hash is ``sha256``, or None and why not."""
        if source == "-" or not source:
            return None, "Read from standard input: the source text is not kept."
        texts = self._by_source.get(source)
        if texts is None:
            texts = self._by_source[source] = self._read(source)
        if sha256 in texts:
            return texts[sha256], ""
        if not Path(source).exists():
            return None, f"{source} is gone: the source text cannot be shown."
        return None, f"{source} changed since it was summarised: the source is not shown."

    def _read(self, source: str) -> dict[str, str]:
        from .reading import read_source

        path = Path(source)
        if not path.is_file():
            return {}
        found = read_source(Source(path, path.stem), self.text_field)
        return {d.sha256: d.text for d in found if not isinstance(d, Failure)}
