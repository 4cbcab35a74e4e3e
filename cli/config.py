"""Run settings: built-in defaults, overridden by config files, overridden by flags.

Config files are TOML, read in this order (later wins):
``~/.config/summarise/config.toml`` (or ``$XDG_CONFIG_HOME``), then ``./summarise.toml``,
then the file given with ``--config``.  Example::

    [models]
    summariser = "./models/my-mt5"
    translators = { de-en = "Helsinki-NLP/opus-mt-de-en" }

    [lengths]
    short = { words = 20, sentences = 1 }

    [generation]
    beams = 2
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from .backends import BACKENDS, TORCH
from .config_schema import (
    DTYPES,
    LANGS,
    MODEL_KINDS,
    QUANTIZE,
    SCHEMA,
    check_config,
)
from .errors import PreflightError, UsageError
from .lengths import PRESETS, LengthPreset
from .plan import DEFAULT_STRATEGY, Strategy
from .serveropts import ServerOptions

DEFAULT_SUMMARISER = "T-Systems-onsite/mt5-small-sum-de-en-v2"
DEFAULT_TRANSLATORS = {
    "de-en": "Helsinki-NLP/opus-mt-de-en",
    "en-de": "Helsinki-NLP/opus-mt-en-de",
}
# --preset: tested model combinations for real use (README "Presets").
MODEL_PRESETS: dict[str, dict] = {
    "fast": {"summariser": DEFAULT_SUMMARISER, "translators": DEFAULT_TRANSLATORS,
             "strategy": Strategy.SUMMARISE_THEN_TRANSLATE},
    "llm": {"summariser": "Qwen/Qwen2.5-1.5B-Instruct", "strategy": Strategy.DIRECT},
    "english": {"summariser": "facebook/bart-large-cnn", "translators": DEFAULT_TRANSLATORS,
                "strategy": Strategy.SUMMARISE_THEN_TRANSLATE},
}


@dataclass(frozen=True)
class Generation:
    """Decoding settings shared by every model call of a run.

    ``beams``, ``no_repeat_ngram_size`` and ``repetition_penalty`` left at None are each
    model's own: its profile's, else summarise's default for its role
    (``models.profiles.resolve_generation``); a value set here wins for every model."""

    beams: int | None = None
    no_repeat_ngram_size: int | None = None
    repetition_penalty: float | None = None
    batch_size: int | None = None  # None: chosen from token counts
    device: str = "auto"
    dtype: str = "auto"
    threads: int | None = None
    backend: str = TORCH  # or another name registered in backends.BACKENDS
    quantize: str | None = None  # "int8": dynamic int8 weights (torch) / int8 compute (ct2)


@dataclass(frozen=True)
class Settings:
    summariser: str = DEFAULT_SUMMARISER
    translators: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TRANSLATORS))
    langs: tuple[str, ...] = LANGS
    lengths: tuple[str, ...] = tuple(PRESETS)
    presets: dict[str, LengthPreset] = field(default_factory=lambda: dict(PRESETS))
    source_lang: str = "auto"
    strategy: Strategy = DEFAULT_STRATEGY  # a plain string of a strategy is taken too
    generation: Generation = field(default_factory=Generation)
    allow_pickle: bool = False
    model_kind: str = "auto"  # --model-kind: auto, seq2seq, instruct or chat
    prompt: str | None = None  # --prompt NAME: a template shipped in summarise.prompts
    prompt_file: str | None = None  # --prompt-file PATH: the user's own template
    checker: str | None = None  # --checker MODEL: an NLI model scoring summary sentences
    server: ServerOptions = field(default_factory=ServerOptions)  # --backend openai

    def __post_init__(self):
        if not isinstance(self.strategy, Strategy) and self.strategy in set(Strategy):
            object.__setattr__(self, "strategy", Strategy(self.strategy))

    def source_langs(self) -> tuple[str, ...]:
        """The source languages a run may meet: --source-lang, or any supported one."""
        return LANGS if self.source_lang == "auto" else (self.source_lang,)

    @property
    def prompted(self) -> bool:
        """A prompt template is chosen (--prompt or --prompt-file), not the kind's own."""
        return bool(self.prompt or self.prompt_file)

    def validate(self) -> Settings:
        """Check every value; pure (reads no files: the prompt template and the models are
        checked by ``preflight``), and done once per settings object."""
        if getattr(self, "_valid", False):
            return self
        for lang in self.langs:
            if lang not in LANGS:
                raise UsageError(f"--lang {lang!r} is not supported; "
                                 f"choose from {', '.join(LANGS)}")
        for name in self.lengths:
            if name not in self.presets:
                raise UsageError(
                    f"--length {name!r} is unknown; choose from {', '.join(self.presets)}"
                )
        if self.source_lang not in ("auto", *LANGS):
            raise UsageError(f"--source-lang {self.source_lang!r}: use auto, de or en")
        Strategy.parse(self.strategy)
        for direction in self.translators:
            parse_direction(direction)
        if self.generation.backend not in BACKENDS:
            raise UsageError(f"--backend {self.generation.backend!r}: use one of "
                             f"{', '.join(BACKENDS)}")
        if self.generation.quantize not in (None, *QUANTIZE):
            raise UsageError(f"--quantize {self.generation.quantize!r}: use none or int8")
        if self.generation.dtype not in DTYPES:
            raise UsageError(f"--dtype {self.generation.dtype!r}: use auto, fp32, bf16 or fp16")
        for section in ("generation", "server"):  # the ranges config files get
            for key, spec in SCHEMA[section].items():
                value = getattr(getattr(self, section), key)
                if spec.min is not None and value is not None and value < spec.min:
                    raise UsageError(f"{section}.{key} = {value}: use {spec.min} or more")
        if BACKENDS[self.generation.backend].remote and not self.server.api_base:
            raise UsageError(f"--backend {self.generation.backend} needs --api-base URL (the "
                             "server's API, e.g. http://127.0.0.1:8000/v1), or api_base "
                             "under [server] in a config file")
        if self.model_kind not in MODEL_KINDS:
            raise UsageError(f"--model-kind {self.model_kind!r}: use one of "
                             f"{', '.join(MODEL_KINDS)}")
        object.__setattr__(self, "_valid", True)
        return self

    def manifest(self) -> dict:
        """The settings as plain JSON data, for run.json."""
        data = asdict(self)
        if BACKENDS[self.generation.backend].remote:  # the URL without credentials
            data["server"] = self.server.recorded()
        else:  # a local run's run.json and settings hash stay what they were
            del data["server"]
        data["presets"] = {k: {"words": v.words, "sentences": v.sentences}
                           for k, v in self.presets.items()}
        if self.prompt or self.prompt_file:  # an edited prompt file is a new setting
            from .prompting import template_fingerprint

            data["prompt_sha256"] = template_fingerprint(self)
        return data


