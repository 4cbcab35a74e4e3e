"""--doc-timeout is a budget each document keeps inside its batch: a huge document is cut
out at its own budget and fails alone; its neighbours neither fail nor wait for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEED
from summarise import budget
from summarise.budget import Ledger, OverBudget, charging, owned_by
from summarise.documents import Document, Failure

# What one decoding step costs on the test's clock. The budget below is 100 such seconds,
# so the real-time alarm behind it (N x SECONDS for a batch of N) is minutes away.
STEP = 1.0
BUDGET = 100


@pytest.fixture
def step_clock(monkeypatch):
    """Every reading of the budget's clock is one step later: a decoding step costs
    ``STEP`` seconds whatever the machine's load, so the charges are exact."""
    ticks = iter(range(10**9))
    monkeypatch.setattr(budget, "clock", lambda: next(ticks) * STEP)


def test_a_step_is_shared_evenly_among_its_rows_and_charged_to_their_owners():
    ledger = Ledger(1.0, {"a": "a.txt", "b": "b.txt"})
    ledger.charge(["a", "a", "a", "b"], 0.4)  # a has three rows (chunks) in this step
    assert ledger.spent == pytest.approx({"a": 0.3, "b": 0.1})
    with pytest.raises(OverBudget) as over:
        ledger.charge(["a", "a", "a", "b"], 1.0)
    assert over.value.ids == {"a"}  # b's 0.35 s is far inside its budget


def test_owners_compose_through_the_layers_that_regroup_texts():
    """The pipeline's texts are documents; map-reduce hands on chunks of some of them,
    the translator segments of those: each row is still charged to its document."""
    seen = []
    ledger = Ledger(100.0, {"a": "a", "b": "b", "c": "c"})
    ledger.charge = lambda owners, elapsed: seen.append(list(owners))
    with charging(ledger, ["a", "b", "c"]), owned_by([2, 0]), owned_by([0, 0, 1]):
        budget.charge_call(1.0)
    assert seen == [["c", "c", "a"]]
    budget.charge_call(1.0)  # outside a batch with a budget: nothing is charged
    assert seen == [["c", "c", "a"]]


def test_the_slow_document_is_named_once_while_it_runs():
    told = []
    ledger = Ledger(1.0, {"big": "big.txt", "small": "small.txt"}, told.append)
    for _ in range(5):
        ledger.charge(["big", "big", "big", "small"], 0.2)
    assert told == ["big.txt: slow, 0.6 s of its --doc-timeout 1 s used"]


def long_and_short(tmp_path: Path) -> list[Document]:
    seed = SEED.read_text(encoding="utf-8")
    short = ". ".join(seed.split(". ")[:4]) + "."
    return [Document("s1", "s1.txt", short, lang="de"),
            Document("huge", "huge.txt", " ".join([seed] * 12), lang="de"),
            Document("s2", "s2.txt", short.replace("Die", "Der"), lang="de")]


def test_a_huge_document_is_cut_out_of_its_batch_and_its_neighbours_are_kept(
        tiny_models, tmp_path, step_clock):
    from summarise.isolation import run_batch
    from summarise.layers import ModelOptions, settings_from_options
    from summarise.pipeline import Pipeline

    settings = settings_from_options(ModelOptions(
        lang=("de",), length=("short",), summariser=str(tiny_models["mt5-128"]),
        source_lang="de", dtype="fp32"))
    pipeline = Pipeline(settings)
    documents = long_and_short(tmp_path)
    batches, told = [], []
    real = pipeline.run

    def run(batch):
        batches.append([d.id for d in batch])
        return real(batch)

    got = run_batch(run, documents, timeout=BUDGET, notify=told.append)

    # The huge document's 200 chunks pass 100 s of steps; the short ones, alone, need
    # about 70 each (measured with this clock), so they pass on the second try.
    assert batches == [["s1", "huge", "s2"], ["s1", "s2"]]  # not one by one
    assert [g.id for g in got if not isinstance(g, Failure)] == ["s1", "s2"]
    failure = got[1]
    assert isinstance(failure, Failure)
    assert failure.reason.startswith("huge.txt: needed more than --doc-timeout 100 s")
    assert "rest of its batch went on" in failure.reason
    assert told[0].startswith("huge.txt: slow")
    assert ("huge.txt: over its --doc-timeout 100 s, cut out of its batch; the others go on"
            in told)
    assert not any(line.startswith("s1.txt: over") for line in told)


def test_the_run_command_reports_the_slow_document_and_writes_the_others(
        cli, tiny_models, tmp_path, step_clock):
    folder = tmp_path / "docs"
    folder.mkdir()
    for document in long_and_short(tmp_path):
        (folder / document.source).write_text(document.text, encoding="utf-8")
    out = tmp_path / "out"
    result = cli(folder, "--lang", "de", "--length", "short", "--source-lang", "de",
                 "--summariser", tiny_models["mt5-128"], "--dtype", "fp32",
                 "--doc-timeout", str(BUDGET), "--out", out)
    assert result.exit_code == 1, result.output
    assert sorted(p.stem for p in out.glob("*.json") if p.name != "run.json") == ["s1", "s2"]
    assert "huge.txt: slow" in result.stderr
    [failure] = json.loads((out / "run.json").read_text())["failures"]
    assert failure["source"].endswith("huge.txt")
    assert "needed more than --doc-timeout 100 s" in failure["reason"]
