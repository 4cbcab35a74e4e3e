"""A bug of ours ends a run with one line and a log file, never a bare traceback.

Everything a user can cause is reported as a message (``errors``) and every document's
own failure stays with that document (``isolation``); what is left is a bug in this
program. Its traceback goes to a log file the user can attach to a report, and
``--debug`` prints it as well.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

EXIT_CODE = 1


def log_folder() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "summarise" / "logs"


def write_log(exc: BaseException) -> Path:
    """The traceback in a new file (the user's cache, else the temp folder)."""
    text = "".join(traceback.format_exception(exc))
    name = f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    for folder in (log_folder(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            path.write_text(f"summarise {' '.join(sys.argv[1:])}\n\n{text}", encoding="utf-8")
            return path
        except OSError:
            continue
    raise OSError("no folder to write the crash log to")


def report(exc: BaseException, debug: bool = False) -> int:
    """Tell the user in one line (the traceback too with ``debug``); the exit code."""
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    try:
        where = f"the traceback is in {write_log(exc)}"
    except OSError:
        where = "no log file could be written"
    message = " ".join(str(exc).split())[:200]
    print(f"error: internal error ({type(exc).__name__}: {message}); this is a bug in "
          f"summarise, not a problem with your input. {where}; please report it with that "
          "file (--debug prints it here)", file=sys.stderr, flush=True)
    return EXIT_CODE
