"""Which files a run reads: the paths a user gives, walked, each with its output id."""

from __future__ import annotations

import re
from pathlib import Path

from ..documents import Source
from ..errors import UsageError
from .files import walk

DEFAULT_GLOBS = ("*.txt", "*.md")


def discover(paths: list[Path], globs: tuple[str, ...] = DEFAULT_GLOBS) -> list[Source]:
    """Files under ``paths`` in a stable order; folders are walked recursively.

    Folders contribute the entries matching ``globs`` (broken links and folders named
    like files included, so they are reported); a file given directly is taken whatever
    its type, and ``-`` is stdin.

    An output id mirrors the file's path below the folder it was found in (without
    suffix; bytes of a name that are not UTF-8 as ``%XX``); a file given directly is
    named by its stem.  Two files that would get the
    same id (``a.txt`` and ``a.md``) keep their suffix in the id instead.
    """
    found: list[tuple[Path, str]] = []
    for root in paths:
        if str(root) == "-":
            found.append((root, "stdin"))
        elif root.is_dir():
            prefix = root.name if len(paths) > 1 else ""
            for path in sorted(walk(root, globs)):
                rel = path.relative_to(root)
                found.append((path, str(Path(prefix, rel.with_suffix(""))).lstrip("/")))
        elif root.exists() or root.is_symlink():  # taken whatever its type; reading judges
            found.append((root, root.stem))
        else:
            raise UsageError(f"{root}: no such file or folder")
    found = [(path, escape_id(ident)) for path, ident in found]
    counts: dict[str, int] = {}
    for _, ident in found:
        counts[ident] = counts.get(ident, 0) + 1
    return [Source(path, ident if counts[ident] == 1 else f"{ident}{escape_id(path.suffix)}")
            for path, ident in found]


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
                         + "; change with --glob)")
    return sources
