"""One bad document never costs a batch: a model that fails on one document, runs out of
memory above a batch size, or takes too long on one; the others are written."""

from __future__ import annotations

import json
import time

import pytest
from conftest import SEED
from summarise.documents import Document, Failure
from summarise.isolation import run_batch
from summarise.models.base import Generated


def texts(n: int, poison: int | None = None, word: str = "EXPLODE") -> list[str]:
    base = SEED.read_text(encoding="utf-8").split(". ")
    return [". ".join(base[i % 5:i % 5 + 4]) + (f" {word}." if i == poison else f" Nummer {i}.")
            for i in range(n)]


def folder(tmp_path, contents: list[str]):
    src = tmp_path / "docs"
    src.mkdir()
    for i, text in enumerate(contents):
        (src / f"doc{i:02d}.txt").write_text(text, encoding="utf-8")
    return src


class FakeSummariser:
    """Stands in for the model's summarise(): quick text, and a fault where asked."""

    def __init__(self, real, fault):
        self.real = real
        self.fault = fault
        self.batches: list[int] = []

    def __call__(self, model, texts, lang, presets, out_lang=None):
        self.batches.append(len(texts))
        self.fault(texts)
        return [[Generated("Ein kurzer Satz über die Sache.", 8, False) for _ in presets]
                for _ in texts]


@pytest.fixture
def fake_model(monkeypatch):
    """Install a fault into the seq2seq summariser (the in-process CLI uses it)."""
    from summarise.models.seq2seq import Seq2SeqSummariser

    def install(fault):
        fake = FakeSummariser(Seq2SeqSummariser.summarise, fault)
        monkeypatch.setattr(Seq2SeqSummariser, "summarise",
                            lambda self, *a, **k: fake(self, *a, **k))
        return fake

    return install


def run_args(src, out, tiny_models, *extra):
    return (src, "--lang", "de", "--length", "short", "--out", out,
            "--summariser", tiny_models["mt5"], "--dtype", "fp32", *extra)


def test_a_model_error_on_one_document_fails_only_that_document(cli, tiny_models, tmp_path,
                                                               fake_model):
    def fault(batch):
        if any("EXPLODE" in t for t in batch):
            raise RuntimeError("CUDA error: device-side assert triggered")

    fake_model(fault)
    src = folder(tmp_path, texts(6, poison=3))
    out = tmp_path / "out"
    result = cli(*run_args(src, out, tiny_models))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    written = sorted(p.stem for p in out.glob("doc*.json"))
    assert written == ["doc00", "doc01", "doc02", "doc04", "doc05"]
    failures = json.loads((out / "run.json").read_text())["failures"]
    assert len(failures) == 1 and failures[0]["source"].endswith("doc03.txt")
    assert "RuntimeError: CUDA error" in failures[0]["reason"]
    assert "doc03.txt" in result.stderr


def test_out_of_memory_halves_the_batch_before_giving_up(cli, tiny_models, tmp_path,
                                                         fake_model):
    import torch

    def fault(batch):
        if len(batch) > 2:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    fake = fake_model(fault)
    src = folder(tmp_path, texts(8))
    out = tmp_path / "out"
    result = cli(*run_args(src, out, tiny_models))
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("doc*.json"))) == 8
    assert fake.batches[:3] == [8, 4, 2]  # halved, not gone straight to one at a time


def test_out_of_memory_alone_is_a_failure_with_advice():
    import torch

    def run(documents):
        raise torch.OutOfMemoryError("out of memory")

    got = run_batch(run, [Document("a", "a.txt", "x")])
    assert isinstance(got[0], Failure) and "out of memory even alone" in got[0].reason


def test_settings_errors_still_end_the_run():
    from summarise.errors import UsageError

    def run(documents):
        raise UsageError("no translator for de-en")

    with pytest.raises(UsageError):
        run_batch(run, [Document("a", "a.txt", "x"), Document("b", "b.txt", "y")])


def test_doc_timeout_fails_the_slow_document_and_the_batch_goes_on(cli, tiny_models, tmp_path,
                                                                   fake_model):
    def fault(batch):
        if any("SLOW" in t for t in batch):
            time.sleep(30)

    fake_model(fault)
    src = folder(tmp_path, texts(4, poison=1, word="SLOW"))
    out = tmp_path / "out"
    started = time.monotonic()
    result = cli(*run_args(src, out, tiny_models, "--doc-timeout", "1"))
    assert time.monotonic() - started < 25
    assert result.exit_code == 1
    assert sorted(p.stem for p in out.glob("doc*.json")) == ["doc00", "doc02", "doc03"]
    reason = json.loads((out / "run.json").read_text())["failures"][0]["reason"]
    assert "doc01.txt" in reason and "--doc-timeout 1 s" in reason


def test_an_interrupt_after_the_last_document_exits_by_outcome(cli, tiny_models, tmp_path,
                                                               fake_model):
    import os
    import signal

    fake_model(lambda batch: os.kill(os.getpid(), signal.SIGINT))
    src = folder(tmp_path, texts(3))
    out = tmp_path / "out"
    result = cli(*run_args(src, out, tiny_models))
    assert result.exit_code == 0, result.output  # nothing was left undone
    assert json.loads((out / "run.json").read_text())["status"] == "finished"


def test_doc_timeout_does_not_count_the_model_loading(cli, tiny_models, tmp_path, monkeypatch):
    """--doc-timeout limits a document's work: a summariser that takes longer than the
    limit to load (a big model, a cold disk) must not fail the first document."""
    from summarise.models import runtime

    real_load = runtime.load

    def slow_load(*args, **kwargs):
        time.sleep(2.5)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(runtime, "load", slow_load)
    src = folder(tmp_path, texts(1))
    out = tmp_path / "out"
    result = cli(*run_args(src, out, tiny_models, "--doc-timeout", "2"))
    assert result.exit_code == 0, result.output
    assert [p.stem for p in out.glob("doc*.json")] == ["doc00"]


def test_doc_timeout_is_per_document_so_a_slower_batch_is_not_redone():
    """A batch of four documents that needs 1.2 s is within four documents' 0.5 s each:
    it must not be thrown away at 0.5 s and redone one document at a time."""
    calls = []

    def run(documents):
        calls.append(len(documents))
        time.sleep(0.3 * len(documents))
        return [d.id for d in documents]

    documents = [Document(f"d{i}", f"d{i}.txt", "x") for i in range(4)]
    assert run_batch(run, documents, timeout=0.5) == ["d0", "d1", "d2", "d3"]
    assert calls == [4]


def test_doc_timeout_still_finds_the_document_that_hangs_in_a_batch():
    def run(documents):
        if any(d.id == "hangs" for d in documents):
            time.sleep(30)
        return [d.id for d in documents]

    documents = [Document("a", "a.txt", "x"), Document("hangs", "hangs.txt", "y")]
    started = time.monotonic()
    got = run_batch(run, documents, timeout=0.5)
    assert time.monotonic() - started < 5
    assert got[0] == "a"
    assert isinstance(got[1], Failure) and "--doc-timeout 0.5 s" in got[1].reason
