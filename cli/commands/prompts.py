"""``summarise prompts``: the prompt templates, and what a model would be asked.

``list`` and ``show`` read templates only; ``print_dry_run`` (``summarise --dry-run``)
renders the prompts of a real run without loading a model, so a user can check what
the model will see before spending minutes on it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import options as opt
from ..console import Reporter
from ..controltokens import control_markers, neutralise
from ..errors import DocumentError, ModelUnavailable, UsageError
from ..lengths import LengthPreset
from ..plan import SOURCE, SUMMARISER
from ..prompting import (
    LANGUAGE_NAMES,
    RenderedPrompt,
    all_templates,
    load_template,
    template_for,
)

app = typer.Typer(help="List, show and try the prompt templates of chat and instruction "
                  "models.", no_args_is_help=True, rich_markup_mode=None)


@app.command("list")
def list_prompts(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The built-in templates, one line per template and language."""
    rows = [{"name": t.name, "lang": lang, "language": LANGUAGE_NAMES["en"][lang],
             "kinds": list(t.kinds), "description": t.description}
            for t in all_templates() for lang in t.languages]
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    print(f"{'NAME':<12} {'LANGUAGE':<13} {'FOR':<10} DESCRIPTION")
    for row in rows:
        language = f"{row['lang']} ({row['language']})"
        print(f"{row['name']:<12} {language:<13} {','.join(row['kinds']):<10} "
              f"{row['description']}")


@app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="Template name, or a path to a .toml file.",
                                        metavar="NAME")],
    document: Annotated[Path | None, typer.Option(
        "--document", "-d", metavar="FILE",
        help="Render the prompt for this document ('-' reads stdin) instead of printing "
        "the template.", show_default=False)] = None,
    lang: opt.Langs = None,
    length: opt.Lengths = None,
    source_lang: Annotated[str, typer.Option(
        "--source-lang", metavar="LANG",
        help="Language of the document: auto (detect), de or en.")] = "auto",
    config: opt.ConfigFile = None,
) -> None:
    """Print a template (to copy and change), or the prompts it gives for a document."""
    template = load_template(name)
    if document is None:
        sys.stdout.write(template.source if template.source.endswith("\n")
                         else template.source + "\n")
        return
    text = _read_sample(document)
    src = source_lang if source_lang != "auto" else _detect(text)
    presets = _presets(config, length)
    for out_lang in dict.fromkeys(lang or template.languages):
        for preset in presets:
            header = f"{out_lang} · {preset.name} ({preset.describe()}) · from {src}"
            print(format_prompt(header, template.render(text, out_lang, src, preset),
                                "chat" if "chat" in template.kinds else "instruct"))


