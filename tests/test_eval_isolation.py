"""A model system's batches in ``summarise eval`` run with a run's isolation: a record
the model fails on is a failure (listed, with its reason, under ``missing``), and the
other records are summarised and scored. The Ray twin is in test_ray_executor.py."""

from __future__ import annotations

import json
from pathlib import Path

XLING = Path(__file__).parent / "data" / "eval" / "en-de-xling.slice.jsonl"
VICTIM = "xscitldr-de-test-0003-BJgLg3R9KQ"  # the second of the slice's first three records


def eval_args(tiny_models, out: Path) -> list:
    return ["eval", XLING, "--summariser", tiny_models["mt5"],
            "--translator", f"en-de={tiny_models['marian-en-de']}", "--dtype", "fp32",
            "--limit", "3", "--batch-docs", "2", "--length", "short", "--bootstrap", "50",
            "--out", out]


def choke_on_victim(documents) -> None:
    if any(d.id == VICTIM for d in documents):
        raise RuntimeError(f"the tokenizer choked on {VICTIM}")


def check_failure_row_and_scores(result, out: Path) -> None:
    """What a user relies on: exit 1, the failure named, the rest scored and written."""
    assert result.exit_code == 1, result.output
    assert f"the tokenizer choked on {VICTIM}" in result.stderr
    scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    first_three = [json.loads(line)["id"] for line in
                   XLING.read_text(encoding="utf-8").splitlines()[:3]]
    others = [i for i in first_three if i != VICTIM]
    assert sorted({d["id"] for d in scores["documents"]}) == sorted(others)
    assert scores["aggregate"]["overall"]["rouge1_f"]["n"] == 2
    [missing] = scores["missing"]
    assert missing["id"] == VICTIM and "choked" in missing["failure"]
    predicted = [json.loads(line)["id"] for line in
                 (out / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(set(predicted)) == sorted(others)


def test_a_record_the_model_fails_on_in_a_local_eval_is_a_failure_and_the_rest_is_scored(
        cli, tiny_models, tmp_path, monkeypatch):
    from summarise.pipeline import Pipeline

    real_run = Pipeline.run

    def run(self, documents):
        choke_on_victim(documents)
        return real_run(self, documents)

    monkeypatch.setattr(Pipeline, "run", run)
    out = tmp_path / "out"
    check_failure_row_and_scores(cli(*eval_args(tiny_models, out)), out)
