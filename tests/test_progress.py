"""Progress a person can trust: documents counted (not files), no "[5/1]", sane rates."""

from __future__ import annotations

import json
import re

import pytest
from reading_samples import ENGLISH
from summarise import console
from summarise.console import Reporter, Tally

COUNTER = re.compile(r"^\[(\d+)/(\d+)\]", re.MULTILINE)


@pytest.fixture
def clock(monkeypatch):
    """A settable time.perf_counter for console."""
    now = [100.0]
    monkeypatch.setattr(console.time, "perf_counter", lambda: now[0])
    return now


def test_a_quick_burst_shows_no_rate_at_all(clock):
    tally = Tally(5)
    clock[0] += 0.001
    tally(5)
    assert tally.rate() == ""  # not "5000.00 documents/s"


def test_slow_documents_get_seconds_per_document(clock):
    tally = Tally(2)
    clock[0] += 480
    tally(1)
    assert tally.rate() == "480.0 s per document"  # not "0.00 documents/s"


def test_fast_documents_are_in_the_same_unit_as_slow_ones(clock):
    tally = Tally(100)
    clock[0] += 4
    tally(10)
    assert tally.rate() == "0.4 s per document"  # not "2.5 documents/s": one unit


def test_documents_with_their_own_time_show_what_run_json_records(clock):
    """A batch of 8 that took 47 s after 4 s of loading: the line says 5.9 s per document
    (run.json's batch_seconds_per_document), not 51 s for the first one."""
    tally = Tally(8)
    clock[0] += 51
    tally(1, seconds=5.875)
    assert tally.rate() == "5.9 s per document"
    for _ in range(7):
        tally(1, seconds=5.875)
    tally(1, timed=False)  # a failure or a skipped document: not in the rate
    assert tally.rate() == "5.9 s per document"


def test_skipped_documents_count_as_done_but_not_in_the_rate(clock):
    tally = Tally(50)
    tally(40, timed=False)
    clock[0] += 10
    tally(5)
    assert (tally.done, tally.rate()) == (45, "2.0 s per document")


def test_the_count_never_passes_the_total(clock):
    tally = Tally(1)
    for _ in range(5):
        tally(1)
    assert (tally.done, tally.total) == (5, 5)
    tally.grow(3)
    assert tally.total == 8


def test_log_lines_off_a_terminal(clock, capsys):
    with Reporter().progress(3) as advance:
        advance.grow(2)  # a JSONL file turned out to hold three documents
        clock[0] += 2
        for name in ("a", "b", "c", "d", "e"):
            advance(1, name)
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["[1/5] a (2.0 s per document)", "[5/5] e (0.4 s per document)"]


def test_run_over_a_jsonl_file_counts_documents(cli, model_args, tmp_path):
    records = tmp_path / "docs.jsonl"
    records.write_text("".join(json.dumps({"id": f"r{i}", "text": f"{ENGLISH} Nummer {i}."})
                               + "\n" for i in range(3)), encoding="utf-8")
    single = tmp_path / "single.txt"
    single.write_text(ENGLISH, encoding="utf-8")
    result = cli(records, single, "--lang", "en", "--length", "short", "--source-lang", "en",
                 "--out", tmp_path / "out", *model_args)
    assert result.exit_code == 0, result.output
    counts = [(int(done), int(total)) for done, total in COUNTER.findall(result.stderr)]
    assert counts and counts[-1] == (4, 4), result.stderr
    assert all(done <= total for done, total in counts)


def test_model_eval_advances_once_per_document(monkeypatch):
    from summarise.config import Settings
    from summarise.eval import systems
    from summarise.eval.datasets import Record
    from summarise.pipeline import DocumentResult, Summary

    class OneBatch:  # a pipeline that summarises a whole batch at once
        def __init__(self, settings, registry):
            self.settings = settings

        def run(self, documents):
            return [DocumentResult(d.id, d.source, d.lang, 1.0, [Summary(
                "en", "short", "text", 1, 25, "summarise")], "") for d in documents]

    monkeypatch.setattr("summarise.pipeline.Pipeline", OneBatch)
    monkeypatch.setattr(systems.PipelineSystem, "check", lambda self, records: None)
    system = systems.PipelineSystem(Settings())
    records = [Record(f"d{i}", "en", ENGLISH, "en", ("ref",)) for i in range(11)]
    calls = []
    predictions = list(system.predict(records, {"short": 25},
                                      lambda n=1, label="": calls.append((n, label))))
    assert len(predictions) == 11
    assert calls == [(1, f"d{i}") for i in range(11)]


def test_a_long_document_shows_its_chunks_and_rounds_within_their_bound(tiny_models):
    """Round 1 counts the document's chunks up to all of them; later rounds never pass
    the bound the line announces, and the last round shown is the one run.json records."""
    from conftest import SEED
    from summarise.documents import Document
    from summarise.job import long_document_phase
    from summarise.layers import ModelOptions, settings_from_options
    from summarise.pipeline import Pipeline

    settings = settings_from_options(ModelOptions(
        lang=("de",), length=("short",), summariser=str(tiny_models["mt5-128"]),
        source_lang="de", dtype="fp32"))
    calls, phases = [], []
    pipeline = Pipeline(settings, on_chunks=lambda *c: calls.append(c), on_phase=phases.append)
    [result] = pipeline.run([Document("long", "long.txt", " ".join([SEED.read_text()] * 3),
                                      lang="de")])
    assert phases == ["1 document(s) in de, step 1 of 1: summarise the document in de → de "
                      "(short)"]
    first = [c for c in calls if c[3] == 1]
    assert [c[1] for c in first] == sorted(c[1] for c in first)
    assert first[-1][1:3] == (result.chunks, result.chunks)  # every chunk, of all chunks
    assert all(c[3] <= c[4] for c in calls)  # never past "at most R"
    assert max(c[3] for c in calls) == result.reduce_rounds
    assert long_document_phase(*first[-1]) == (
        f"long.txt: chunk {result.chunks} of {result.chunks} (reduce round 1 of at most "
        f"{first[-1][4]})")
