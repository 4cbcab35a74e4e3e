"""Settings from their layers — defaults, config files, a ``--preset``, flags — and where
each value came from (``summarise config show``).

``ModelOptions`` holds the model and generation flags that ``run``, ``eval`` and
``config show`` share, as the command line gave them; ``settings_from_options`` is the
one function that turns them into checked ``Settings``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from .config import (
    MODEL_PRESETS,
    Settings,
    apply_config,
    apply_preset,
    checker_setting,
    config_files,
    parse_translator_options,
    read_config_file,
    settings_keys_in,
)
from .errors import UsageError

DEFAULT = "default"


@dataclass(frozen=True)
class ModelOptions:
    """The flags shared by the commands that run models; None or empty: not given."""

    config: Path | None = None
    preset: str | None = None
    summariser: str | None = None
    translator: tuple[str, ...] = ()
    strategy: str | None = None
    prompt: str | None = None
    prompt_file: Path | None = None
    model_kind: str | None = None
    device: str | None = None
    dtype: str | None = None
    batch_size: int | None = None
    beams: int | None = None
    threads: int | None = None
    backend: str | None = None
    quantize: str | None = None
    api_base: str | None = None
    api_key_env: str | None = None
    concurrency: int | None = None
    request_timeout: float | None = None
    retries: int | None = None
    context_window: int | None = None
    allow_pickle: bool = False
    checker: str | None = None
    lang: tuple[str, ...] = ()
    length: tuple[str, ...] = ()
    source_lang: str | None = None

    @classmethod
    def from_params(cls, params: dict) -> ModelOptions:
        """The options among a command's parsed parameters (``ctx.params``)."""
        names = {f.name for f in fields(cls)}
        given = {k: v for k, v in params.items() if k in names and v is not None}
        for key in ("translator", "lang", "length"):
            if key in given:
                given[key] = tuple(given[key])
        return cls(**given)

    def changes(self, settings: Settings) -> dict[str, object]:
        """Settings fields (dotted for nested ones) the flags set, by flag."""
        out: dict[str, object] = {}
        if self.strategy:
            out["strategy"] = self.strategy
        if self.lang:
            out["langs"] = tuple(dict.fromkeys(self.lang))
        if self.length:
            out["lengths"] = tuple(dict.fromkeys(self.length))
        if self.summariser:
            out["summariser"] = self.summariser
        if self.translator:
            out["translators"] = {**settings.translators,
                                  **parse_translator_options(list(self.translator))}
        if self.source_lang:
            out["source_lang"] = self.source_lang
        if self.allow_pickle:
            out["allow_pickle"] = True
        if self.prompt:
            out["prompt"], out["prompt_file"] = self.prompt, None
        if self.prompt_file:
            out["prompt_file"], out["prompt"] = str(self.prompt_file), None
        if self.model_kind:
            out["model_kind"] = self.model_kind
        if self.checker is not None:
            out["checker"] = checker_setting(self.checker)
        for key in ("device", "dtype", "batch_size", "beams", "threads", "backend",
                    "quantize"):
            value = getattr(self, key)
            if value is not None:
                out[f"generation.{key}"] = value
        for key in SERVER_KEYS:
            value = getattr(self, key)
            if value is not None:
                out[f"server.{key}"] = value
        return out


SERVER_KEYS = ("api_base", "api_key_env", "concurrency", "request_timeout", "retries",
               "context_window")
FLAG_OF = {"langs": "--lang", "lengths": "--length", "translators": "--translator",
           "model_kind": "--model-kind", "prompt_file": "--prompt-file"}


def settings_from_options(options: ModelOptions) -> Settings:
    """Config files, then the --preset, then the flags; checked once."""
    return layered_settings(options)[0]


def layered_settings(options: ModelOptions) -> tuple[Settings, dict[str, str]]:
    """The settings and, for every value (``flatten``'s keys), the layer that set it:
    ``default``, a config file's path, ``preset NAME`` or ``flag --NAME``. A layer that
    names a setting is its origin even when it sets the value it already had."""
    if options.prompt and options.prompt_file:
        raise UsageError("pass --prompt NAME or --prompt-file PATH, not both")
    settings = Settings()
    origins = dict.fromkeys(flatten(settings), DEFAULT)
    for path in config_files(options.config):
        data = read_config_file(path)
        settings = _mark(origins, settings, apply_config(settings, data, path), str(path),
                         settings_keys_in(data))
    if options.preset:
        settings = _mark(origins, settings, apply_preset(settings, options.preset),
                         f"preset {options.preset}", preset_keys(options.preset))
    changes = options.changes(settings)
    nested = {section: {k.split(".", 1)[1]: v for k, v in changes.items()
                        if k.startswith(f"{section}.")} for section in ("generation", "server")}
    plain = {k: v for k, v in changes.items() if "." not in k}
    flagged = replace(settings, **plain,
                      generation=replace(settings.generation, **nested["generation"]),
                      server=replace(settings.server, **nested["server"]))
    # --prompt clears prompt_file (and the reverse): the cleared one is not what was named
    named = {key for key, value in changes.items() if key != "translators" and value is not None}
    named |= {f"translators.{d}" for d in parse_translator_options(list(options.translator))}
    for key in _changed(settings, flagged) | named:
        top = key.split(".")[0]
        name = key.split(".")[1] if top in ("generation", "server") else top
        origins[key] = "flag " + FLAG_OF.get(name, "--" + name.replace("_", "-"))
    return flagged.validate(), origins


def preset_keys(name: str) -> set[str]:
    """The settings a ``--preset`` names (it also resets the model kind to auto)."""
    preset = MODEL_PRESETS[name]
    keys = {"model_kind", *(key for key in preset if key != "translators")}
    return keys | {f"translators.{d}" for d in preset.get("translators", {})}


_UNSET = object()


def _changed(before: Settings, after: Settings) -> set[str]:
    old = flatten(before)
    return {key for key, value in flatten(after).items() if old.get(key, _UNSET) != value}


def _mark(origins: dict[str, str], before: Settings, after: Settings, layer: str,
          named: set[str]) -> Settings:
    """Record ``layer`` as the origin of every value it names or changed; returns ``after``."""
    for key in _changed(before, after) | named:
        origins[key] = layer
    return after


def flatten(settings: Settings) -> dict[str, object]:
    """Every setting under a dotted name: ``generation.beams``, ``translators.de-en``."""
    data = asdict(settings)
    out: dict[str, object] = {}
    for key, value in data.items():
        if isinstance(value, dict) and key != "presets":
            for sub, item in value.items():
                out[f"{key}.{sub}"] = item
        elif key == "presets":
            for name, preset in value.items():
                out[f"presets.{name}"] = {"words": preset["words"],
                                          "sentences": preset["sentences"]}
        else:
            out[key] = list(value) if isinstance(value, tuple) else value
    return out
