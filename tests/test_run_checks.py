"""Issue 23 in a run: every summary carries ``checks`` and ``sentences``, grounded in the
document's extracted text (through the source-language summary for a translation, in the
whole document for map-reduce); run.json counts the failures; ``--fail-on`` turns a
failing document into a failure row; ``index.html`` shows every document of the folder.

The summariser is replaced in-process by one that copies each text's first sentence (and
invents a number where a test asks), so what the checks see is known exactly.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import SEED
from summarise.models.base import Generated
from summarise.segment import split_sentences

PAGE_DATA = re.compile(r'<script type="application/json" id="run-data">(.*?)</script>', re.S)
INVENTED = "Es kamen 987654 Besucher."
CHECKS = ("language", "numbers", "names", "support", "repetition", "truncated")


def documents(folder: Path, count: int, start: int = 0) -> dict[str, str]:
    """German documents of five seed sentences each, by file stem."""
    sentences = SEED.read_text(encoding="utf-8").split(". ")
    folder.mkdir(parents=True, exist_ok=True)
    texts = {}
    for i in range(start, start + count):
        texts[f"doc{i:02d}"] = ". ".join(sentences[i % 5:i % 5 + 5]) + f". Meldung Nummer {i}."
        (folder / f"doc{i:02d}.txt").write_text(texts[f"doc{i:02d}"], encoding="utf-8")
    return texts


@pytest.fixture
def lead_summariser(monkeypatch):
    """The seq2seq summariser writes each text's first sentence; a text containing
    ``invent`` gets an invented number appended."""
    from summarise.models.seq2seq import Seq2SeqSummariser

    settings = {"invent": None}

    def summarise(self, texts, lang, presets, out_lang=None):
        rows = []
        for text in texts:
            lead = split_sentences(text, lang)[0]
            if settings["invent"] and settings["invent"] in text:
                lead = f"{lead} {INVENTED}"
            rows.append([Generated(lead, 12, False) for _ in presets])
        return rows

    monkeypatch.setattr(Seq2SeqSummariser, "summarise", summarise)
    return settings


@pytest.fixture
def annotate_calls(monkeypatch):
    """Every call of ``summarise.checks.annotate``, with its arguments (it still runs)."""
    import summarise.checks as checks

    calls: list[dict] = []
    real = checks.annotate

    def spy(summary, source, **kwargs):
        calls.append({"summary": summary, "source": source, **kwargs})
        return real(summary, source, **kwargs)

    monkeypatch.setattr(checks, "annotate", spy)
    return calls


def run_args(src, tiny_models, *extra):
    return (src, "--lang", "de", "--source-lang", "de", "--length", "short",
            "--summariser", tiny_models["mt5"],
            "--dtype", "fp32", *extra)


def page_records(out: Path) -> dict[str, dict]:
    data = json.loads(PAGE_DATA.search((out / "index.html").read_text(encoding="utf-8"))[1])
    return {record["id"]: record for record in data["documents"]}


def test_each_summary_is_grounded_in_its_source_and_run_json_counts_the_checks(
        cli, tiny_models, tmp_path, lead_summariser):
    texts = documents(tmp_path / "docs", 3)
    out = tmp_path / "out"
    result = cli(*run_args(tmp_path / "docs", tiny_models, "--out", out))
    assert result.exit_code == 0, result.output
    for stem, text in texts.items():
        summary, = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))["summaries"]
        assert set(summary["checks"]) == set(CHECKS)  # entailment only with --checker
        assert all(isinstance(v["ok"], bool) for v in summary["checks"].values())
        lead = split_sentences(text, "de")[0]
        sentence, = summary["sentences"]
        assert sentence["text"] == lead
        assert [text[a:b] for a, b in sentence["sources"]] == [lead]
    tally = json.loads((out / "run.json").read_text(encoding="utf-8"))["checks"]
    assert tally["summaries"] == 3
    assert tally["failed"] == dict.fromkeys(CHECKS, 0)


def test_json_on_stdout_carries_the_checks_and_text_marks_a_failed_check(
        cli, tiny_models, tmp_path, lead_summariser):
    documents(tmp_path / "docs", 2)
    lead_summariser["invent"] = "Nummer 1."
    lines = cli(*run_args(tmp_path / "docs", tiny_models, "--format", "json")).stdout
    results = {Path(r["source"]).stem: r for r in map(json.loads, lines.splitlines())}
    assert results["doc01"]["summaries"][0]["checks"]["numbers"]["ok"] is False
    assert results["doc00"]["summaries"][0]["checks"]["numbers"]["ok"] is True
    assert {"checks", "sentences"} <= set(results["doc00"]["summaries"][0])
    text = cli(*run_args(tmp_path / "docs", tiny_models)).stdout
    marks = re.findall(r"\[checks failed: ([a-z, ]+)\]", text)
    assert len(marks) == 1 and "numbers" in marks[0].split(", ")


def test_fail_on_numbers_makes_an_invented_number_a_failure_row(cli, tiny_models, tmp_path,
                                                               lead_summariser):
    documents(tmp_path / "docs", 4)
    lead_summariser["invent"] = "Nummer 2."
    out = tmp_path / "out"
    result = cli(*run_args(tmp_path / "docs", tiny_models, "--out", out,
                           "--fail-on", "language,numbers"))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert sorted(p.stem for p in out.glob("doc*.json")) == ["doc00", "doc01", "doc03"]
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    failure, = manifest["failures"]
    assert failure["source"].endswith("doc02.txt")
    assert "--fail-on language,numbers" in failure["reason"]
    assert "de · short failed the numbers check" in failure["reason"]
    assert "987654" in failure["reason"]
    assert manifest["checks"]["summaries"] == 3 and manifest["checks"]["failed"]["numbers"] == 0

    without = tmp_path / "annotated"
    assert cli(*run_args(tmp_path / "docs", tiny_models, "--out", without)).exit_code == 0
    assert json.loads((without / "run.json").read_text())["checks"]["failed"]["numbers"] == 1


def test_fail_on_names_are_checked_before_any_model_loads(cli, tmp_path):
    from summarise.runchecks import parse_fail_on

    (tmp_path / "a.txt").write_text("Ein Satz. Noch einer.", encoding="utf-8")
    result = cli(tmp_path / "a.txt", "--summariser", tmp_path / "no-such-model",
                 "--fail-on", "numbrs")
    assert result.exit_code == 2
    assert "--fail-on numbrs: unknown check (did you mean 'numbers'?)" in result.output
    assert "no-such-model" not in result.output
    assert parse_fail_on(["unsupported", "numbers,support", " names "]) == (
        "support", "numbers", "names")


def test_a_translated_summary_is_grounded_through_the_summary_it_was_translated_from(
        cli, tiny_models, tmp_path, lead_summariser, annotate_calls, model_args):
    english = ("The city council voted on Tuesday to extend the tram line. Construction "
               "begins next spring and will take about three years. Residents welcomed the "
               "decision, although shop owners fear months of roadworks.")
    (tmp_path / "tram.txt").write_text(english, encoding="utf-8")
    out = tmp_path / "out"
    result = cli(tmp_path / "tram.txt", "--lang", "en", "--lang", "de", "--length", "short",
                 "--out", out, *model_args)
    assert result.exit_code == 0, result.output
    en, de = json.loads((out / "tram.json").read_text(encoding="utf-8"))["summaries"]
    by_lang = {call["lang"]: call for call in annotate_calls}
    assert by_lang["en"]["via"] is None and by_lang["en"]["summary"] == en["text"]
    assert by_lang["de"]["via"] == en["text"] == "The city council voted on Tuesday to " \
        "extend the tram line."
    assert by_lang["de"]["summary"] == de["text"]
    assert {call["source"] for call in annotate_calls} == {english}
    assert {call["source_lang"] for call in annotate_calls} == {"en"}


def test_a_map_reduce_summary_is_grounded_in_the_whole_document(
        cli, tiny_models, tmp_path, lead_summariser, annotate_calls):
    long_text = " ".join(SEED.read_text(encoding="utf-8").split()[:700])
    (tmp_path / "long.txt").write_text(long_text, encoding="utf-8")
    out = tmp_path / "out"
    result = cli(tmp_path / "long.txt", "--lang", "de", "--length", "short", "--out", out,
                 "--summariser", tiny_models["mt5-128"], "--dtype", "fp32")
    assert result.exit_code == 0, result.output
    written = json.loads((out / "long.json").read_text(encoding="utf-8"))
    assert written["chunks"] > 1, "the document must have gone through map-reduce"
    call, = annotate_calls
    assert call["source"] == long_text
    for sentence in written["summaries"][0]["sentences"]:
        assert all(0 <= a < b <= len(long_text) for a, b in sentence["sources"])


def test_the_page_covers_every_document_of_the_folder_after_a_resumed_run(
        cli, tiny_models, tmp_path, lead_summariser):
    first = documents(tmp_path / "one", 2)
    second = documents(tmp_path / "two", 1, start=2)
    hostile = ("Ein Satz </script><script>alert(1)</script> steht hier mitten im Text. "
               + SEED.read_text(encoding="utf-8")[:400])
    (tmp_path / "two" / "evil.txt").write_text(hostile, encoding="utf-8")
    out = tmp_path / "out"
    assert cli(*run_args(tmp_path / "one", tiny_models, "--out", out)).exit_code == 0
    assert set(page_records(out)) == {"doc00", "doc01"}
    assert cli(*run_args(tmp_path / "two", tiny_models, "--out", out)).exit_code == 0
    records = page_records(out)
    assert set(records) == {"doc00", "doc01", "doc02", "evil"}
    for stem, text in {**first, **second, "evil": hostile}.items():
        assert records[stem]["text"] == text
        assert records[stem]["summaries"][0]["sentences"]
    assert "<script>alert(1)" not in (out / "index.html").read_text(encoding="utf-8")

    (tmp_path / "one" / "doc00.txt").write_text("Ganz anders jetzt.", encoding="utf-8")
    assert cli(*run_args(tmp_path / "two", tiny_models, "--out", out)).exit_code == 0
    changed = page_records(out)["doc00"]
    assert changed["text"] is None and "changed since it was summarised" in changed["note"]


def test_a_page_that_cannot_be_written_is_a_warning_not_a_failed_run(
        cli, tiny_models, tmp_path, lead_summariser):
    documents(tmp_path / "docs", 1)
    out = tmp_path / "out"
    (out / "index.html").mkdir(parents=True)  # something in the way
    result = cli(*run_args(tmp_path / "docs", tiny_models, "--out", out))
    assert result.exit_code == 0, result.output
    assert "index.html: could not write the run's page (IsADirectoryError" in result.output
    assert "Traceback" not in result.output
    assert (out / "doc00.json").is_file()


def test_summarise_check_out_writes_the_page_of_its_records(cli, tmp_path):
    source = ("Der Stadtrat beschloss am Dienstag, die Straßenbahn bis in die nördlichen "
              "Vororte zu verlängern. Der Bau soll im Frühjahr beginnen.")
    records = tmp_path / "in.jsonl"
    records.write_text(json.dumps({"id": "tram", "lang": "de", "text": source, "summary":
                                   "Der Bau soll im Frühjahr beginnen."}) + "\n",
                       encoding="utf-8")
    result = cli("check", records, "--out", tmp_path / "checked", "--fail-on", "unsupported")
    assert result.exit_code == 0, result.output
    record, = page_records(tmp_path / "checked").values()
    assert record["text"] == source
    summary, = record["summaries"]
    sentence, = summary["sentences"]
    (start, end), = sentence["sources"]
    assert source[start:end] == "Der Bau soll im Frühjahr beginnen."
    assert summary["checks"]["support"]["ok"] is True


def test_ray_rows_carry_the_checks(tmp_path):
    """What an actor sends back (``answer_rows``) becomes the same result on the driver."""
    from summarise.documents import Document
    from summarise.pipeline import DocumentResult, Summary
    from summarise.ray_executor import answer_rows, item_from_row

    summary = Summary("de", "short", "Ein Satz.", 2, 30, "summarise",
                      checks={"numbers": {"ok": False, "unsupported": ["7"]}},
                      sentences=[{"text": "Ein Satz.", "support": 0.5, "sources": [[0, 9]]}])
    result = DocumentResult("a", "a.txt", "de", 1.0, [summary], "0" * 64)
    row, = answer_rows("k", [Document("a", "a.txt", "Ein Satz.")], [result])
    assert item_from_row(row) == result


@pytest.mark.ray
def test_a_ray_run_writes_the_same_checks_as_a_local_run(cli, tiny_models, tmp_path):
    """The annotation is made inside the pipeline, so Ray's actors make it too."""
    pytest.importorskip("ray", reason="pip install -e '.[ray]'")
    import os

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    documents(tmp_path / "docs", 3)
    runs = {}
    for executor in ("local", "ray"):
        out = tmp_path / executor
        result = cli(*run_args(tmp_path / "docs", tiny_models, "--out", out, "--executor",
                               executor, "--batch-docs", "2"))
        assert result.exit_code == 0, result.output
        runs[executor] = {p.stem: json.loads(p.read_text(encoding="utf-8"))["summaries"]
                          for p in out.glob("doc*.json")}
        assert page_records(out).keys() == runs[executor].keys()
    assert len(runs["ray"]) == 3
    for stem, summaries in runs["ray"].items():
        assert all(s["checks"] and "sentences" in s for s in summaries)
        assert [(s["checks"], s["sentences"]) for s in summaries] == [
            (s["checks"], s["sentences"]) for s in runs["local"][stem]]
