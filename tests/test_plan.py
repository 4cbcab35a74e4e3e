"""The route is decided once, by the Plan: the dry run prints the steps a real run takes.

The real run is observed from outside the plan: the tiny models' own ``summarise`` and
``translate`` calls are recorded, and must match the steps ``--dry-run`` printed, for
every strategy, source language and set of output languages.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SEED
from summarise import Document, Pipeline, Settings
from summarise.config import Generation
from summarise.lengths import LengthPreset
from summarise.models import ModelRegistry
from summarise.plan import Plan, Strategy, possible_plans

PRESETS = {"short": LengthPreset("short", 4, 1), "long": LengthPreset("long", 6, 2)}
LENGTHS_TOML = ("[lengths]\nshort = { words = 4, sentences = 1 }\n"
                "long = { words = 6, sentences = 2 }\n")
TEXTS = {"de": " ".join(SEED.read_text(encoding="utf-8").split()[:60]),
         "en": ("The city council of Freiburg decided on Tuesday to extend tram line 5 to "
                "Gundelfingen by 2028. Critics point out that about sixty trees must be "
                "felled, and the cost has risen by a third since the first estimate.")}
LANG_SETS = [("de",), ("en",), ("de", "en"), ("en", "de")]
CASES = list(itertools.product(Strategy, ("de", "en"), LANG_SETS))
STEP_LINE = re.compile(r"^--> doc · step (\d+)/(\d+): (.*) · (\S+)$", re.MULTILINE)
PROMPT_HEADER = re.compile(r"^==> doc · (\w+) → (\w+) · (\w+) ", re.MULTILINE)


class Recorder:
    """Wraps the registry's models and writes down every call they get."""

    def __init__(self, registry: ModelRegistry):
        self.registry = registry
        self.calls: list[tuple] = []

    def summariser(self):
        model = self.registry.summariser()
        calls = self.calls

        class Recording:
            def __getattr__(self, name):
                return getattr(model, name)

            def summarise(self, texts, lang, presets, out_lang=None):
                calls.append(("summarise", lang, out_lang or lang,
                              tuple(p.name for p in presets)))
                return model.summarise(texts, lang, presets, out_lang=out_lang)

        return Recording()

    def checker(self):
        return None

    def translator(self, src, tgt):
        model = self.registry.translator(src, tgt)
        calls = self.calls

        class Recording:
            name = model.name

            def translate(self, texts, a, b):
                calls.append(("translate", a, b, len(texts)))
                return model.translate(texts, a, b)

        return Recording()


@pytest.fixture(scope="module")
def registries(tiny_models):
    """One registry per summariser kind, shared by every case (models load once)."""
    translators = {"de-en": str(tiny_models["marian-de-en"]),
                   "en-de": str(tiny_models["marian-en-de"])}
    base = Settings(translators=translators, presets=PRESETS, lengths=tuple(PRESETS),
                    generation=Generation(dtype="fp32"))
    plain = replace(base, summariser=str(tiny_models["mt5"]))
    chat = replace(base, summariser=str(tiny_models["qwen2"]))
    return {"mt5": ModelRegistry(plain), "qwen2": ModelRegistry(chat)}


def model_flags(tiny_models, strategy: Strategy) -> list[str]:
    summariser = tiny_models["qwen2" if strategy is Strategy.DIRECT else "mt5"]
    return ["--summariser", str(summariser),
            "--translator", f"de-en={tiny_models['marian-de-en']}",
            "--translator", f"en-de={tiny_models['marian-en-de']}", "--dtype", "fp32"]


def dry_run_steps(stdout: str) -> list[tuple]:
    """The steps the dry run printed, as (what, reads, writes, lengths) tuples, each
    summariser step checked against the prompt blocks printed under it."""
    steps = []
    lines = list(STEP_LINE.finditer(stdout))
    for index, line in enumerate(lines):
        body = stdout[line.end():lines[index + 1].start() if index + 1 < len(lines) else None]
        text = line.group(3)
        lengths = tuple(text[text.rindex("(") + 1:text.rindex(")")].split(", "))
        match = re.match(r"(summarise|translate) .*? (\w+) → (\w+)", text)
        what, reads, writes = match.groups()
        if what == "summarise":
            headers = [(m.group(2), m.group(3)) for m in PROMPT_HEADER.finditer(body)]
            assert headers == [(writes, n) for n in lengths], text
            steps.append(("summarise", reads, writes, lengths))
        else:
            assert not PROMPT_HEADER.search(body)
            steps.append(("translate", reads, writes))
    return steps


