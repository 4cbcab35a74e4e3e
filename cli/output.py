"""Everything that leaves the program: result files, the run manifest, and stdout.

Files are written to a temporary name in the same folder and renamed into place, so a
crash never leaves half a file; stdout carries results only (logs go to stderr).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Protocol

from . import __version__
from .documents import Document, Failure, Skipped
from .pipeline import DocumentResult
from .runchecks import document_tally, marker, run_tally
from .runlock import RunLock

FORMATS = ("text", "markdown", "json")
_SURROGATE = re.compile("[\ud800-\udfff]")


TMP_SUFFIX = ".tmp"
# What atomic_write leaves behind when the process is killed mid-write:
# ".<name>.<8 random characters from mkstemp>.tmp".
_OUR_TMP = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` so that readers see the old
    file or the new, never half. Every result and report file goes through here.

    The file gets the permissions any new file gets here (0644 under umask 022), not
    mkstemp's private 0600: outputs are meant to be read by others.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data if isinstance(data, bytes)
                         else data.encode("utf-8", errors="backslashreplace"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def current_umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return mask


def remove_stale_temporaries(root: Path) -> int:
    """Delete half-written files that a killed run left in ``root`` (only names
    ``atomic_write`` makes); the caller holds the folder's lock, so none is in use."""
    removed = 0
    for folder, _, files in os.walk(root):
        for name in files:
            if _OUR_TMP.match(name):
                Path(folder, name).unlink(missing_ok=True)
                removed += 1
    return removed


