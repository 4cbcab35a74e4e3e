"""Model profiles: what a model's authors documented (input window, task prefix, the
longest summary it was trained to write, decoding), read from ``summarise/data/profiles.toml``
instead of guessed from files that often do not say (the mT5 summariser's tokenizer names
no window, so 512 was assumed where the authors trained on 800 tokens).

A model is matched by its hub id; a local folder by a ``summarise-profile.toml`` of its
own (a fine-tune, a test fixture), else by its architecture's family entry. Decoding
settings resolve in this order: what the user set (a flag or a config file), then the
profile, then summarise's defaults.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..config import Generation
from ..errors import UsageError

# A model folder may describe itself with this file (the same keys as one entry of
# profiles.toml); it wins over the family entry.
FOLDER_PROFILE = "summarise-profile.toml"
DECODING_KEYS = ("beams", "no_repeat_ngram_size", "repetition_penalty")
# summarise's own defaults where neither the user nor a profile says: greedy (fast, and
# one pass serves every length), no repetition penalty, and a ban on repeated trigrams
# (greedy abstractive models loop without it). A model whose authors decoded without
# the ban (opus-mt) says so in its profile.
DEFAULTS = {"beams": 1, "no_repeat_ngram_size": 3, "repetition_penalty": 1.0}
_KEYS = {"revision": str, "licence": str, "window": int, "prefix": str, "output_tokens": int,
         "decoding": dict, "published": dict, "why": str, "sources": dict}


@dataclass(frozen=True)
class Profile:
    """One model's documented facts; every field may be absent (None or empty)."""

    key: str = "none"  # the entry that matched: a hub id, "family mt5", a folder's file
    revision: str | None = None  # read by pins.py, which must stay free of heavy imports
    licence: str | None = None
    window: int | None = None
    prefix: str | None = None
    output_tokens: int | None = None
    decoding: dict = field(default_factory=dict)
    published: dict = field(default_factory=dict)
    why: str = ""
    sources: dict = field(default_factory=dict)

    def over(self, base: Profile) -> Profile:
        """This profile with ``base`` filling what it leaves out (an id over its family)."""
        values = {name: getattr(self, name) for name in _KEYS}
        for name, value in values.items():
            if value in (None, "", {}):
                values[name] = getattr(base, name)
        decoding = {**base.decoding, **self.decoding}
        sources = {**base.sources, **self.sources}
        return Profile(key=self.key if self.key != "none" else base.key,
                       **{**values, "decoding": decoding, "sources": sources})

    def manifest(self) -> dict:
        """For run.json: which entry matched and the facts used from it, with sources."""
        facts = {"window": self.window, "prefix": self.prefix,
                 "output_tokens": self.output_tokens}
        return {"profile": self.key, **{k: v for k, v in facts.items() if v is not None},
                "profile_sources": dict(self.sources)}


def _profile(key: str, data: dict, origin: str) -> Profile:
    """A ``Profile`` from one TOML table, refusing unknown keys and wrong types."""
    for name, value in data.items():
        kind = _KEYS.get(name)
        if kind is None:
            raise UsageError(f"{origin}: unknown key {name!r} in profile {key!r}; "
                             f"use {', '.join(_KEYS)}")
        if not isinstance(value, kind) or isinstance(value, bool):
            raise UsageError(f"{origin}: {name} = {value!r} in profile {key!r} should be "
                             f"a {kind.__name__}")
    for name in data.get("decoding", {}):
        if name not in DECODING_KEYS:
            raise UsageError(f"{origin}: decoding.{name} in profile {key!r} is not a "
                             f"decoding setting; use {', '.join(DECODING_KEYS)}")
    return Profile(key=key, **data)


@lru_cache(maxsize=1)
def shipped() -> tuple[dict[str, Profile], dict[str, Profile]]:
    """(by lower-cased hub id, by model_type) from the package's profiles.toml."""
    text = resources.files("summarise.data").joinpath("profiles.toml").read_text("utf-8")
    data = tomllib.loads(text)
    models = {name.lower(): _profile(name, entry, "profiles.toml")
              for name, entry in data.get("models", {}).items()}
    families = {name: _profile(f"family {name}", entry, "profiles.toml")
                for name, entry in data.get("families", {}).items()}
    return models, families


def folder_profile(path: Path) -> Profile | None:
    """The profile a model folder declares for itself, if any."""
    file = Path(path) / FOLDER_PROFILE
    if not file.is_file():
        return None
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{file} is not valid TOML ({exc}); fix it or delete it") from None
    return _profile(str(file), data, str(file))


def hub_id(name: str) -> str:
    """``owner/name`` without a pinned ``@revision``, lower-cased for matching."""
    return name.split("@", 1)[0].strip().lower()


def profile_for(name: str, path: Path | None, model_type: str | None) -> Profile:
    """The profile of the model the user named ``name`` (files in ``path``): its hub id's
    entry, else the folder's own file, over its architecture's family entry."""
    models, families = shipped()
    family = families.get(model_type or "", Profile())
    own = models.get(hub_id(name))
    if own is None and path is not None:
        own = folder_profile(path)
    return own.over(family) if own is not None else family


def profile_of(loaded) -> Profile:
    """The profile of a loaded model (torch or CTranslate2)."""
    return profile_for(loaded.ref.name, loaded.ref.path,
                       getattr(loaded.config, "model_type", None))


def resolve_generation(generation: Generation, profile: Profile) -> Generation:
    """``generation`` with every decoding setting the user left unset (None) filled from
    the profile, else from summarise's defaults."""
    filled = {}
    for key in DECODING_KEYS:
        if getattr(generation, key) is None:
            filled[key] = profile.decoding.get(key, DEFAULTS[key])
    return replace(generation, **filled)


def used(profile: Profile, generation: Generation, window: int) -> dict:
    """What run.json records for one model: the profile, the window it read and the
    decoding it used."""
    return {**profile.manifest(), "window": window,
            "decoding": {key: getattr(generation, key) for key in DECODING_KEYS}}
