"""The file system side of reading: finding files in folders and getting their bytes.

Every way a path can fail (missing, a broken or looping symbolic link, a folder, a
FIFO, no permission, too large) becomes a ``DocumentError`` that names the path and
says what to do, so one bad entry never stops a batch.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from ..errors import DocumentError, UsageError

STDIN = "-"
# Far above any document worth summarising (a 50,000-word book is under 1 MB of text);
# refusing bigger files keeps a stray disk image or database dump from eating memory.
MAX_BYTES = 256 * 1024 * 1024


def display_name(path: Path) -> str:
    """How messages name ``path``; stdin is ``<stdin>``."""
    return "<stdin>" if str(path) == STDIN else str(path)


def read_bytes(path: Path) -> bytes:
    """The raw content of ``path`` (``-`` is stdin)."""
    if str(path) == STDIN:
        if sys.stdin is None:
            raise DocumentError("<stdin>: there is no standard input; give a file instead")
        stream = getattr(sys.stdin, "buffer", None)
        return stream.read() if stream else sys.stdin.read().encode("utf-8")
    try:
        info = path.stat()
    except OSError as exc:
        raise DocumentError(_stat_problem(path, exc)) from None
    if stat.S_ISDIR(info.st_mode):
        if not os.access(path, os.R_OK | os.X_OK):
            raise DocumentError(f"{path}: is a folder that cannot be read (permission "
                                "denied); check its permissions")
        raise DocumentError(f"{path}: is a folder, not a file (its name looks like a "
                            "file's); give the files inside it, or the folder to walk it")
    if not stat.S_ISREG(info.st_mode):
        raise DocumentError(f"{path}: is not a regular file (a pipe, socket or device); "
                            "save its content to a file first")
    if info.st_size > MAX_BYTES:
        raise DocumentError(f"{path}: is too large to summarise ({info.st_size / 2**20:.0f} "
                            f"MiB, limit {MAX_BYTES // 2**20} MiB); split it first")
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise DocumentError(_stat_problem(path, exc)) from None


def _stat_problem(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return (f"{path}: is a symbolic link loop (the link leads back to itself); "
                "fix or remove the link")
    if exc.errno == errno.ENOENT and path.is_symlink():
        return (f"{path}: is a broken symbolic link (its target {os.readlink(path)} does "
                "not exist); fix or remove the link")
    if exc.errno == errno.ENOENT:
        return f"{path}: no such file (was it moved or deleted?)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"{path}: cannot be read (permission denied); check its permissions"
    return f"{path}: cannot be read ({exc.strerror or exc}); check the file and the disk"


def walk(root: Path, globs: tuple[str, ...]) -> Iterator[Path]:
    """Entries below ``root`` whose names match ``globs``, for ``discover``.

    Patterns match the file name case-insensitively (``*.txt`` finds ``A.TXT``); one
    with a ``/`` matches the end of the path below ``root``.  Hidden files and folders
    (``.git``, ``.venv``) are skipped.  Broken or looping symbolic links and folders
    that match are listed too, so that reading reports them instead of their silently
    going missing; a linked folder is walked once, however many links lead to it.
    """
    seen = {os.path.realpath(root)}
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            if folder == root:
                raise UsageError(f"{root}: cannot list this folder "
                                 f"({exc.strerror or exc}); check its permissions") from None
            yield folder  # reading says why it cannot be listed
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if _matches(path.relative_to(root), globs):
                yield path
            if _is_dir(entry):
                real = os.path.realpath(path)
                if real not in seen:
                    seen.add(real)
                    pending.append(path)


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()  # follows links; False for broken or looping ones
    except OSError:
        return False


def _matches(relative: Path, globs: tuple[str, ...]) -> bool:
    name = relative.name.lower()
    for pattern in globs:
        pattern = pattern.lower().removeprefix("**/")
        if "/" in pattern:
            if PurePosixPath(relative.as_posix().lower()).match(pattern):
                return True
        elif fnmatch.fnmatchcase(name, pattern):
            return True
    return False
