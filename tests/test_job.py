"""``summarise.job`` as a Python user calls it: one checked spec, run through an executor
into a writer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reading_samples import ENGLISH, GERMAN


def settings_with(tiny_models, **changes):
    from summarise.layers import ModelOptions, settings_from_options

    return settings_from_options(ModelOptions(
        length=("short",), summariser=str(tiny_models["mt5"]), dtype="fp32", **changes))


def test_a_missing_translator_costs_one_language_pass_and_the_run_reuses_it(
        tiny_models, tmp_path, monkeypatch):
    """German inputs and no en-de translator: the checks read the inputs once to see that
    no English source needs it, keep only the German plan, and the run does not detect
    the languages again."""
    from summarise import langdetect, pipeline
    from summarise.executor import LocalExecutor
    from summarise.job import open_writer, resolve_job, run_job
    from summarise.modelkind import ModelKind

    src, out = tmp_path / "docs", tmp_path / "out"
    src.mkdir()
    for i in range(3):
        (src / f"d{i}.txt").write_text(f"{GERMAN} Meldung {i}.", encoding="utf-8")
    settings = settings_with(tiny_models, lang=("de", "en"),
                             translator=(f"de-en={tiny_models['marian-de-en']}",))
    detected: list[str] = []
    real = langdetect.detect_language

    def counting(text):
        detected.append(text)
        return real(text)

    monkeypatch.setattr(langdetect, "detect_language", counting)
    monkeypatch.setattr(pipeline, "detect_language", counting)

    spec = resolve_job(settings, [src], out=out)
    assert len(detected) == 3  # the language pass, once per document
    assert spec.summariser_kind is ModelKind.SEQ2SEQ
    assert list(spec.plans) == ["de"] and spec.plans["de"].directions == ("de-en",)
    executor = LocalExecutor(2)
    assert run_job(spec, executor, open_writer(spec, executor, "json")) == 0
    assert len(detected) == 3  # the run reused what the pass found
    written = json.loads((out / "d1.json").read_text(encoding="utf-8"))
    assert written["source_lang"] == "de"
    assert [s["lang"] for s in written["summaries"]] == ["de", "en"]
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["status"] == "finished" and run["executor"] == "local"
    assert sorted(run["documents"]) == ["d0", "d1", "d2"]


def test_an_english_input_still_needs_the_missing_translator(tiny_models, tmp_path):
    from summarise.errors import PreflightError
    from summarise.job import resolve_job

    src = tmp_path / "docs"
    src.mkdir()
    (src / "en.txt").write_text(ENGLISH, encoding="utf-8")
    settings = settings_with(tiny_models, lang=("de", "en"),
                             translator=(f"de-en={tiny_models['marian-de-en']}",))
    with pytest.raises(PreflightError, match="en-de"):
        resolve_job(settings, [src])


def test_without_out_the_results_go_to_stdout_and_nothing_is_written(tiny_models, tmp_path,
                                                                     capsys):
    from summarise.executor import LocalExecutor
    from summarise.job import open_writer, resolve_job, run_job
    from summarise.output import ResultPrinter

    doc = tmp_path / "a.txt"
    doc.write_text(GERMAN, encoding="utf-8")
    spec = resolve_job(settings_with(tiny_models, lang=("de",)), [doc])
    executor = LocalExecutor()
    writer = open_writer(spec, executor, "json")
    assert isinstance(writer, ResultPrinter)
    assert run_job(spec, executor, writer) == 0
    [line] = capsys.readouterr().out.splitlines()
    result = json.loads(line)
    assert result["id"] == "a" and result["summaries"][0]["length"] == "short"
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == ["a.txt"]
