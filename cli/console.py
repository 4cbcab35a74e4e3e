"""The one place that talks to the terminal: messages on stderr, progress, verbosity.

Results go to stdout through ``output``; everything here goes to stderr, so a script
can pipe stdout and still see what happened.  On a terminal a progress bar is shown;
elsewhere (CI, a log file) plain lines are written instead.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

from rich.console import Console

QUIET, NORMAL, VERBOSE = 0, 1, 2
LOG_EVERY_SECONDS = 5.0  # progress lines off a terminal (CI logs, files)


class Reporter:
    def __init__(self, level: int = NORMAL):
        self.level = level
        self.console = Console(stderr=True, highlight=False, soft_wrap=True)

    def info(self, message: str) -> None:
        if self.level >= NORMAL:
            self.console.print(message, markup=False)

    def debug(self, message: str) -> None:
        if self.level >= VERBOSE:
            self.console.print(message, markup=False, style="dim")

    def warn(self, message: str) -> None:
        if self.level >= NORMAL:
            self.console.print(f"warning: {message}", markup=False, style="yellow")

    def error(self, message: str) -> None:
        self.console.print(f"error: {message}", markup=False, style="bold red")

    @contextmanager
    def progress(self, total: int, what: str = "documents"):
        """Yields ``advance(n, label)``: a bar on a terminal, log lines otherwise."""
        if self.level < NORMAL:
            yield lambda n=1, label="": None
            return
        if self.console.is_terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                       TimeRemainingColumn(), TextColumn("{task.fields[label]}")]
            started = time.perf_counter()
            with Progress(*columns, console=self.console, transient=False) as bar:
                task = bar.add_task(what, total=total, rate="", label="")

                def advance(n: int = 1, label: str = "") -> None:
                    bar.advance(task, n)
                    done = bar.tasks[0].completed
                    rate = done / max(1e-9, time.perf_counter() - started)
                    bar.update(task, rate=f"{rate:.2f} {what}/s", label=label)

                yield advance
            return
        done, last = [0], [float("-inf")]
        started = time.perf_counter()

        def log(n: int = 1, label: str = "") -> None:
            """A line for the first and last item and at most one every few seconds."""
            done[0] += n
            now = time.perf_counter()
            if done[0] not in (n, total) and now - last[0] < LOG_EVERY_SECONDS:
                return
            last[0] = now
            rate = done[0] / max(1e-9, now - started)
            print(f"[{done[0]}/{total}] {label} ({rate:.2f} {what}/s)", file=sys.stderr,
                  flush=True)

        yield log
