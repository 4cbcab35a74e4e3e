"""Which hub commit each model we name is fetched at: the ``revision`` of its entry in
``summarise.data/profiles.toml``.

A hub id alone means "whatever main is today", which changes under a user (or holds only
pickle weights, as opus-mt's main does). The models a preset or default names are pinned to
one commit; a user pins their own with ``owner/name@REVISION``. Kept free of heavy imports.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

COMMIT = re.compile(r"[0-9a-f]{40}")
PINS_FILE = "profiles.toml"  # beside the other facts of each model: one data file


@dataclass(frozen=True)
class Pin:
    """A model's pinned commit and licence, with the page each was read from."""

    name: str
    revision: str
    revision_source: str
    licence: str
    licence_source: str


@cache
def pins() -> dict[str, Pin]:
    """The package's pins; a pin that is not a full commit hash is a packaging bug."""
    text = resources.files("summarise.data").joinpath(PINS_FILE).read_text(encoding="utf-8")
    models = tomllib.loads(text).get("models", {})
    return {name: Pin(name, entry["revision"], entry["sources"]["revision"], entry["licence"],
                      entry["sources"]["licence"])
            for name, entry in models.items() if "revision" in entry}


def pin_for(name: str) -> Pin | None:
    return pins().get(name)


def split_revision(spec: str) -> tuple[str, str | None]:
    """``owner/name@REV`` -> ``("owner/name", "REV")``; without ``@`` the revision is None."""
    name, sep, revision = spec.partition("@")
    return (name, revision or None) if sep else (spec, None)


def revision_for(spec: str) -> tuple[str, str | None, bool]:
    """The hub id, the revision to fetch and whether it is the package's pin: the user's
    ``@REV`` wins, then the pin; None means main (an unpinned model)."""
    name, revision = split_revision(spec)
    if revision:
        return name, revision, False
    pin = pin_for(name)
    return (name, pin.revision, True) if pin else (name, None, False)
