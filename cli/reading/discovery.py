"""Which files a run reads: the paths a user gives, walked, each with its output id."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..documents import Source
from ..errors import UsageError
from .files import walk

# Every format a folder can hold documents in (see ``formats.EXTENSIONS``). JSON Lines is
# left out: a .jsonl file is a dataset of many records, read only when named or globbed.
DEFAULT_GLOBS = ("*.txt", "*.text", "*.md", "*.markdown", "*.html", "*.htm", "*.xhtml",
                 "*.pdf", "*.docx")


def discover(paths: list[Path], globs: tuple[str, ...] = DEFAULT_GLOBS) -> list[Source]:
    """Files under ``paths`` in a stable order; folders are walked recursively.

    Folders contribute the entries matching ``globs`` (broken links and folders named
    like files included, so they are reported); a file given directly is taken whatever
    its type, and ``-`` is stdin.

    An output id depends only on the path it came from, never on what else is on the
    command line, so a rerun with one more path skips everything already done: a file
    under a folder is named by its path below that folder (without suffix; bytes of a
    name that are not UTF-8 as ``%XX``), a file given directly by its stem. Only when
    two paths on the command line would give the same id are the folders among them
    mirrored under their own name (``docs/a``); two files that still share an id
    (``a.txt`` and ``a.md``) keep their suffix in it.
    """
    per_root = [(root, list(_entries(root, globs))) for root in paths]
    owners: dict[str, set[int]] = {}
    for index, (_, entries) in enumerate(per_root):
        for _, ident in entries:
            owners.setdefault(ident, set()).add(index)
    clashing = {index for shared in owners.values() if len(shared) > 1 for index in shared}
    found: list[tuple[Path, str]] = []
    for index, (root, entries) in enumerate(per_root):
        name = escape_id(Path(os.path.abspath(root)).name)
        mirror = index in clashing and root.is_dir()
        found += [(path, f"{name}/{ident}" if mirror else ident) for path, ident in entries]
    counts: dict[str, int] = {}
    for _, ident in found:
        counts[ident] = counts.get(ident, 0) + 1
    sources = [Source(path, ident if counts[ident] == 1 else f"{ident}{escape_id(path.suffix)}")
               for path, ident in found]
    _refuse_shared_ids(sources)
    return sources


def _entries(root: Path, globs: tuple[str, ...]) -> list[tuple[Path, str]]:
    """The files of one command-line path, each with its id relative to that path."""
    if str(root) == "-":
        return [(root, "stdin")]
    if root.is_dir():
        return [(path, escape_id(path.relative_to(root).with_suffix("").as_posix()))
                for path in sorted(walk(root, globs))]
    if root.exists() or root.is_symlink():  # taken whatever its type; reading judges
        return [(root, escape_id(root.stem))]
    raise UsageError(f"{root}: no such file or folder")


def _refuse_shared_ids(sources: list[Source]) -> None:
    """Two inputs that would still write one output (two folders both named ``docs``):
    a usage error naming both, rather than one output silently overwriting the other."""
    first: dict[str, Source] = {}
    for source in sources:
        if source.id in first and str(source.path) != str(first[source.id].path):
            raise UsageError(
                f"{first[source.id].path} and {source.path} would both be written as "
                f"{source.id!r}; give their folders different names, or run them separately "
                "(--out for each)")
        first.setdefault(source.id, source)


def escape_id(ident: str) -> str:
    """An id from a file name that is not valid UTF-8 (the undecodable bytes come as
    surrogates) with each such byte written as ``%XX``: it names an output file and goes
    into JSON, both of which need real text."""
    return re.sub("[\udc80-\udcff]", lambda m: f"%{ord(m.group()) - 0xDC00:02X}", ident)


def find_sources(paths: list[Path], globs: tuple[str, ...] | None = None) -> list[Source]:
    """``discover`` for the commands: no file found at all is a usage error."""
    globs = globs or DEFAULT_GLOBS
    sources = discover(paths, globs)
    if not sources:
        raise UsageError("no input files found under " + ", ".join(map(str, paths))
                         + " (folders are searched for " + ", ".join(globs)
                         + "; change with --glob, e.g. --glob '*.jsonl' for JSON Lines)")
    return sources
