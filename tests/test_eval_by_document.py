"""The document is the unit of resampling: intervals and paired tests treat a document's
summaries at several lengths as one draw, checked against small reference
implementations written here (plain loops over documents) and on lead-K, which writes
the same text at every length."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from eval_runs import lead_runs_at_lengths
from summarise.eval.aggregate import Bootstrap, aggregate, breakdown
from summarise.eval.harness import ScoredUnit
from summarise.eval.significance import compare_scores


def _documents(n: int = 80, seed: int = 0) -> dict[str, float]:
    """Document scores that vary a lot between documents (as ROUGE does)."""
    rng = np.random.default_rng(seed)
    return {f"d{i:03d}": float(v) for i, v in enumerate(rng.normal(40, 12, size=n))}


def _units(documents: dict[str, float], lengths=("short", "medium"), wobble: float = 0.0,
           seed: int = 1) -> list[ScoredUnit]:
    """A summary per document and length: the document's score plus a little noise (none:
    lead-K's case, where every length has the same text and score)."""
    rng = np.random.default_rng(seed)
    return [ScoredUnit(doc, "en", length, {"m": score + float(rng.normal(0, wobble))})
            for doc, score in documents.items() for length in lengths]


def _reference_interval(units: list[ScoredUnit], resamples: int = 4000, seed: int = 99
                        ) -> tuple[float, float]:
    """An independent document-level percentile bootstrap: draw documents with
    replacement, average every summary they hold."""
    by_document: dict[str, list[float]] = {}
    for unit in units:
        by_document.setdefault(unit.id, []).append(unit.scores["m"])
    ids = sorted(by_document)
    rng = random.Random(seed)
    means = []
    for _ in range(resamples):
        drawn = [score for _ in ids for score in by_document[rng.choice(ids)]]
        means.append(sum(drawn) / len(drawn))
    means.sort()
    return means[int(0.025 * resamples)], means[int(0.975 * resamples) - 1]


def test_overall_interval_matches_a_document_level_bootstrap_within_ten_percent():
    units = _units(_documents(), wobble=2.0)
    overall = aggregate(units, ["m"], Bootstrap(2000), ["short", "medium"])["overall"]["m"]
    low, high = _reference_interval(units)
    assert (overall["high"] - overall["low"]) == pytest.approx(high - low, rel=0.10)
    assert overall["low"] == pytest.approx(low, abs=0.1 * (high - low))
    assert overall["high"] == pytest.approx(high, abs=0.1 * (high - low))
    assert (overall["n"], overall["summaries"]) == (80, 160)  # n counts documents


def test_a_second_identical_length_changes_no_interval():
    documents = _documents(n=50)
    one = aggregate(_units(documents, ("short",)), ["m"], Bootstrap(500))["overall"]["m"]
    two = aggregate(_units(documents), ["m"], Bootstrap(500))["overall"]["m"]
    assert (two["low"], two["mean"], two["high"]) == pytest.approx(
        (one["low"], one["mean"], one["high"]), abs=1e-9)
    assert (one["n"], two["n"], two["summaries"]) == (50, 50, 100)


def test_group_by_counts_documents_and_resamples_them():
    units = _units(_documents(n=30))

    class Record:
        def __init__(self, id_):
            self.id, self.fields = id_, {"topic": "all"}

    records = {(u.id, u.lang): Record(u.id) for u in units}
    [(group, stats)] = breakdown(units, records, "topic", ["m"], Bootstrap(300)).items()
    assert group == "all"
    single = aggregate(_units(_documents(n=30), ("short",)), ["m"], Bootstrap(300))
    assert stats["m"]["n"] == 30 and stats["m"]["summaries"] == 60
    assert (stats["m"]["low"], stats["m"]["high"]) == pytest.approx(
        (single["overall"]["m"]["low"], single["overall"]["m"]["high"]), abs=1e-9)


def _reference_ar(a: dict, b: dict, trials: int, seed: int) -> float:
    """Approximate randomisation by documents, written as a loop: swap A and B for all of
    a document's summaries at once, count mean differences at least the observed one."""
    documents = sorted({unit[0] for unit in a})
    per_document = {d: [b[u] - a[u] for u in a if u[0] == d] for d in documents}
    total = sum(len(v) for v in per_document.values())
    observed = abs(sum(sum(v) for v in per_document.values()) / total)
    rng = random.Random(seed)
    extreme = 0
    for _ in range(trials):
        shuffled = sum(sum(v) * rng.choice((-1, 1)) for v in per_document.values()) / total
        extreme += abs(shuffled) >= observed - 1e-12
    return (extreme + 1) / (trials + 1)


