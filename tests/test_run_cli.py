"""The main command end to end with tiny models: languages, lengths, files, formats, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import SEED
from summarise.segment import count_words

ENGLISH = (
    "The regional government approved a new budget for public schools on Monday. "
    "More than two hundred teachers will be hired over the next three years, and old "
    "buildings in the poorer districts are to be renovated first. Parents' groups welcomed "
    "the plan but warned that the money might not be enough. The opposition called the "
    "budget a promise made before the election and demanded a detailed timetable."
)
ALL_LENGTHS = ("short", "medium", "long")


def summaries_by_key(doc: dict) -> dict[tuple[str, str], dict]:
    return {(s["lang"], s["length"]): s for s in doc["summaries"]}


@pytest.fixture
def corpus(tmp_path):
    """A German seed and an English text in a nested folder tree."""
    root = tmp_path / "docs"
    (root / "de" / "news").mkdir(parents=True)
    (root / "en").mkdir()
    (root / "de" / "news" / "seed.txt").write_text(SEED.read_text(), encoding="utf-8")
    (root / "en" / "schools.md").write_text(ENGLISH, encoding="utf-8")
    (root / "en" / "ignored.csv").write_text("a,b\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("strategy,cross_route", [
    ("summarise-then-translate", "summarise-then-translate"),
    ("translate-then-summarise", "translate-then-summarise"),
])
def test_both_languages_from_both_sources(cli, model_args, corpus, tmp_path, strategy,
                                          cross_route):
    out = tmp_path / "out"
    result = cli(corpus, "-l", "en", "-l", "de", "--out", out, "--strategy", strategy,
                 *model_args)
    assert result.exit_code == 0, result.output
    german = json.loads((out / "de" / "news" / "seed.json").read_text())
    english = json.loads((out / "en" / "schools.json").read_text())
    assert not (out / "en" / "ignored.json").exists()
    assert (german["source_lang"], english["source_lang"]) == ("de", "en")
    for doc, own, other in ((german, "de", "en"), (english, "en", "de")):
        got = summaries_by_key(doc)
        assert set(got) == {(lang, n) for lang in ("en", "de") for n in ALL_LENGTHS}
        for (lang, _), summary in got.items():
            assert summary["text"].strip()
            assert summary["words"] == count_words(summary["text"])
            assert summary["route"] == ("summarise" if lang == own else cross_route)
        assert [got[(other, n)]["target_words"] for n in ALL_LENGTHS] == [25, 60, 120]


def test_one_language_one_length_loads_only_what_is_needed(cli, model_args, tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text(SEED.read_text(), encoding="utf-8")
    out = tmp_path / "out"
    result = cli(doc, "--lang", "de", "--length", "short", "--out", out, *model_args)
    assert result.exit_code == 0, result.output
    data = json.loads((out / "a.json").read_text())
    assert [(s["lang"], s["length"], s["route"]) for s in data["summaries"]] == [
        ("de", "short", "summarise")]
    manifest = json.loads((out / "run.json").read_text())
    assert list(manifest["models"]) == [model_args[1]]  # no translator was loaded
    assert manifest["settings"]["lengths"] == ["short"]
    assert manifest["documents"]["a"]["batch_seconds_per_document"] >= 0


def test_manifest_records_models_settings_and_documents(cli, model_args, corpus, tmp_path):
    out = tmp_path / "out"
    assert cli(corpus, "--lang", "en", "--out", out, *model_args).exit_code == 0
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["tool"] == "summarise" and manifest["version"]
    assert set(manifest["documents"]) == {"de/news/seed", "en/schools"}
    assert manifest["settings"]["langs"] == ["en"]
    assert manifest["settings"]["generation"]["beams"] is None  # each model's profile's
    loaded = manifest["models"]
    assert set(loaded) == {model_args[1], model_args[3].split("=", 1)[1]}
    assert loaded[model_args[1]]["decoding"]["beams"] == 1  # what the model ran with
    assert loaded[model_args[3].split("=", 1)[1]]["decoding"] == {
        "beams": 1, "no_repeat_ngram_size": 3, "repetition_penalty": 1.0}  # no profile
    assert all(m["revision"] is None and m["path"] for m in loaded.values())
    assert manifest["failures"] == []


def test_json_lines_on_stdout_and_nothing_else(cli, model_args, corpus):
    result = cli(corpus, "--lang", "en", "--format", "json", "-q", *model_args)
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    docs = [json.loads(line) for line in lines]
    assert [d["id"] for d in docs] == ["de/news/seed", "en/schools"]  # stable order


def test_markdown_files_beside_json(cli, model_args, corpus, tmp_path):
    out = tmp_path / "out"
    assert cli(corpus, "--lang", "de", "--format", "markdown", "--out", out,
               *model_args).exit_code == 0
    markdown = (out / "en" / "schools.md").read_text()
    assert markdown.startswith("# en/schools")
    assert markdown.count("## de · ") == 3
    assert (out / "en" / "schools.json").is_file()


def test_readable_text_on_stdout_without_out(cli, model_args):
    result = cli(SEED, "--lang", "en", "--length", "short", *model_args)
    assert result.exit_code == 0
    assert "\n  en · short (" in result.stdout
    assert "#" not in result.stdout.split("\n")[0]  # plain text, no Markdown headings
    markdown = cli(SEED, "--lang", "en", "--length", "short", "--format", "markdown",
                   *model_args)
    assert markdown.stdout.startswith("# 000_c2962fba0a84f7c9\n")
    assert "\n## en · short (" in markdown.stdout


def test_glob_changes_which_files_a_folder_gives(cli, model_args, corpus):
    result = cli(corpus, "--glob", "*.md", "--lang", "en", "--format", "json", "-q",
                 *model_args)
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["en/schools"]


@pytest.mark.parametrize("args,message", [
    (["--lang", "fr"], "--lang 'fr' is not supported"),
    (["--length", "tiny"], "--length 'tiny' is unknown"),
    (["--format", "xml"], "--format 'xml'"),
    (["--translator", "de-en"], "write it as SRC-TGT=MODEL"),
    (["--translator", "de-fr=x"], "write it as de-en or en-de"),
    (["--strategy", "guess"], "--strategy 'guess'"),
])
def test_bad_options_are_rejected_with_a_clear_message(cli, args, message):
    result = cli(SEED, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_missing_input_path(cli):
    result = cli("no/such/folder")
    assert result.exit_code == 2
    assert "no/such/folder: no such file or folder" in result.stderr


def test_long_document_is_chunked_not_truncated(cli, tiny_models, tmp_path):
    long_text = " ".join([SEED.read_text()] * 6)
    doc = tmp_path / "long.txt"
    doc.write_text(long_text, encoding="utf-8")
    out = tmp_path / "out"
    result = cli(doc, "--lang", "de", "--length", "short", "--out", out,
                 "--summariser", tiny_models["mt5-128"], "--dtype", "fp32")
    assert result.exit_code == 0, result.output
    data = json.loads((out / "long.json").read_text())
    assert data["chunks"] > 1 and data["reduce_rounds"] >= 1
    assert data["summaries"][0]["text"]
    assert json.loads((out / "run.json").read_text())["documents"]["long"]["chunks"] > 1


def test_rerun_skips_finished_documents_and_redoes_changed_ones(cli, model_args, corpus,
                                                                tmp_path):
    out = tmp_path / "out"
    args = (corpus, "--lang", "de", "--length", "short", "--out", out, *model_args)
    assert cli(*args).exit_code == 0
    seed_out = out / "de" / "news" / "seed.json"
    first = seed_out.stat().st_mtime_ns
    again = cli(*args)
    assert again.exit_code == 0
    assert "0 summarised, 2 up to date" in again.stderr
    assert seed_out.stat().st_mtime_ns == first  # never rewritten
    (corpus / "en" / "schools.md").write_text(ENGLISH + " One more sentence.", encoding="utf-8")
    changed = cli(*args)
    assert "1 summarised, 1 up to date" in changed.stderr
    other_settings = cli(corpus, "--lang", "de", "--length", "medium", "--out", out,
                         *model_args)
    assert "2 summarised, 0 up to date" in other_settings.stderr
    forced = cli(*args, "--force")
    assert "2 summarised, 0 up to date" in forced.stderr


def test_offline_missing_model_fails_fast_without_traceback(tmp_path):
    """Fast because it is found before torch or transformers is imported (seconds of a
    cold start): checked by what was imported, not by a clock a loaded machine slows."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "empty-hf")}
    probe = ("import sys, runpy\nsys.argv = ['summarise', *sys.argv[1:]]\n"
             "try:\n    runpy.run_module('summarise', run_name='__main__')\n"
             "finally:\n    print('HEAVY=' + ','.join(m for m in ('torch', 'transformers')"
             " if m in sys.modules), file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", probe, str(SEED), "--lang", "en"],
                          capture_output=True, text=True, env=env, timeout=120)
    heavy = [line for line in proc.stderr.splitlines() if line.startswith("HEAVY=")]
    assert heavy == ["HEAVY="]  # neither torch nor transformers was imported
    assert proc.returncode == 2  # found before work: a usage error (see test_preflight)
    assert "T-Systems-onsite/mt5-small-sum-de-en-v2" in proc.stderr
    assert "summarise models pull" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_missing_local_model_folder(cli, tmp_path):
    result = cli(SEED, "--summariser", tmp_path / "nope")
    assert result.exit_code == 2
    assert "model folder" in result.stderr and "does not exist" in result.stderr


