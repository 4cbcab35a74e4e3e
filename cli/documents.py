"""What reading produces: files found (``Source``), texts (``Document``), ``Failure`` and
``Skipped`` (a document already done).

Only the types live here, so that every layer can name them without importing the
readers; finding and reading files is ``summarise.reading``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Document:
    """One text to summarise; ``id`` names its output (a relative path without suffix)."""

    id: str
    source: str
    text: str
    lang: str | None = None  # declared source language, if known
    meta: dict = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class Failure:
    """A file or record that could not be summarised, and why (shown to the user)."""

    source: str
    reason: str

    def describe(self) -> str:
        """One line naming the source once (reasons mostly begin with it already)."""
        if self.reason.startswith(self.source):
            return self.reason
        return f"{self.source}: {self.reason}"


@dataclass
class Skipped:
    """A document whose output already exists for the same content and settings."""

    source: str
    id: str


@dataclass(frozen=True)
class Source:
    """A file found on disk and the id its output will carry."""

    path: Path
    id: str
