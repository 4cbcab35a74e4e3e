"""Errors a user can act on: each carries the message the CLI prints (no traceback)."""


class SummariseError(Exception):
    """Base for every error the CLI reports as a one-line message."""

    exit_code = 1


class UsageError(SummariseError):
    """The command line or the config asks for something that cannot be done."""

    exit_code = 2


class ModelUnavailable(SummariseError):
    """A model is neither a local folder nor in the cache, and cannot be downloaded now."""

    exit_code = 1


class DocumentError(SummariseError):
    """One input document cannot be read or summarised; the batch goes on without it."""
