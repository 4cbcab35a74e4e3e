"""The checks in ``summarise eval`` and ``compare`` (issue 23, item 5): per language and
length, the share of summaries in the wrong language, with a number or a name the source
lacks, and the mean support, with bootstrap intervals; registered as a metric, so no
report code names them."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from summarise.eval import perturb
from summarise.eval.metrics.numbers import unsupported_quantities

ARTICLES_FILE = Path(__file__).parent / "data" / "checks" / "articles.jsonl"
ARTICLES = [json.loads(line) for line in ARTICLES_FILE.read_text("utf-8").splitlines()]
KEYS = ("checks_wrong_language", "checks_unsupported_numbers", "checks_unsupported_names",
        "checks_support")


def _predictions(path: Path, broken: bool) -> dict[str, str]:
    """Faithful summaries, or: numbers changed in the German ones and the first English
    one written in German."""
    texts = {}
    for article in ARTICLES:
        text = article["summary"]
        if broken and article["lang"] == "de":
            text = perturb.change_number(text, "de", article["text"], "de",
                                         random.Random(0)).summary
        texts[article["id"]] = text
    if broken:
        texts["en-bridge"] = ARTICLES[3]["summary"]
    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in texts.items()),
                    encoding="utf-8")
    return texts


def _eval(cli, predictions: Path, out: Path) -> dict:
    result = cli("eval", ARTICLES_FILE, "--predictions", predictions, "--metric", "checks",
                 "--length", "short", "--bootstrap", "200", "--out", out)
    assert result.exit_code == 0, result.output
    return json.loads((out / "scores.json").read_text(encoding="utf-8"))


def test_eval_reports_check_rates_per_group_and_compare_tests_them(cli, tmp_path):
    texts = _predictions(tmp_path / "broken.jsonl", broken=True)
    broken = _eval(cli, tmp_path / "broken.jsonl", tmp_path / "broken")
    _predictions(tmp_path / "faithful.jsonl", broken=False)
    faithful = _eval(cli, tmp_path / "faithful.jsonl", tmp_path / "faithful")

    by_id = {d["id"]: d["scores"] for d in broken["documents"]}
    flagged = 0
    for article in ARTICLES:  # the number flag agrees with the harness's own reader
        _, missing = unsupported_quantities(texts[article["id"]], article["lang"],
                                            article["text"], article["lang"])
        assert by_id[article["id"]]["checks_unsupported_numbers"] == (100.0 if missing else 0.0)
        flagged += bool(missing)
    assert flagged == 4  # the three German summaries and the German one filed as English
    assert by_id["en-bridge"]["checks_wrong_language"] == 100.0
    groups = broken["aggregate"]
    assert groups["de/short"]["checks_unsupported_numbers"]["mean"] == 100.0
    assert groups["en/short"]["checks_wrong_language"]["mean"] == pytest.approx(100 / 3)
    interval = groups["en/short"]["checks_wrong_language"]
    assert interval["low"] <= interval["mean"] <= interval["high"] and interval["n"] == 3
    assert all(faithful["aggregate"]["overall"][k]["mean"] == 0.0 for k in KEYS[:3])
    assert faithful["aggregate"]["overall"]["checks_support"]["mean"] > 50
    assert "checks:v1" in broken["signature"]

    result = cli("compare", tmp_path / "faithful", tmp_path / "broken", "--trials", "200",
                 "--out", tmp_path / "compared")
    assert result.exit_code == 0, result.output
    comparison = json.loads((tmp_path / "compared" / "comparison.json").read_text("utf-8"))
    [pair] = comparison["comparisons"]
    numbers = pair["metrics"]["checks_unsupported_numbers"]
    assert numbers["a"] == 0.0 and numbers["b"] == pytest.approx(100 * 4 / 6)
    assert "unsupported numbers %" in result.stdout
