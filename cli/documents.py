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

    Folders contribute the entries matching ``globs`` (broken links and folders named
    like files included, so they are reported); a file given directly is taken whatever
    its type, and ``-`` is stdin.

    An output id mirrors the file's path below the folder it was found in (without
    suffix); a file given directly is named by its stem.  Two files that would get the
    same id (``a.txt`` and ``a.md``) keep their suffix in the id instead.
    """
    found: list[tuple[Path, str]] = []
    for root in paths:
        if str(root) == "-":
            found.append((root, "stdin"))
        elif root.is_dir():
            prefix = root.name if len(paths) > 1 else ""
            for path in sorted(_walk(root, globs)):
                rel = path.relative_to(root)
                found.append((path, str(Path(prefix, rel.with_suffix(""))).lstrip("/")))
        elif root.exists() or root.is_symlink():  # taken whatever its type; reading judges
            found.append((root, root.stem))
        else:
            raise UsageError(f"{root}: no such file or folder")
    counts: dict[str, int] = {}
    for _, ident in found:
        counts[ident] = counts.get(ident, 0) + 1
    return [Source(path, ident if counts[ident] == 1 else f"{ident}{path.suffix}")
            for path, ident in found]


def _walk(root: Path, globs: tuple[str, ...]):
    """Matching entries below ``root``, bad links and misnamed folders included."""
    from .reading import walk

    return walk(root, globs)


def read_source(source: Source, text_field: str = "text") -> list[Document | Failure]:
    """Every document in ``source`` (a JSONL file holds many); a bad file or record becomes
    a ``Failure`` with its reason, so callers can go on with the rest.

    The work is done by ``summarise.reading`` (formats, encodings, text hygiene).
    """
    from .reading import read_source as read

    try:
        return read(source, text_field)
    except DocumentError as exc:
        return [Failure(str(source.path), str(exc))]


def find_sources(paths: list[Path], globs: tuple[str, ...] | None = None) -> list[Source]:
    """``discover`` for the commands: no file found at all is a usage error."""
    globs = globs or DEFAULT_GLOBS
    sources = discover(paths, globs)
    if not sources:
        raise UsageError("no input files found under " + ", ".join(map(str, paths))
                         + " (folders are searched for " + ", ".join(globs)
                         + "; change with --glob)")
    return sources