def checker_setting(value: str) -> str | None:
    """``--checker`` / ``[models] checker``: a model, or ``none`` (or empty) for no checker,
    so that a flag can turn off one a config file asks for."""
    return None if value.strip().lower() in ("", "none") else value


def parse_direction(direction: str) -> tuple[str, str]:
    src, sep, tgt = direction.partition("-")
    if not sep or src not in LANGS or tgt not in LANGS or src == tgt:
        raise UsageError(f"translator direction {direction!r}: write it as de-en or en-de")
    return src, tgt


def parse_translator_options(values: list[str]) -> dict[str, str]:
    """``["de-en=MODEL", ...]`` -> ``{"de-en": "MODEL"}`` with a clear error on bad input."""
    result = {}
    for value in values:
        direction, sep, model = value.partition("=")
        if not sep or not model:
            raise UsageError(f"--translator {value!r}: write it as SRC-TGT=MODEL, "
                             "e.g. --translator de-en=Helsinki-NLP/opus-mt-de-en")
        parse_direction(direction)
        result[direction] = model
    return result


def config_candidates(explicit: Path | None = None) -> list[Path]:
    """Every place a config file is looked for, in the order they apply (later wins)."""
    base = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"))
    candidates = [base / "summarise" / "config.toml", Path("summarise.toml")]
    if explicit is not None:
        if not explicit.is_file():
            raise UsageError(f"--config {explicit}: no such file")
        candidates.append(explicit)
    return candidates