def _read_sample(document: Path) -> str:
    try:
        raw = sys.stdin.read() if str(document) == "-" else document.read_text(
            encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--document {document}: cannot be read as UTF-8 text ({exc})") \
            from None
    if not raw.strip():
        raise UsageError(f"--document {document} is empty")
    return raw.strip()


def _detect(text: str) -> str:
    from ..langdetect import detect_language

    found = detect_language(text).lang
    return found if found in LANGUAGE_NAMES else "en"


def _presets(config: Path | None, names: list[str] | None) -> list[LengthPreset]:
    from ..config import load_settings

    settings = load_settings(config)
    for name in names or []:
        if name not in settings.presets:
            raise UsageError(f"--length {name!r} is unknown; choose from "
                             f"{', '.join(settings.presets)}")
    return [settings.presets[n] for n in dict.fromkeys(names or settings.lengths)]


def format_prompt(header: str, prompt: RenderedPrompt, kind: str,
                  exact: str | None = None) -> str:
    """A rendered prompt as a reader checks it: a header line, then each part, or the
    ``exact`` text the model reads when its tokenizer is at hand."""
    lines = [f"==> {header}"]
    if exact is not None:
        lines += ["--- model input (exact) ---", exact.rstrip("\n")]
    elif kind == "chat":
        if prompt.system:
            lines += ["--- system ---", prompt.system]
        lines += ["--- user ---", prompt.user]
    else:
        lines += ["--- input ---", prompt.as_text()]
    return "\n".join(lines) + "\n"


def print_dry_run(reporter: Reporter, settings, sources, text_field: str = "text") -> int:
    """Print every step of each document's plan, and every prompt the run would send
    per document, language and length.

    The steps are the ``Plan`` that ``Pipeline.run`` executes, so what is printed is what
    a run does. Only the model's config is read (when it is on this machine) to know its
    kind; no weights load. Returns the exit code: 1 when a document could not be read.
    """
    from ..documents import Failure
    from ..models import ModelRegistry
    from ..pipeline import Pipeline
    from ..preflight import check_prompt
    from ..reading import read_source

    check_prompt(settings)
    registry = ModelRegistry(settings, download=False)
    kind, prefix = _kind_for_dry_run(reporter, registry, settings)
    template = template_for(settings, kind) if kind != "seq2seq" else None
    tokenizer = _local_tokenizer(reporter, registry, settings, template is not None)
    markers = control_markers(tokenizer) if tokenizer is not None else ()
    if registry.served(settings.summariser):  # what the server backend breaks
        from ..models.openai_engine import CONTROL_MARKERS as markers
    pipeline = Pipeline(settings, registry)
    failed = 0
    for source in sources:
        items = read_source(source, text_field)
        for item in items:
            if isinstance(item, Failure):
                failed += 1
                reporter.failed(item.reason)
                continue
            try:
                src, _ = pipeline.detect(item)
            except DocumentError as exc:
                failed += 1
                reporter.warn(str(exc))
                continue
            plan = pipeline.plan(src)
            for number, step in enumerate(plan.steps, 1):
                print(f"--> {item.id} · step {number}/{len(plan.steps)}: {step.describe()}"
                      + _model_named(settings, step) + "\n")
                if step.role == SUMMARISER:
                    _print_prompts(item, src, plan, step, settings, template, kind, prefix,
                                   pipeline.presets, tokenizer, markers)
    reporter.info("dry run: nothing was summarised and no model was loaded")
    return 1 if failed else 0


def _local_tokenizer(reporter: Reporter, registry, settings, prompted: bool):
    """The summariser's tokenizer when it is on this machine (no weights), else None.

    It names the model's control tokens, broken in documents as in a real run (plain
    summarisers included), and renders the chat template, so the dry run prints exactly
    what the model reads. ``prompted``: the model takes a prompt (chat, instruct).
    """
    if registry.served(settings.summariser):
        reporter.info(f"{settings.summariser} is on the server: the messages below are "
                      "what it gets, and the server puts them through its chat template")
        return None
    try:
        path = registry.ref(settings.summariser).path
    except ModelUnavailable:
        reporter.warn(f"{settings.summariser}: its tokenizer is not on this machine, so the "
                      "inputs below show the document before the model's own control "
                      "tokens in it are broken"
                      + (", and without the chat template around them" if prompted else ""))
        return None
    from ..models.runtime import load_tokenizer

    return load_tokenizer(path)


def _exact_input(tokenizer, prompt: RenderedPrompt, kind: str) -> str | None:
    if tokenizer is None:
        return None
    if kind == "chat":
        if not getattr(tokenizer, "chat_template", None):
            return None  # the run itself refuses such a model with a message
        from ..models.chat import chat_input

        return chat_input(tokenizer, prompt)
    return prompt.as_text()


def _model_named(settings, step) -> str:
    if step.role == SUMMARISER:
        return f" · {settings.summariser}"
    return f" · {settings.translators.get(step.direction, 'no translator given')}"


def _print_prompts(item, src: str, plan, step, settings, template, kind: str, prefix,
                   presets: list[LengthPreset], tokenizer, markers) -> None:
    """The model input of one summariser step, per length."""
    if step.reads == SOURCE:
        text = item.text
    else:
        name = settings.translators.get(f"{src}-{step.reads_lang}", "the translator")
        text = f"[the document translated from {src} to {step.reads_lang} by {name}]"
    plain = neutralise(text, markers) if step.reads == SOURCE else text
    for preset in presets:
        header = (f"{item.id} · {src} → {step.writes} · {preset.name} "
                  f"({preset.describe()}) · {plan.outcome(step)}")
        if template is None:  # as Seq2SeqSummariser.inputs gives it to the model
            print(format_prompt(header + f" · {settings.summariser} takes no prompt",
                                RenderedPrompt("", prefix(preset) + plain), "seq2seq"))
        else:
            prompt = template.render(text, step.writes, step.reads_lang, preset, markers)
            print(format_prompt(header + f" · prompt {template.name} ({template.origin})",
                                prompt, kind, _exact_input(tokenizer, prompt, kind)))


def _kind_for_dry_run(reporter: Reporter, registry, settings):
    """The model kind, and the task prefix of a plain summariser per length preset (from
    the model's config, as a run takes it), from its files or name."""
    from types import SimpleNamespace

    from ..models.kinds import a_kind, check_fits, guess_kind, read_config
    from ..models.seq2seq import TaskPrefixes
    from ..plan import possible_plans

    name = settings.summariser
    if registry.served(name):  # a model on a server is prompted as a chat model
        check_fits("chat", settings, name, possible_plans(settings))
        return "chat", lambda preset: ""
    try:
        path = registry.ref(name).path
    except ModelUnavailable:
        kind = guess_kind(name, settings.model_kind)
        reporter.warn(f"{name} is not on this machine; by its name it is taken for "
                      f"{a_kind(kind)} (set --model-kind if that is wrong)")
        check_fits(kind, settings, name, possible_plans(settings))
        return kind, lambda preset: ""
    kind = registry.summariser_kind()  # its files checked as a run checks them
    config = read_config(path, name)
    return kind, TaskPrefixes(SimpleNamespace(
        model_type=config.get("model_type"),
        task_specific_params=config.get("task_specific_params")))
