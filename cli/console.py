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


class Verbosity:
    """What the global flags (--quiet, --verbose, --debug) asked for, set by the app's
    entry for each command line; the reporter is made from it once, on first use."""

    level = NORMAL
    debug = False
    reporter: Reporter | None = None

    @classmethod
    def start(cls, level: int = NORMAL, debug: bool = False) -> None:
        cls.level, cls.debug, cls.reporter = level, debug, None


def current_reporter() -> Reporter:
    """The command line's one reporter (a plain one outside the command line)."""
    if Verbosity.reporter is None:
        Verbosity.reporter = Reporter(Verbosity.level)
    return Verbosity.reporter


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

    def failed(self, message: str) -> None:
        """A document that could not be done: shown at every level, --quiet included,
        since it is why the command exits 1."""
        self.console.print(f"error: {message}", markup=False, style="bold red")

    def error(self, message: str) -> None:
        self.console.print(f"error: {message}", markup=False, style="bold red")

    @contextmanager
    def progress(self, total: int, what: str = "documents"):
        """Yields a ``Tally``: call it as ``advance(n, label)``; ``grow(n)`` when the work
        turns out bigger (a JSONL file holds many documents); ``note(text)`` says what the
        item in hand is doing (a long document's chunks; off a terminal at most one line
        every few seconds), ``alert(text)`` the same, always shown (a slow document). A
        bar on a terminal, log lines otherwise."""
        tally = Tally(total, what)
        if self.level < NORMAL:
            yield tally
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
            with Progress(*columns, console=self.console, transient=False) as bar:
                task = bar.add_task(what, total=total, rate="", label="")
                tally.show = lambda label: bar.update(
                    task, completed=tally.done, total=tally.total, rate=tally.rate(),
                    label=label)
                tally.note = lambda text: bar.update(task, label=text)

                def alert(text: str) -> None:  # a line above the bar, kept on screen
                    bar.console.print(text, markup=False, style="yellow")
                    bar.update(task, label=text)

                tally.alert = alert
                yield tally
            return
        last = [float("-inf")]

        def log(label: str) -> None:
            """A line for the first and last item and at most one every few seconds."""
            now = time.perf_counter()
            if tally.done not in (tally.first, tally.total) and now - last[0] < LOG_EVERY_SECONDS:
                return
            last[0] = now
            rate = tally.rate()
            print(f"[{tally.done}/{tally.total}] {label}" + (f" ({rate})" if rate else ""),
                  file=sys.stderr, flush=True)

        def note(text: str) -> None:
            now = time.perf_counter()
            if now - last[0] >= LOG_EVERY_SECONDS:
                last[0] = now
                print(f"[{tally.done}/{tally.total}] {text}", file=sys.stderr, flush=True)

        def alert(text: str) -> None:
            last[0] = time.perf_counter()
            print(f"[{tally.done}/{tally.total}] {text}", file=sys.stderr, flush=True)

        tally.show, tally.note, tally.alert = log, note, alert
        yield tally


# Piped tables (a file, `| less`, CI logs) get this width: wide enough that rich never
# cuts a header or a metric name to "ROUGE-…"; a table still takes only what it needs.
PIPED_WIDTH = 1000


def stdout_console():
    """A rich Console for tables on stdout: the terminal's width, or ``PIPED_WIDTH`` when
    stdout is not a terminal. ``is_terminal`` tells callers to prefer full names."""
    from rich.console import Console

    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=PIPED_WIDTH)


# No rate before this much time has passed: a few quick items (a predictions file, skipped
# documents) would otherwise show a rate of nothing.
RATE_AFTER_SECONDS = 1.0


class Tally:
    """Progress counts: how many items of how many are done, and what one costs.

    One unit throughout, seconds per item ("5.9 s per document"). Items that come with
    their own ``seconds`` (a run's documents: their share of their batch, the figure
    run.json records as ``batch_seconds_per_document``) are averaged, so the line and
    run.json agree; otherwise the wall time so far is shared among the timed items.
    Items passed with ``timed=False`` (skipped as up to date, failed) count as done but
    not in the rate, which says what the work itself costs.
    """

    def __init__(self, total: int, what: str = "documents"):
        self.total, self.what = total, what
        self.done = self.timed = 0
        self.seconds = 0.0  # the sum of the ``seconds`` given with timed items
        self.measured = 0  # how many timed items came with their own seconds
        self.first: int | None = None  # the count after the first advance: log it
        self.started = time.perf_counter()
        self.show = lambda label: None
        self.note = lambda text: None  # what the current item is doing
        self.alert = lambda text: None  # a note never left out (a slow document)

    def __call__(self, n: int = 1, label: str = "", timed: bool = True,
                 seconds: float | None = None) -> None:
        """``n`` more items done; ``seconds``: what each of them took, if known."""
        self.done += n
        self.timed += n if timed else 0
        if timed and seconds is not None:
            self.seconds += seconds * n
            self.measured += n
        if self.first is None:
            self.first = self.done
        self.total = max(self.total, self.done)  # never "[5/1]"
        self.show(label)

    def grow(self, n: int) -> None:
        """``n`` more items than announced (a file turned out to hold several documents)."""
        self.total += n

    def rate(self) -> str:
        unit = self.what.removesuffix("s")
        if self.measured:
            return f"{self.seconds / self.measured:.1f} s per {unit}"
        elapsed = time.perf_counter() - self.started
        if not self.timed or elapsed < RATE_AFTER_SECONDS:
            return ""
        return f"{elapsed / self.timed:.1f} s per {unit}"
