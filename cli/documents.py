"""Finding input documents and reading them as clean text."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DocumentError, UsageError

DEFAULT_GLOBS = ("*.txt", "*.md")


@dataclass
class Document:
    """One text to summarise; ``id`` names its output (a relative path without suffix)."""

    id: str
    source: str
    text: str
    lang: str | None = None  # declared source language, if known
    meta: dict = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class Failure:
    """A file or record that could not be summarised, and why (shown to the user)."""

    source: str
    reason: str


@dataclass(frozen=True)
class Source:
    """A file found on disk and the id its output will carry."""

    path: Path
    id: str


def discover(paths: list[Path], globs: tuple[str, ...] = DEFAULT_GLOBS) -> list[Source]:
    """Files under ``paths`` in a stable order; folders are walked recursively.

    An output id mirrors the file's path below the folder it was found in (without
    suffix); a file given directly is named by its stem.  Two files that would get the
    same id (``a.txt`` and ``a.md``) keep their suffix in the id instead.
    """
    found: list[tuple[Path, str]] = []
    for root in paths:
        if root.is_dir():
            prefix = root.name if len(paths) > 1 else ""
            for path in sorted(_walk(root, globs)):
                rel = path.relative_to(root)
                found.append((path, str(Path(prefix, rel.with_suffix(""))).lstrip("/")))
        elif root.exists() or root.is_symlink() or str(root) == "-":
            found.append((root, root.stem if str(root) != "-" else "stdin"))
        else:
            raise UsageError(f"{root}: no such file or folder")
    counts: dict[str, int] = {}
    for _, ident in found:
        counts[ident] = counts.get(ident, 0) + 1
    return [Source(path, ident if counts[ident] == 1 else f"{ident}{path.suffix}")
            for path, ident in found]


def _walk(root: Path, globs: tuple[str, ...]):
    seen: set[Path] = set()
    for pattern in globs:
        for path in root.rglob(pattern):
            if path not in seen and (path.is_file() or path.is_symlink()):
                seen.add(path)
                yield path


def read_document(source: Source) -> Document:
    """The text of ``source``; a ``DocumentError`` says what is wrong with a bad file."""
    path = source.path
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise DocumentError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise DocumentError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError(f"{path}: is not UTF-8 text") from None
    text = text.strip()
    if not text:
        raise DocumentError(f"{path}: is empty")
    return Document(id=source.id, source=str(path), text=text)


def read_source(source: Source, text_field: str = "text") -> list[Document | Failure]:
    """Every document in ``source`` (a JSONL file holds many); bad records become Failures.

    A problem with the whole file raises ``DocumentError``.
    """
    del text_field
    return [read_document(source)]