def real_steps(calls: list[tuple]) -> list[tuple]:
    """The recorded model calls in the same shape (a translation carries every length).

    A text longer than the window is first reduced in chunks (``longdoc``: calls for the
    ``partial`` length) inside its summariser step; those are not steps of their own.
    """
    return [call if call[0] == "summarise" else call[:3] for call in calls
            if call[-1] != ("partial",)]


@pytest.mark.parametrize("strategy,src,langs", CASES,
                         ids=[f"{s.value}-{src}-{'+'.join(langs)}" for s, src, langs in CASES])
def test_dry_run_and_real_run_take_the_same_steps(cli, tiny_models, registries, tmp_path,
                                                  strategy, src, langs):
    doc = tmp_path / "doc.txt"
    doc.write_text(TEXTS[src], encoding="utf-8")
    Path("summarise.toml").write_text(LENGTHS_TOML, encoding="utf-8")
    flags = [a for lang in langs for a in ("--lang", lang)] + [
        a for name in PRESETS for a in ("--length", name)]
    result = cli(doc, *flags, "--strategy", strategy.value, "--source-lang", src,
                 *model_flags(tiny_models, strategy), "--dry-run")
    assert result.exit_code == 0, result.output
    printed = dry_run_steps(result.stdout)

    registry = registries["qwen2" if strategy is Strategy.DIRECT else "mt5"]
    settings = replace(registry.settings, langs=langs, strategy=strategy.value,
                       source_lang=src)
    recorder = Recorder(registry)
    [done] = Pipeline(settings, recorder).run([Document("doc", str(doc), TEXTS[src])])

    assert real_steps(recorder.calls) == printed
    assert [s.lang for s in done.summaries] == [lang for lang in langs for _ in PRESETS]
    plan = Plan.build(settings, src)
    assert [(s.lang, s.route) for s in done.summaries] == [
        (step.writes, step.route) for lang in langs for step in plan.steps
        if step.writes == lang and step.route for _ in PRESETS]


@pytest.mark.parametrize("strategy,source_lang,langs,directions,prompts", [
    (Strategy.SUMMARISE_THEN_TRANSLATE, "auto", ("en",), ["de-en"], ("de", "en")),
    (Strategy.SUMMARISE_THEN_TRANSLATE, "de", ("en", "de"), ["de-en"], ("de",)),
    (Strategy.TRANSLATE_THEN_SUMMARISE, "auto", ("de", "en"), ["de-en", "en-de"],
     ("de", "en")),
    (Strategy.TRANSLATE_THEN_SUMMARISE, "en", ("en",), [], ("en",)),
    (Strategy.DIRECT, "auto", ("de", "en"), [], ("de", "en")),
])
def test_what_a_run_needs_is_read_from_its_plans(strategy, source_lang, langs, directions,
                                                 prompts):
    from summarise.plan import directions as plan_directions
    from summarise.plan import prompt_languages

    settings = Settings(strategy=strategy, source_lang=source_lang, langs=langs)
    plans = possible_plans(settings)
    assert plan_directions(plans) == directions
    assert prompt_languages(plans) == prompts
    assert all(p.needs_multilingual_summariser == (strategy is Strategy.DIRECT) for p in plans)


def test_strategy_is_an_enum_that_keeps_its_cli_value():
    settings = Settings(strategy="direct")
    assert settings.strategy is Strategy.DIRECT
    assert settings.manifest()["strategy"] == "direct"
    assert [s.value for s in Strategy] == ["summarise-then-translate",
                                           "translate-then-summarise", "direct"]


def test_strategy_strings_live_only_in_the_plan_and_the_option():
    """No other module re-derives a route by comparing strategy names."""
    package = Path(__file__).resolve().parents[1]
    allowed = {package / "cli" / "plan.py", package / "cli" / "options.py"}
    offenders = []
    for path in sorted([*(package / "cli").rglob("*.py"), *(package / "eval").rglob("*.py")]):
        if path in allowed:
            continue
        text = path.read_text(encoding="utf-8")
        for name in ("summarise-then-translate", "translate-then-summarise", '"direct"'):
            if name in text:
                offenders.append(f"{path.relative_to(package)}: {name}")
    assert offenders == []