def config_files(explicit: Path | None = None) -> list[Path]:
    """The config files that exist, in the order they apply."""
    return [p for p in config_candidates(explicit) if p.is_file()]


def load_settings(explicit: Path | None = None) -> Settings:
    """Defaults with every config file applied on top."""
    settings = Settings()
    for path in config_files(explicit):
        settings = apply_config(settings, read_config_file(path), path)
    return settings


def read_config_file(path: Path) -> dict:
    """A config file's TOML (``apply_config`` checks it)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"config file {path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise UsageError(f"config file {path} cannot be read: {exc.strerror}") from None
    return data


def apply_config(settings: Settings, data: dict, origin: Path | str = "config") -> Settings:
    """``settings`` with a config file's values; every problem in ``data`` (an unknown key,
    a value of the wrong type) is a line of the error, naming the file and the key."""
    problems = check_config(data)
    if problems:
        raise PreflightError([f"{origin}: {problem}" for problem in problems])
    models = data.get("models", {})
    if "summariser" in models:
        settings = replace(settings, summariser=models["summariser"])
    if "kind" in models:
        settings = replace(settings, model_kind=models["kind"])
    if "translators" in models:
        settings = replace(settings, translators={**settings.translators,
                                                  **models["translators"]})
    if "checker" in models:  # "" or "none" turns off a checker an earlier file set
        settings = replace(settings, checker=checker_setting(models["checker"]))
    presets = dict(settings.presets)
    for name, spec in data.get("lengths", {}).items():
        presets[name] = LengthPreset(name, spec["words"], spec.get("sentences", 1))
    settings = replace(settings, presets=presets,
                       generation=replace(settings.generation, **data.get("generation", {})),
                       server=replace(settings.server, **data.get("server", {})))
    run = data.get("run", {})
    for key in ("langs", "lengths"):
        if key in run:
            settings = replace(settings, **{key: tuple(run[key])})
    for key in ("source_lang", "strategy", "prompt"):
        if key in run:
            settings = replace(settings, **{key: run[key]})
    if "prompt_file" in run:  # relative to the config file that names it
        base = Path(origin).parent if isinstance(origin, Path) else Path(".")
        settings = replace(settings, prompt_file=str(base / Path(run["prompt_file"]).expanduser()))
    return settings


# The Settings field each config key sets ([generation] keys set generation.KEY).
FIELD_OF_KEY = {("models", "summariser"): "summariser", ("models", "kind"): "model_kind",
                ("models", "translators"): "translators", ("models", "checker"): "checker",
                ("run", "langs"): "langs",
                ("run", "lengths"): "lengths", ("run", "source_lang"): "source_lang",
                ("run", "strategy"): "strategy", ("run", "prompt"): "prompt",
                ("run", "prompt_file"): "prompt_file"}


def settings_keys_in(data: dict) -> set[str]:
    """The settings (``layers.flatten``'s dotted names) a checked config file sets, whether
    or not to the value they already had: that file is where they come from."""
    keys = {f"presets.{name}" for name in data.get("lengths", {})}
    keys |= {f"{section}.{key}" for section in ("generation", "server")
             for key in data.get(section, {})}
    for section in ("models", "run"):
        for key, value in data.get(section, {}).items():
            field_name = FIELD_OF_KEY[section, key]
            if field_name == "translators":
                keys |= {f"translators.{direction}" for direction in value}
            else:
                keys.add(field_name)
    return keys


def apply_preset(settings: Settings, name: str | None) -> Settings:
    """``settings`` with the models and strategy of a ``--preset`` (fast, llm, english)."""
    if not name:
        return settings
    if name not in MODEL_PRESETS:
        raise UsageError(f"--preset {name!r}: use one of {', '.join(MODEL_PRESETS)}")
    preset = dict(MODEL_PRESETS[name])
    if "translators" in preset:
        preset["translators"] = {**settings.translators, **preset["translators"]}
    return replace(settings, model_kind="auto", **preset)