def test_approximate_randomisation_matches_a_document_level_reference():
    rng = np.random.default_rng(5)
    base = rng.normal(40, 10, size=40)
    shift = rng.normal(0.9, 3.0, size=40)  # B is a little better on most documents
    a, b = {}, {}
    for i in range(40):
        for j, length in enumerate(("short", "medium")):
            a[(f"d{i}", "en", length)] = base[i] + j
            b[(f"d{i}", "en", length)] = base[i] + j + shift[i] + rng.normal(0, 0.5)
    units = sorted(a)
    [ours] = compare_scores(np.array([[a[u]] for u in units]), np.array([[b[u]] for u in units]),
                            "ar", Bootstrap(200), trials=20000, documents=[u[0] for u in units])
    reference = _reference_ar(a, b, 20000, seed=3)
    noise = 4 * np.sqrt(reference * (1 - reference) / 20000)  # two Monte-Carlo estimates
    assert abs(ours.p_value - reference) < noise + 1e-3
    assert 0.005 < reference < 0.5  # a case where counting summaries would mislead


@pytest.mark.parametrize("test", ["ar", "bootstrap"])
def test_a_repeated_length_keeps_p_value_and_interval_exactly(test):
    rng = np.random.default_rng(11)
    a = rng.normal(40, 10, size=(60, 2))
    b = a + rng.normal(0.8, 4.0, size=(60, 2))
    ids = [f"d{i}" for i in range(60)]
    once = compare_scores(a, b, test, Bootstrap(1000), 5000, ids)
    twice = compare_scores(np.vstack([a, a]), np.vstack([b, b]), test, Bootstrap(1000), 5000,
                           ids + ids)
    for one, two in zip(once, twice, strict=True):
        assert (two.p_value, two.low, two.high, two.delta) == pytest.approx(
            (one.p_value, one.low, one.high, one.delta), abs=1e-9)
    # counting each summary as a document (what compare did before) makes B look surer
    as_summaries = compare_scores(np.vstack([a, a]), np.vstack([b, b]), test,
                                  Bootstrap(1000), 5000)
    assert as_summaries[0].p_value < once[0].p_value / 2


@pytest.fixture(scope="module")
def lead_runs_two_lengths(tmp_path_factory) -> dict[str, Path]:
    """lead-3 and lead-2 on the news slice, at one length and at two."""
    return lead_runs_at_lengths(tmp_path_factory.mktemp("lead"), ("lead-3", "lead-2"),
                                "--metric", "rouge", "--bootstrap", "300")


@pytest.mark.parametrize("test", ["ar", "bootstrap"])
def test_lead_k_at_two_lengths_gets_the_p_value_of_one_length(cli, lead_runs_two_lengths,
                                                              test):
    runs = lead_runs_two_lengths
    p = {}
    for name in ("one", "two"):
        result = cli("compare", runs[f"lead-3/{name}"], runs[f"lead-2/{name}"], "--format",
                     "json", "--test", test, "--trials", "3000")
        assert result.exit_code == 0, result.output
        [pair] = json.loads(result.stdout)["comparisons"]
        p[name] = pair
    assert (p["one"]["paired_documents"], p["one"]["paired_summaries"]) == (20, 20)
    assert (p["two"]["paired_documents"], p["two"]["paired_summaries"]) == (20, 40)
    for key in ("rouge1_f", "rouge2_f", "rougeLsum_f"):
        assert p["two"]["metrics"][key]["p_value"] == pytest.approx(
            p["one"]["metrics"][key]["p_value"], abs=1e-12), key
        assert p["two"]["metrics"][key]["delta_ci"] == pytest.approx(
            p["one"]["metrics"][key]["delta_ci"], abs=1e-9), key


def test_eval_at_two_lengths_counts_documents_everywhere(lead_runs_two_lengths):
    run = lead_runs_two_lengths["lead-3/two"]
    scores = json.loads((run / "scores.json").read_text(encoding="utf-8"))
    one = json.loads((lead_runs_two_lengths["lead-3/one"] / "scores.json").read_text(
        encoding="utf-8"))
    overall = scores["aggregate"]["overall"]["rouge1_f"]
    assert (overall["n"], overall["summaries"]) == (20, 40)
    assert scores["aggregate"]["en/long"]["rouge1_f"]["n"] == 20
    # same text at both lengths: the overall interval is the one-length interval
    assert (overall["low"], overall["high"]) == pytest.approx(
        (one["aggregate"]["overall"]["rouge1_f"]["low"],
         one["aggregate"]["overall"]["rouge1_f"]["high"]), abs=1e-9)
    html = (run / "report.html").read_text(encoding="utf-8")
    assert "<td>documents</td><td>20</td>" in html and "<td>40</td>" not in html
