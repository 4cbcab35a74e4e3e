"""What the reports show people: distinct worst/best lists, integer counts, texts packed
small, human labels, and titles that name the system (models, backend, dtype)."""

from __future__ import annotations

import base64
import gzip
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from eval_runs import lead_reports
from summarise.eval.harness import ScoredUnit
from summarise.eval.html import DocumentTable
from summarise.eval.labels import system_label
from summarise.eval.report import extremes


def _result(count: int) -> SimpleNamespace:
    return SimpleNamespace(units=[ScoredUnit(f"d{i:02d}", "en", "short", {"rouge1_f": i * 1.5})
                                  for i in range(count)])


@pytest.mark.parametrize(("count", "sizes"), [(20, (10, 10)), (13, (6, 7)), (50, (10, 10)),
                                              (1, (0, 1))])
def test_worst_and_best_never_list_the_same_summary(count, sizes):
    worst, best = extremes(_result(count))
    assert (len(worst), len(best)) == sizes
    assert not {row[0] for row in worst} & {row[0] for row in best}
    if worst:
        assert worst[0][0] == "d00" and max(float(r[3]) for r in worst) < min(
            float(r[3]) for r in best)
    assert best[0][0] == f"d{count - 1:02d}"


def _packed(html: str, name: str) -> dict:
    block = re.search(rf"<script type='application/gzip\+base64' id='{name}-texts'>"
                      r"([A-Za-z0-9+/=]+)</script>", html)
    assert block, "no packed texts block"
    return json.loads(gzip.decompress(base64.b64decode(block.group(1))).decode("utf-8"))


def test_document_table_packs_its_texts_and_prints_counts_as_integers():
    table = DocumentTable("docs", [("id", "text"), ("R1", "number"), ("words", "count")])
    text = "Ein Text über Größe, der sich wiederholt. " * 200
    table.add("a/de/short", ["a", 41.234, 57.0], [("Source", text), ("Prediction", "<b>x</b>")])
    html = table.render()
    assert _packed(html, "docs") == {"a/de/short": [["Source", text],
                                                    ["Prediction", "<b>x</b>"]]}
    assert "Größe" not in html and len(html) < len(text) / 5  # compressed, not inlined
    assert ">41.23</td>" in html and ">57</td>" in html and "57.00" not in html
    assert "data-type='number'>words</th>" in html  # counts sort as numbers


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    return lead_reports(tmp_path_factory.mktemp("reports"))


def test_eval_report_has_distinct_extremes_integer_words_and_packed_texts(reports):
    html = (reports["lead-3"] / "report.html").read_text(encoding="utf-8")
    assert "The 10 worst and 10 best by ROUGE-1" in html
    worst, best = re.search(r"<strong>worst</strong>(.*?)<strong>best</strong>(.*?)</div></div>",
                            html, re.S).groups()
    ids = re.compile(r"<tr><td>([^<]+)</td>")
    assert len(ids.findall(worst)) == 10 and not set(ids.findall(worst)) & set(
        ids.findall(best))
    predictions = [json.loads(line) for line in (reports["lead-3"] / "predictions.jsonl")
                   .read_text(encoding="utf-8").splitlines()]
    scores = json.loads((reports["lead-3"] / "scores.json").read_text(encoding="utf-8"))
    words = {d["id"]: d["scores"]["words"] for d in scores["documents"]}
    first = predictions[0]["id"]
    assert float(words[first]).is_integer()
    row = re.search(rf"<tr class='doc' data-key='{re.escape(first)}/en/[a-z]+'>(.*?)</tr>",
                    html).group(1)
    assert f">{int(words[first])}</td>" in row  # the words column is an integer
    texts = _packed(html, "documents")
    assert predictions[0]["text"].split()[0] in json.dumps(texts, ensure_ascii=False)
    assert "<script type='application/json'" not in html


def test_compare_report_names_both_systems_and_the_metric_in_words(reports):
    html = (reports["compare"] / "report.html").read_text(encoding="utf-8")
    assert "<h1>A = lead-3 vs B = lead-1 on en-news.slice</h1>" in html
    assert "Where they differ most (ROUGE-1 F1)" in html and "(rouge1_f)" not in html
    assert "20 paired documents (20 summaries)" in html


def _model_system(backend: str, precision: dict) -> dict:
    models = {"google/mt5-small": {"name": "google/mt5-small", "revision": "73fb5dbe4756",
                                   **precision},
              "/models/opus-mt-en-de": {"name": "/models/opus-mt-en-de", "revision": None,
                                        **precision}}
    return {"name": "model", "kind": "model", "summariser": "google/mt5-small",
            "settings": {"translators": {"en-de": "/models/opus-mt-en-de",
                                         "de-en": "Helsinki-NLP/opus-mt-de-en"},
                         "generation": {"backend": backend, "dtype": "auto",
                                        "quantize": None}},
            "models": models}


def test_a_system_label_tells_torch_and_ctranslate2_runs_apart():
    torch = system_label(_model_system("torch", {"dtype": "bfloat16"}))
    ct2 = system_label(_model_system("ctranslate2", {"backend": "ctranslate2",
                                                    "compute_type": "int8_float32"}))
    assert torch == ("google/mt5-small (torch, bfloat16, rev 73fb5dbe47) + "
                     "en-de opus-mt-en-de (torch, bfloat16)")
    assert ct2 == ("google/mt5-small (ctranslate2, int8_float32, rev 73fb5dbe47) + "
                   "en-de opus-mt-en-de (ctranslate2, int8_float32)")
    # an unused translator (de-en: not loaded) is not named
    assert system_label({"name": "lead-3", "kind": "baseline"}) == "lead-3"


def test_a_run_without_plotted_metrics_draws_its_figure_without_a_warning():
    """`--metric length` scores nothing drawn as bars: the figure is still written, and
    matplotlib's "no artists with labels" warning no longer reaches the user."""
    import warnings

    from summarise.eval.plot import score_plot

    interval = {"mean": 50.0, "low": 40.0, "high": 60.0}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = score_plot({"overall": {"words": interval}}, {}, "length only")
    assert png.startswith(b"\x89PNG")