def dump_json(data) -> str:
    """Readable JSON; a lone surrogate (a name that is not UTF-8) is written as its
    ``\\udcXX`` escape, so the file stays valid UTF-8 and reads back the same."""
    return escape_surrogates(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def escape_surrogates(text: str) -> str:
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def render_markdown(result: DocumentResult) -> str:
    """Markdown: a heading per document, one per language · length under it."""
    lines = [f"# {result.id}", "", f"Source: `{result.source}` ({result.source_lang})", ""]
    for summary in result.summaries:
        lines += [f"## {summary.lang} · {summary.length} "
                  f"({summary.words} words, target {summary.target_words}){marker(summary)}", "",
                  summary.text or "_(empty)_", ""]
    return "\n".join(lines)


def render_text(result: DocumentResult) -> str:
    """Plain text for a terminal: no markup, each summary indented under its label."""
    lines = [f"{result.id} ({result.source_lang}, from {result.source})", ""]
    for summary in result.summaries:
        lines += [f"  {summary.lang} · {summary.length} ({summary.words} words, target "
                  f"{summary.target_words}){marker(summary)}:",
                  *(f"    {line}" for line in (summary.text or "(empty)").splitlines()), ""]
    return "\n".join(lines)


def print_result(result: DocumentResult, fmt: str, stream=None) -> None:
    """One document to stdout: JSON Lines, Markdown, or plain text."""
    stream = stream or sys.stdout
    if fmt == "json":
        stream.write(escape_surrogates(json.dumps(result.to_dict(), ensure_ascii=False)) + "\n")
    elif fmt == "markdown":
        stream.write(render_markdown(result) + "\n")
    else:
        stream.write(render_text(result) + "\n")
    stream.flush()


class Writer(Protocol):
    """Where a job's results go, as each is done (``summarise.job.run_job``)."""

    where: Path | None  # the folder named in messages; None for stdout
    notes: list[str]  # what the user should hear before the run starts

    def is_done(self, document: Document) -> bool:
        """A result for this document is there already (resume)."""

    def write(self, result: DocumentResult) -> object: ...

    def fail(self, failure: Failure) -> None: ...

    def skip(self, skipped: Skipped) -> None: ...

    def save_manifest(self, every: float = 0.0, **extra) -> object:
        """Record the run so far (``run.json``), at most every ``every`` seconds."""

    def close(self) -> None: ...


class ResultPrinter:
    """No ``--out``: each result to stdout as it is done; nothing is on record, so
    nothing is up to date and there is no manifest."""

    where = None

    def __init__(self, fmt: str):
        self.fmt = fmt
        self.notes: list[str] = []

    def is_done(self, document: Document) -> bool:
        return False

    def write(self, result: DocumentResult) -> None:
        print_result(result, self.fmt)

    def fail(self, failure: Failure) -> None:
        """Failures are reported by the job, on stderr."""

    def skip(self, skipped: Skipped) -> None:
        """Never called: nothing is up to date on stdout."""

    def save_manifest(self, every: float = 0.0, **extra) -> None:
        """No manifest without a folder."""

    def close(self) -> None:
        """Nothing to release."""


def settings_hash(settings_manifest: dict) -> str:
    """Fingerprint of everything that changes a summary (not batch size or threads)."""
    data = json.loads(json.dumps(settings_manifest))
    for key in ("batch_size", "threads"):
        data.get("generation", {}).pop(key, None)
    if data.get("checker") is None:  # no checker: the same hash as before there was one
        data.pop("checker", None)
    # Where the server is and how it is talked to changes no summary: a server restarted
    # on another port, or asked with more requests in flight, resumes the same run.
    for key in ("api_base", "api_key_env", "concurrency", "request_timeout", "retries"):
        data.get("server", {}).pop(key, None)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


class RunDirectory:
    """``--out DIR``: one JSON (and Markdown) file per document plus ``run.json``.

    A rerun over the same folder skips documents whose output exists for the same
    content hash and settings, so a killed batch resumes where it stopped.
    """

    def __init__(self, root: Path, fmt: str, manifest: dict, force: bool = False):
        self.root = self.where = root
        self.fmt = fmt
        self.force = force
        self.settings_hash = settings_hash(manifest.get("settings", {}))
        root.mkdir(parents=True, exist_ok=True)
        self.lock = RunLock(root).acquire()
        self.notes: list[str] = []  # things the user should hear about (stale leftovers)
        if self.lock.took_over:
            holder = self.lock.took_over
            self.notes.append(f"{root}: took over the lock of a run that is gone (pid "
                              f"{holder.get('pid')}, started {holder.get('started')})")
        removed = remove_stale_temporaries(root)
        if removed:
            self.notes.append(f"{root}: removed {removed} half-written file(s) left by a "
                              "run that was killed")
        previous = self._previous_documents(root / "run.json")
        self.manifest = {"tool": "summarise", "version": __version__, **manifest,
                         "settings_hash": self.settings_hash, "documents": previous,
                         "failures": [], "skipped": []}
        self._saved_at = float("-inf")

    def close(self) -> None:
        """Let the next run in: release the folder's lock."""
        self.lock.release()

    @staticmethod
    def _previous_documents(path: Path) -> dict:
        try:
            return dict(json.loads(path.read_text(encoding="utf-8")).get("documents", {}))
        except (OSError, ValueError, AttributeError):
            return {}

    def path_for(self, result_id: str, suffix: str = ".json") -> Path:
        return self.root / f"{result_id}{suffix}"

    def is_done(self, document: Document) -> bool:
        """True when a valid output for this exact content and these settings exists."""
        if self.force:
            return False
        try:
            data = json.loads(self.path_for(document.id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False  # missing or unreadable: do it (again)
        return (isinstance(data, dict) and data.get("sha256") == document.sha256
                and data.get("settings_hash") == self.settings_hash)

    def write(self, result: DocumentResult) -> Path:
        path = self.path_for(result.id)
        atomic_write(path, dump_json({**result.to_dict(), "settings_hash": self.settings_hash}))
        if self.fmt == "markdown":
            atomic_write(self.path_for(result.id, ".md"), render_markdown(result))
        self.manifest["documents"][result.id] = {
            "source": result.source, "output": str(path.relative_to(self.root)),
            "sha256": result.sha256,
            "batch_seconds_per_document": result.batch_seconds_per_document,
            "chunks": result.chunks, "reduce_rounds": result.reduce_rounds,
            "checks": document_tally(result.summaries),
            **({"truncated": True, "words_dropped": result.words_dropped}
               if result.truncated else {})}
        return path

    def fail(self, failure: Failure) -> None:
        self.manifest["failures"].append({"source": failure.source, "reason": failure.reason})

    def skip(self, skipped: Skipped) -> None:
        self.manifest["skipped"].append(skipped.id)
        self.manifest["documents"].setdefault(skipped.id, {
            "source": skipped.source, "output": f"{skipped.id}.json"})

    def save_manifest(self, every: float = 0.0, **extra) -> Path:
        """Write run.json now, or only if ``every`` seconds passed since the last write
        (a batch of 10,000 documents must not rewrite a growing manifest each time)."""
        self.manifest.update(extra)
        self.manifest["checks"] = run_tally(self.manifest["documents"])
        path = self.root / "run.json"
        now = time.monotonic()
        if now - self._saved_at >= every:
            atomic_write(path, dump_json(self.manifest))
            self._saved_at = now
        return path
