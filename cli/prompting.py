"""Prompt templates as data: loaded from ``summarise.prompts`` or a file, rendered per call.

A template is one TOML file (see ``prompts/chat.toml``) with metadata and one section
per output language, each holding a system part, a user part and two length phrases.
Rendering fills in the document, the languages and the length; the document always
lands between the template's delimiters, and any delimiter inside the document is
removed first, so the text cannot end the block early and pose as instructions; the
model's own control tokens inside it are broken (see ``controltokens``).

Kept free of torch and transformers, so ``prompts list`` and ``--dry-run`` are instant.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .config_schema import LANGS
from .controltokens import neutralise
from .errors import UsageError
from .lengths import LengthPreset
from .plan import SUMMARIES, possible_plans, prompt_languages

PACKAGE = "summarise.prompts"
SUPPORTED_LANGS = LANGS
TEMPLATE_KINDS = ("chat", "instruct")
# The template a model kind gets when neither --prompt nor --prompt-file is given.
DEFAULT_PROMPTS = {"chat": "chat", "instruct": "instruct"}
# Language names as each prompt language writes them: NAMES[prompt language][language].
LANGUAGE_NAMES = {"de": {"de": "Deutsch", "en": "Englisch"},
                  "en": {"de": "German", "en": "English"}}
PLACEHOLDERS = ("document", "language", "source_language", "words", "sentences", "length")
LENGTH_PLACEHOLDERS = ("words", "sentences")
SECTION_KEYS = ("system", "user", "length_one", "length_many")
TOP_KEYS = ("name", "description", "languages", "kinds", "delimiters", *SUPPORTED_LANGS)


@dataclass(frozen=True)
class RenderedPrompt:
    """What the model is given: an optional system part and the user part."""

    system: str
    user: str

    def as_text(self) -> str:
        """One plain text for models without roles (flan-t5, mt0)."""
        return f"{self.system}\n\n{self.user}" if self.system else self.user

    def messages(self) -> list[dict[str, str]]:
        """Chat messages for a tokenizer's chat template."""
        head = [{"role": "system", "content": self.system}] if self.system else []
        return [*head, {"role": "user", "content": self.user}]


@dataclass(frozen=True)
class Section:
    """The parts of a template for one output language."""

    system: str
    user: str
    length_one: str
    length_many: str


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    description: str
    languages: tuple[str, ...]
    kinds: tuple[str, ...]
    delimiters: tuple[str, str]
    sections: dict[str, Section]
    origin: str  # "built-in" or the file it came from
    source: str = field(default="", repr=False)  # the TOML text, for `prompts show`

    def render(self, document: str, lang: str, source_lang: str, preset: LengthPreset,
               markers: tuple[str, ...] = ()) -> RenderedPrompt:
        """The prompt asking for a ``lang`` summary of ``document`` (written in ``source_lang``).

        ``markers`` are the model's control strings (``controltokens.control_markers``),
        broken inside the document so that it cannot open or close a turn.
        """
        section = self.section(lang)
        names = LANGUAGE_NAMES[lang]
        numbers = {"words": preset.words, "sentences": preset.sentences}
        phrase = section.length_one if preset.sentences == 1 else section.length_many
        values = {"language": names[lang], "source_language": names.get(source_lang, source_lang),
                  "length": phrase.format_map(numbers),
                  "document": neutralise(self.fence(document), markers),
                  **numbers}
        return RenderedPrompt(system=section.system.format_map(values).strip(),
                              user=section.user.format_map(values).strip())

    def section(self, lang: str) -> Section:
        if lang not in self.sections:
            raise UsageError(
                f"prompt {self.name!r} ({self.origin}) has no [{lang}] section, so it cannot "
                f"ask for a summary in {LANGUAGE_NAMES['en'].get(lang, lang)}; it covers "
                f"{', '.join(self.languages)}. Add a [{lang}] section or drop --lang {lang}.")
        return self.sections[lang]

    def fence(self, document: str) -> str:
        """The document with every delimiter removed (any case), stripped of outer blanks."""
        for marker in self.delimiters:
            document = re.sub(r"[ \t]*" + re.escape(marker) + r"[ \t]*", " ", document,
                              flags=re.IGNORECASE)
        return document.strip()


