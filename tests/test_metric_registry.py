"""The metric registry: a metric registered with ``register`` reaches every report.

A toy metric (characters in the summary) is registered for one test and removed after;
its scores are checked against the predictions' own lengths, and its label is looked for
in scores.json, report.md, report.html and ``summarise compare``'s output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from summarise.eval.metrics import Key, Metric, Sample, register, registry, unregister

EN_NEWS = Path(__file__).parent / "data" / "eval" / "en-news.slice.jsonl"
TOY_LABEL = "toy: characters in summary"
TOY_SHORT = "toy chars"


class Characters(Metric):
    """Counts the summary's characters: trivially checkable from predictions.jsonl."""

    name = "toychars"
    keys = (Key("toy_chars", TOY_LABEL, None, "count", short=TOY_SHORT),)

    def score(self, sample: Sample) -> dict[str, float]:
        return {"toy_chars": float(len(sample.hypothesis))}


@pytest.fixture
def toy_metric():
    register(Characters)
    yield Characters
    unregister(Characters.name)


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_registered_metric_reaches_scores_reports_and_compare(cli, toy_metric, tmp_path):
    runs = {}
    for system in ("lead-3", "lead-1"):
        runs[system] = tmp_path / system
        result = cli("eval", EN_NEWS, "--system", system, "--metric", "length",
                     "--metric", Characters.name, "--bootstrap", "100", "--out", runs[system])
        assert result.exit_code == 0, result.output
        assert TOY_SHORT in result.stdout or TOY_LABEL in result.stdout  # terminal table

    run = runs["lead-3"]
    scores = json.loads((run / "scores.json").read_text(encoding="utf-8"))
    assert scores["metrics"]["toy_chars"]["label"] == TOY_LABEL
    assert "toychars:v1" in scores["signature"]
    lengths = {(p["id"], p["length"]): len(p["text"]) for p in _lines(run / "predictions.jsonl")}
    documents = {(d["id"], d["length"]): d["scores"]["toy_chars"] for d in scores["documents"]}
    assert documents == {key: float(n) for key, n in lengths.items()}
    mean = scores["aggregate"]["overall"]["toy_chars"]["mean"]
    assert mean == pytest.approx(sum(lengths.values()) / len(lengths))

    markdown = (run / "report.md").read_text(encoding="utf-8")
    headline = markdown.split("## Scores", 1)[1].split("## All metrics", 1)[0]
    assert f"| {TOY_LABEL} | {mean:.1f} [" in headline  # in the headline table, not only "all"
    html = (run / "report.html").read_text(encoding="utf-8")
    documents_table = html.split("<h2>Every document</h2>", 1)[1]
    assert f">{TOY_SHORT}</th>" in documents_table  # a column of the per-document table
    assert TOY_LABEL in html.split("<h2>Breakdowns</h2>", 1)[0]  # and of the Scores table

    result = cli("compare", runs["lead-3"], runs["lead-1"], "--trials", "200",
                 "--out", tmp_path / "compared")
    assert result.exit_code == 0, result.output
    assert TOY_SHORT in result.stdout  # a default row, without --all-metrics
    comparison = json.loads((tmp_path / "compared" / "comparison.json").read_text(
        encoding="utf-8"))
    [pair] = comparison["comparisons"]
    other = {(p["id"], p["length"]): len(p["text"])
             for p in _lines(runs["lead-1"] / "predictions.jsonl")}
    toy = pair["metrics"]["toy_chars"]
    assert toy["a"] == pytest.approx(sum(lengths.values()) / len(lengths))
    assert toy["b"] == pytest.approx(sum(other.values()) / len(other))
    assert toy["delta"] < 0  # lead-1 writes one sentence where lead-3 writes three
    assert f"| {TOY_SHORT} |" in (tmp_path / "compared" / "comparison.md").read_text(
        encoding="utf-8")
    assert f"{TOY_SHORT} A" in (tmp_path / "compared" / "report.html").read_text(
        encoding="utf-8")


def test_the_toy_is_gone_after_its_test():
    assert Characters.name not in registry.METRICS
    assert registry.headline_keys(["toy_chars", "rouge1_f"]) == ["rouge1_f"]


def test_builtin_metrics_declare_the_report_columns_reports_always_had():
    """The lists report.py, compare.py and plot.py hard-coded before the registry."""
    every = [k.name for cls in registry.METRICS.values() for k in cls.keys]
    assert registry.headline_keys(reversed(every)) == [
        "rouge1_f", "rouge2_f", "rougeL_f", "rougeLsum_f", "chrf", "bleu", "words",
        "within_target", "novel_2", "numbers_consistent",
        # the checks metric (issue 23), registered after them
        "checks_wrong_language", "checks_unsupported_numbers", "checks_unsupported_names",
        "checks_support"]
    assert registry.document_keys(every) == [
        "rouge1_f", "rouge2_f", "rougeL_f", "rougeLsum_f", "chrf", "bleu", "words",
        "numbers_unsupported", "checks_unsupported_names", "checks_support"]
    assert registry.breakdown_keys(every) == ["rouge1_f", "rouge2_f", "rougeLsum_f", "chrf",
                                              "words", "checks_wrong_language",
                                              "checks_support"]
    assert registry.plotted_keys(every) == ["rouge1_f", "rouge2_f", "rougeL_f", "rougeLsum_f",
                                            "chrf"]
    assert registry.focus_key(every) == "rouge1_f"
    assert registry.focus_key(["words", "chrf"]) == "chrf"  # higher is better beats a count
    assert [cls.name for cls in registry.corpus_metrics(every)] == ["chrf", "bleu"]
    assert registry.corpus_key("bleu").brief == "BLEU corpus"
    assert registry.corpus_key("rouge1_f") is None


def test_register_refuses_a_wrong_declaration_or_a_taken_name():
    class Undeclared(Characters):
        name = "undeclared"
        headline = ("toy_chars", "no_such_key")

    with pytest.raises(ValueError, match="no_such_key not among its keys"):
        register(Undeclared)

    class Impostor(Characters):
        name = "rouge"

    with pytest.raises(ValueError, match="'rouge' is registered already"):
        register(Impostor)
    assert "undeclared" not in registry.METRICS
    assert registry.METRICS["rouge"].__name__ == "Rouge"
