"""A signal stops a run after the batch in hand: that batch is written whole, no other
starts (read, queued or running on another actor), run.json says ``interrupted``, and
the same command resumes. A second signal stops at once.

The signal is sent from inside the first batch's model work (in-process, or from a Ray
actor to the driver), so it lands while that batch runs, every time.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pytest
from conftest import SEED

DOCS, BATCH = 40, 16


def german_documents(folder: Path, count: int = DOCS) -> None:
    sentences = SEED.read_text(encoding="utf-8").split(". ")
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        text = ". ".join(sentences[i % 5: i % 5 + 5]) + f". Meldung Nummer {i}."
        (folder / f"doc{i:02d}.txt").write_text(text, encoding="utf-8")


def outputs(out: Path) -> list[str]:
    return sorted(p.stem for p in out.glob("*.json") if p.name != "run.json")


def manifest(out: Path) -> dict:
    return json.loads((out / "run.json").read_text(encoding="utf-8"))


def settings_for(summariser: str):
    from summarise.layers import ModelOptions, settings_from_options

    return settings_from_options(ModelOptions(lang=("de",), length=("short",),
                                              summariser=summariser, source_lang="de",
                                              dtype="fp32"))


def run(src: Path, out: Path, summariser: str, executor=None) -> int:
    from jobrun import run_files
    from summarise.console import Reporter
    from summarise.executor import LocalExecutor

    return run_files(settings_for(summariser), src, out, executor or LocalExecutor(BATCH),
                     Reporter())


@pytest.fixture
def signal_in_first_batch(monkeypatch):
    """Make the first ``Pipeline.run`` of the test send this process ``signals`` before
    its work; returns the sizes of the batches run."""
    from summarise.pipeline import Pipeline

    def arm(*signals: int) -> list[int]:
        batches: list[int] = []
        real = Pipeline.run

        def run_and_signal(self, documents):
            batches.append(len(documents))
            if len(batches) == 1:
                for signum in signals:
                    os.kill(os.getpid(), signum)
            return real(self, documents)

        monkeypatch.setattr(Pipeline, "run", run_and_signal)
        return batches

    return arm


@pytest.mark.parametrize("signum,code,again", [(signal.SIGTERM, 143, "send SIGTERM again"),
                                               (signal.SIGINT, 130, "Ctrl-C again")])
def test_a_signal_in_the_first_batch_finishes_it_and_starts_no_other(
        model_args, tmp_path, capsys, signal_in_first_batch, signum, code, again):
    src, out = tmp_path / "docs", tmp_path / "out"
    german_documents(src)
    batches = signal_in_first_batch(signum)

    assert run(src, out, model_args[1]) == code
    assert batches == [BATCH]  # the second batch was never started
    assert outputs(out) == [f"doc{i:02d}" for i in range(BATCH)]
    assert manifest(out)["status"] == "interrupted"
    assert len(manifest(out)["documents"]) == BATCH
    err = capsys.readouterr().err
    assert f"stopping after the current batch ({again} to stop now)" in err
    assert "run the same command again to resume" in err


def test_the_rerun_after_a_signal_does_the_rest(model_args, tmp_path, capsys,
                                                signal_in_first_batch):
    src, out = tmp_path / "docs", tmp_path / "out"
    german_documents(src)
    signal_in_first_batch(signal.SIGTERM)
    assert run(src, out, model_args[1]) == 143
    capsys.readouterr()  # the rerun's batches are not the first: no signal
    assert run(src, out, model_args[1]) == 0
    assert f"{DOCS - BATCH} summarised, {BATCH} up to date" in capsys.readouterr().err
    assert outputs(out) == [f"doc{i:02d}" for i in range(DOCS)]
    assert manifest(out)["status"] == "finished"


def test_a_second_signal_stops_at_once_with_that_signals_code(model_args, tmp_path, capsys,
                                                              signal_in_first_batch):
    src, out = tmp_path / "docs", tmp_path / "out"
    german_documents(src)
    signal_in_first_batch(signal.SIGTERM, signal.SIGTERM)
    assert run(src, out, model_args[1]) == 143  # SIGTERM's code, not Ctrl-C's
    assert outputs(out) == []  # the batch in hand was not finished
    assert manifest(out)["status"] == "interrupted"


def test_run_json_says_running_while_the_run_goes(model_args, tmp_path, monkeypatch):
    from summarise.pipeline import Pipeline

    src, out = tmp_path / "docs", tmp_path / "out"
    german_documents(src, 3)
    seen: list[str] = []
    real = Pipeline.run
    monkeypatch.setattr(Pipeline, "run", lambda self, documents: (
        seen.append(manifest(out)["status"]), real(self, documents))[1])
    assert run(src, out, model_args[1]) == 0
    assert seen == ["running"]
    assert manifest(out)["status"] == "finished"


class SignalsTheDriver:
    """Mixed into the Ray worker: the batch holding doc00 sends the driver SIGTERM, then
    does its work (the other actor is busy with the second batch meanwhile)."""

    driver = 0

    def summarise(self, pipeline, documents):
        if any(d.id == "doc00" for d in documents):
            os.kill(self.driver, signal.SIGTERM)
        return super().summarise(pipeline, documents)


@pytest.mark.ray
def test_a_signal_stops_a_ray_run_after_the_batch_in_hand(model_args, tmp_path):
    pytest.importorskip("ray", reason="pip install -e '.[ray]'")
    from ray import cloudpickle
    from summarise.ray_executor import PipelineWorker, RayExecutor, RayOptions

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers lack tests/
    src, out = tmp_path / "docs", tmp_path / "out"
    german_documents(src)
    executor = RayExecutor(RayOptions(workers=2, batch_docs=BATCH))
    executor.worker_class = type("Signalling", (SignalsTheDriver, PipelineWorker),
                                 {"driver": os.getpid()})

    assert run(src, out, model_args[1], executor) == 143
    # The first batch written whole; the second (running on the other actor) and the
    # third (queued) dropped.
    assert outputs(out) == [f"doc{i:02d}" for i in range(BATCH)]
    assert manifest(out)["status"] == "interrupted"

    rerun = RayExecutor(RayOptions(workers=2, batch_docs=BATCH))
    assert run(src, out, model_args[1], rerun) == 0
    assert outputs(out) == [f"doc{i:02d}" for i in range(DOCS)]
