"""One run at a time per output folder.

Two runs writing into one ``--out`` would overwrite each other's outputs and manifest
(or, with the same settings, do all the work twice). A lock file in the folder names
its holder (pid, host, start time); a second run stops at once with that in the
message. A lock left by a run that died (its process is gone on this host) is taken
over with a warning; one from another host cannot be checked, so the message says
how to remove it.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

from .errors import UsageError

LOCK_NAME = ".summarise.lock"


class RunLock:
    def __init__(self, folder: Path):
        self.path = folder / LOCK_NAME
        self.held = False
        self.took_over: dict | None = None  # the dead holder whose lock was taken

    def acquire(self) -> RunLock:
        mine = {"pid": os.getpid(), "host": socket.gethostname(),
                "started": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
        for _ in range(2):  # a second try after removing a dead holder's lock
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                holder = self._holder()
                if not _is_dead(holder):
                    raise UsageError(_in_use(self.path, holder)) from None
                self.took_over = holder
                self.path.unlink(missing_ok=True)
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(mine, handle)
            self.held = True
            return self
        raise UsageError(f"{self.path}: could not take the lock of this output folder; "
                         "is another run starting at the same time?")

    def release(self) -> None:
        if self.held:
            self.path.unlink(missing_ok=True)
            self.held = False

    def _holder(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}  # being written this instant, or garbage: treated as held


def _is_dead(holder: dict) -> bool:
    """True only when the holder ran on this host and its process is gone."""
    pid = holder.get("pid")
    if holder.get("host") != socket.gethostname() or not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def _in_use(path: Path, holder: dict) -> str:
    who = (f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, started "
           f"{holder.get('started', '?')}")
    return (f"{path.parent} is in use by another summarise run ({who}); wait for it to "
            f"finish or choose another --out. If that run is gone, delete {path}")