def parse_template(text: str, origin: str) -> PromptTemplate:
    """A checked template from TOML text; errors name ``origin`` and what to change."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"prompt file {origin} is not valid TOML: {exc}") from None

    def fail(message: str) -> UsageError:
        return UsageError(f"prompt file {origin}: {message}")

    unknown = sorted(set(data) - set(TOP_KEYS))
    if unknown:
        raise fail(f"unknown key(s) {', '.join(unknown)}; known: {', '.join(TOP_KEYS)}")
    for key in ("name", "languages", "delimiters"):
        if key not in data:
            raise fail(f"missing {key} = ...")
    languages = tuple(data["languages"])
    kinds = tuple(data.get("kinds", TEMPLATE_KINDS))
    delimiters = data["delimiters"]
    if not languages or any(lang not in SUPPORTED_LANGS for lang in languages):
        raise fail(f"languages = {list(languages)}: use de and/or en")
    if any(kind not in TEMPLATE_KINDS for kind in kinds):
        raise fail(f"kinds = {list(kinds)}: use chat and/or instruct")
    if (not isinstance(delimiters, list) or len(delimiters) != 2
            or not all(isinstance(d, str) and d.strip() for d in delimiters)):
        raise fail('delimiters must be two non-empty strings, e.g. ["<document>", "</document>"]')
    sections = {}
    for lang in languages:
        if not isinstance(data.get(lang), dict):
            raise fail(f"languages lists {lang} but there is no [{lang}] section")
        sections[lang] = _parse_section(data[lang], lang, tuple(delimiters), fail)
    return PromptTemplate(name=str(data["name"]), description=str(data.get("description", "")),
                          languages=languages, kinds=kinds, delimiters=tuple(delimiters),
                          sections=sections, origin=origin, source=text)


def _parse_section(data: dict, lang: str, delimiters: tuple[str, str], fail) -> Section:
    unknown = sorted(set(data) - set(SECTION_KEYS))
    if unknown:
        raise fail(f"[{lang}] unknown key(s) {', '.join(unknown)}; "
                   f"known: {', '.join(SECTION_KEYS)}")
    missing = [key for key in ("user", "length_one", "length_many") if key not in data]
    if missing:
        raise fail(f"[{lang}] missing {', '.join(missing)}")
    section = Section(system=str(data.get("system", "")), user=str(data["user"]),
                      length_one=str(data["length_one"]), length_many=str(data["length_many"]))
    for key in SECTION_KEYS:
        allowed = LENGTH_PLACEHOLDERS if key.startswith("length") else PLACEHOLDERS
        for name in _placeholders(getattr(section, key), f"[{lang}] {key}", fail):
            if name not in allowed:
                raise fail(f"[{lang}] {key} uses {{{name}}}; allowed here: "
                           + ", ".join(f"{{{n}}}" for n in allowed)
                           + " (write a literal brace as {{ or }})")
    if "document" in _placeholders(section.system, f"[{lang}] system", fail):
        raise fail(f"[{lang}] system must not hold {{document}}: put it in user")
    user = section.user
    if user.count("{document}") != 1:
        raise fail(f"[{lang}] user must hold {{document}} exactly once")
    at = user.index("{document}")
    if user.rfind(delimiters[0], 0, at) < 0 or user.find(delimiters[1], at) < 0:
        raise fail(f"[{lang}] user must put {{document}} between {delimiters[0]} and "
                   f"{delimiters[1]}, so that the model can tell the document from the "
                   "instructions")
    return section


def _placeholders(text: str, where: str, fail) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise fail(f"{where}: {exc} (write a literal brace as {{{{ or }}}})") from None


def builtin_names() -> list[str]:
    """Names of the templates shipped in the package, sorted."""
    files = resources.files(PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml"))


@lru_cache(maxsize=16)
def load_builtin(name: str) -> PromptTemplate:
    """A template shipped with the package, by name."""
    names = builtin_names()
    if name not in names:
        raise UsageError(f"no prompt named {name!r}; built-in prompts: {', '.join(names)} "
                         "(`summarise prompts list`), or pass your own with --prompt-file")
    text = resources.files(PACKAGE).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return replace(parse_template(text, f"{name}.toml"), origin="built-in")


def load_file(path: Path | str) -> PromptTemplate:
    """A template from a file the user wrote."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise UsageError(f"prompt file {path} does not exist")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"prompt file {path} cannot be read as UTF-8 text: {exc}") from None
    return parse_template(text, str(path))


def load_template(name_or_path: str) -> PromptTemplate:
    """A built-in name, or a path when it names a file (ends in .toml or has a slash)."""
    if name_or_path.endswith(".toml") or "/" in name_or_path or Path(name_or_path).is_file():
        return load_file(name_or_path)
    return load_builtin(name_or_path)


def all_templates() -> list[PromptTemplate]:
    return [load_builtin(name) for name in builtin_names()]


def template_for(settings, kind: str) -> PromptTemplate:
    """The template a run uses: --prompt-file, else --prompt, else the kind's default."""
    if settings.prompt_file:
        return load_file(settings.prompt_file)
    return load_builtin(settings.prompt or DEFAULT_PROMPTS[kind])


def template_fingerprint(settings) -> str:
    """sha256 of the chosen template's text, so that run.json (and resuming) notices an
    edited prompt file."""
    import hashlib

    return hashlib.sha256(template_for(settings, "chat").source.encode("utf-8")).hexdigest()


def check_prompt_settings(settings, plans: list | None = None) -> None:
    """Fail before any model loads when the chosen prompt is missing or lacks a language
    that ``plans`` (the routes the run may take) ask the summariser to write."""
    if settings.prompt and settings.prompt_file:
        raise UsageError("pass --prompt NAME or --prompt-file PATH, not both")
    if not settings.prompted:
        return
    template = template_for(settings, "chat")
    plans = plans if plans is not None else possible_plans(settings)
    missing = [lang for lang in prompt_languages(plans) if lang not in template.sections]
    if not missing:
        return
    translated = {step.reads_lang for plan in plans for step in plan.steps
                  if step.reads == SUMMARIES}
    if missing[0] in translated:  # a summary written in the source language, to translate
        raise UsageError(
            f"prompt {template.name!r} ({template.origin}) covers only "
            f"{', '.join(template.languages)}, but with {settings.strategy} the summary "
            f"is first written in the source language, which may be {', '.join(missing)}; "
            f"add a [{missing[0]}] section, or pass --source-lang "
            f"{template.languages[0]} if every document is in that language")
    template.section(missing[0])
