"""Errors a user can act on: each carries the message the CLI prints (no traceback).

Commands raise these; the app's entry (``app.DefaultGroup.invoke``) is the one place
that turns them, and the few outside errors listed in ``known_error``, into one-line
messages and exit codes. Anything else is a bug: one line and a log file holding the
traceback.
"""


class SummariseError(Exception):
    """Base for every error the CLI reports as a one-line message."""

    exit_code = 1

    def lines(self) -> list[str]:
        """The message, one problem per line."""
        return str(self).splitlines() or [type(self).__name__]


class UsageError(SummariseError):
    """The command line or the config asks for something that cannot be done."""

    exit_code = 2


class ModelUnavailable(SummariseError):
    """A model is neither a local folder nor in the cache, and cannot be downloaded now."""

    exit_code = 1


class DocumentError(SummariseError):
    """One input document cannot be read or summarised; the batch goes on without it."""


class PreflightError(UsageError):
    """Problems found before any model loads, each a line naming the flag or key to fix."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = list(problems)

    def lines(self) -> list[str]:
        return self.problems


INTERRUPTED = 130
OUT_OF_MEMORY = ("out of memory: try a smaller --batch-size (e.g. 1), --dtype bf16 or "
                 "--quantize int8, or fewer documents at a time")


def known_error(exc: BaseException) -> tuple[list[str], int] | None:
    """The message lines and exit code of an error a user can act on; None for a bug."""
    if isinstance(exc, SummariseError):
        return exc.lines(), exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return ["interrupted"], INTERRUPTED
    if isinstance(exc, MemoryError) or type(exc).__name__ == "OutOfMemoryError":  # torch's
        return [OUT_OF_MEMORY], 1
    return None
