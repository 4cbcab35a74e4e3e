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
    """How messages and outputs name ``path``; stdin is ``<stdin>``. Bytes of a name that
    are not UTF-8 (latin-1 names from old shares) are shown escaped, as in ``caf\\xe9.txt``,
    so the name can always be printed and written to JSON."""
    if str(path) == STDIN:
        return "<stdin>"
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def name_bytes(path: Path) -> str | None:
    """The name's bytes in hex when they are not UTF-8 (to record the original), else None."""
    raw = os.fsencode(path)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.hex()
    return None


def read_bytes(path: Path) -> bytes:
    """The raw content of ``path`` (``-`` is stdin)."""
    if str(path) == STDIN:
        if sys.stdin is None:
            raise DocumentError("<stdin>: there is no standard input; give a file instead")
        stream = getattr(sys.stdin, "buffer", None)
        return stream.read() if stream else sys.stdin.read().encode("utf-8")
    name = display_name(path)
    try:
        info = path.stat()
    except OSError as exc:
        raise DocumentError(_stat_problem(path, exc)) from None
    if stat.S_ISDIR(info.st_mode) and leads_back(path):
        raise DocumentError(f"{name}: is a symbolic link loop (it leads back "
                            "to a folder above it), so it was not followed; fix or remove "
                            "the link")
    if stat.S_ISDIR(info.st_mode):
        if not os.access(path, os.R_OK | os.X_OK):
            raise DocumentError(f"{name}: is a folder that cannot be read (permission "
                                "denied); check its permissions")
        raise DocumentError(f"{name}: is a folder, not a file (its name looks like a "
                            "file's); give the files inside it, or the folder to walk it")
    if not stat.S_ISREG(info.st_mode):
        raise DocumentError(f"{name}: is not a regular file (a pipe, socket or device); "
                            "save its content to a file first")
    if info.st_size > MAX_BYTES:
        raise DocumentError(f"{name}: is too large to summarise ({info.st_size / 2**20:.0f} "
                            f"MiB, limit {MAX_BYTES // 2**20} MiB); split it first")
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise DocumentError(_stat_problem(path, exc)) from None


def _stat_problem(path: Path, exc: OSError) -> str:
    name = display_name(path)
    if exc.errno == errno.ELOOP:
        return (f"{name}: is a symbolic link loop (the link leads back to itself); "
                "fix or remove the link")
    if exc.errno == errno.ENOENT and path.is_symlink():
        target = display_name(Path(os.readlink(path)))
        return (f"{name}: is a broken symbolic link (its target {target} does not "
                "exist); fix or remove the link")
    if exc.errno == errno.ENOENT:
        return f"{name}: no such file (was it moved or deleted?)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"{name}: cannot be read (permission denied); check its permissions"
    return f"{name}: cannot be read ({exc.strerror or exc}); check the file and the disk"


def walk(root: Path, globs: tuple[str, ...]) -> Iterator[Path]:
    """Entries below ``root`` whose names match ``globs``, for ``discover``.

    Patterns match the file name case-insensitively (``*.txt`` finds ``A.TXT``); one
    with a ``/`` matches the end of the path below ``root``.  Hidden files and folders
    (``.git``, ``.venv``) are skipped.  Broken or looping symbolic links and folders
    that match are listed too, so that reading reports them instead of their silently
    going missing, and so is every link that loops (to itself or up the tree), whatever
    its name; a linked folder is walked once, however many links lead to it.
    """
    seen = {os.path.realpath(root)}
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            if folder == root:
                raise UsageError(f"{display_name(root)}: cannot list this folder "
                                 f"({exc.strerror or exc}); check its permissions") from None
            yield folder  # reading says why it cannot be listed
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if _matches(path.relative_to(root), globs) or _loops(entry):
                yield path  # a loop is listed whatever its name, so it is reported
            if _is_dir(entry):
                real = os.path.realpath(path)
                if real not in seen:
                    seen.add(real)
                    pending.append(path)


def leads_back(path: Path) -> bool:
    """True for a symbolic link to the folder it is in or to one above it."""
    if not path.is_symlink():
        return False
    target = os.path.realpath(path)
    here = os.path.realpath(path.parent)
    return here == target or here.startswith(target.rstrip(os.sep) + os.sep)


def _loops(entry: os.DirEntry) -> bool:
    """A link that can never be read: it leads to itself, or back up the tree."""
    if not entry.is_symlink():
        return False
    try:
        os.stat(entry.path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return leads_back(Path(entry.path))


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
