"""Check before work: every mistake a run can find in a second is found before a model
loads.

A run resolves every model it can need — the summariser, and each translator direction
the plans need for the source languages it will meet (``--source-lang``, or a quick
language pass over the inputs: reading is cheap next to a model) — checks that ``--out``
is a folder it can write, and checks the prompt template. Every problem is one line
naming the flag or key to fix; together they are one ``PreflightError`` (exit 2).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .config_schema import LANGS
from .errors import PreflightError, SummariseError
from .modelkind import ModelKind
from .plan import Plan, directions


@dataclass(frozen=True)
class Checked:
    """What the checks learnt: the summariser's kind, and the plans the run needs (those
    of the languages a language pass found, when one was made)."""

    kind: ModelKind
    plans: tuple[Plan, ...]


def preflight(settings, registry, plans: list[Plan], out: Path | None = None,
              narrow: Callable[[], list[Plan]] | None = None) -> Checked:
    """Raise ``PreflightError`` listing every problem found; nothing loads or runs.

    ``plans``: the routes the run may take; every translator they use is resolved.
    ``narrow``, when given, returns the plans the inputs really need (a language pass);
    it is called only when a translator is missing, since a run over German files alone
    must not fail for want of an English one.
    """
    problems = check_out_dir(out) if out is not None else []
    problems += _lines(lambda: check_prompt(settings, plans))
    kinds: list[ModelKind] = []
    problems += _lines(lambda: kinds.append(registry.summariser_kind(plans)))
    if settings.checker:
        problems += _lines(registry.check_checker)
    missing = {d: _lines(lambda d=d: _resolve_translator(registry, d))
               for d in directions(plans)}
    missing = {d: lines for d, lines in missing.items() if lines}
    if missing and narrow:
        plans = narrow()
    needed = set(directions(plans))
    problems += [line for d, lines in missing.items() if d in needed for line in lines]
    if problems:
        raise PreflightError(problems)
    return Checked(kinds[0], tuple(plans))


def gather(*checks: Callable[[], object]) -> None:
    """Run every check; one ``PreflightError`` with all their problems, if any."""
    problems = [line for check in checks for line in _lines(check)]
    if problems:
        raise PreflightError(problems)


def require_out_dir(out: Path | None) -> None:
    """``check_out_dir`` as a check for ``gather``."""
    problems = check_out_dir(out) if out is not None else []
    if problems:
        raise PreflightError(problems)


def check_prompt(settings, plans: list[Plan] | None = None) -> None:
    from .prompting import check_prompt_settings

    check_prompt_settings(settings, plans)


def _resolve_translator(registry, direction: str) -> None:
    registry.check_translator(*direction.split("-"))


def _lines(check) -> list[str]:
    try:
        check()
    except SummariseError as exc:
        return exc.lines()
    return []


def check_out_dir(out: Path) -> list[str]:
    """``--out`` must be a folder this process can write: made if missing, then probed
    with a real file (permission bits do not bind root; a read-only mount or /proc does)."""
    if out.exists() and not out.is_dir():
        return [f"--out {out} is a file, not a folder; give a folder (it is made if missing)"]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return [f"--out {out}: cannot make the folder ({why_unwritable(out, exc)}); give a "
                "folder you can write"]
    try:
        fd, probe = tempfile.mkstemp(dir=out, prefix=".summarise-probe-")
        try:
            os.write(fd, b"ok")
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        return [f"--out {out}: cannot write there ({why_unwritable(out, exc)}); give a folder "
                "you can write"]
    return []


# File systems through which the kernel shows its state: no place for files, and what they
# answer to a new file ("No such file or directory" in /proc) says nothing about why.
KERNEL_FILE_SYSTEMS = {"proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "debugfs",
                       "tracefs", "securityfs", "configfs", "pstore", "bpf", "mqueue",
                       "hugetlbfs", "fusectl", "binfmt_misc", "efivarfs"}


def why_unwritable(path: Path, exc: OSError) -> str:
    """What stops a file being written at ``path``, in words a user can act on."""
    kind = file_system_type(path)
    if kind in KERNEL_FILE_SYSTEMS:
        return f"it is on the kernel's {kind} file system, which holds no ordinary files"
    return exc.strerror or str(exc)


def file_system_type(path: Path, mounts: Path = Path("/proc/self/mounts")) -> str | None:
    """The type of the file system ``path`` is on, from the longest mount point above it
    (Linux); None where the mount table cannot be read."""
    try:
        table = mounts.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    target = os.path.realpath(path)
    best, kind = "", None
    for line in table:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


@dataclass
class LanguagePass:
    """The source languages of the inputs, and each document's detected language by id,
    so that the run does not detect them again."""

    langs: tuple[str, ...] = ()
    detected: dict = field(default_factory=dict)


def language_pass(settings, sources, text_field: str = "text") -> LanguagePass:
    """The source languages of the inputs, read and detected as a run would (a document
    in another language fails in the run itself, with its own message). Stdin can be
    read only once, so it counts as any language."""
    if settings.source_lang != "auto":
        return LanguagePass((settings.source_lang,))
    from .documents import Document
    from .langdetect import detect_language
    from .reading import read_source

    found: set[str] = set()
    detected = {}
    for source in sources:
        if str(source.path) == "-":
            return LanguagePass(LANGS, detected)
        for item in read_source(source, text_field):
            if isinstance(item, Document):
                if item.lang:
                    found.add(item.lang)
                else:
                    detected[item.id] = detect_language(item.text)
                    found.add(detected[item.id].lang)
        if found >= set(LANGS):
            break
    return LanguagePass(tuple(lang for lang in LANGS if lang in found), detected)