@pytest.mark.slow
def test_console_script_in_a_real_process(model_args, tmp_path):
    out = tmp_path / "out"
    script = os.path.join(os.path.dirname(sys.executable), "summarise")
    proc = subprocess.run([script, str(SEED.parent), "--lang", "en", "--lang", "de",
                           "--out", str(out), *map(str, model_args)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""  # results are in files, messages on stderr
    data = json.loads((out / "000_c2962fba0a84f7c9.json").read_text())
    assert len(data["summaries"]) == 6
    assert (out / "run.json").is_file()


def test_help_lists_commands_and_teaches(cli):
    top = cli("--help")
    assert top.exit_code == 0
    assert "run" in top.stdout and "models" in top.stdout
    assert "summarise seeds/ --lang en" in top.stdout
    run_help = cli("run", "--help")
    assert "--translator" in run_help.stdout and "CC BY-NC-SA" in run_help.stdout
    assert "Exit codes" in run_help.stdout


def test_out_inside_the_input_folder_is_not_read_back(cli, model_args, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(ENGLISH, encoding="utf-8")
    args = (docs, "--lang", "en", "--length", "short", "--format", "markdown",
            "--out", docs / "out", *model_args)
    assert cli(*args).exit_code == 0
    again = cli(*args)
    assert again.exit_code == 0
    assert "0 summarised, 1 up to date" in again.stderr  # out/a.md was not taken as input
