"""`compare` reports corpus chrF++ and BLEU with sacreBLEU's own paired tests: the same
p-values as the `sacrebleu` command line (installed with sacrebleu) on the same files."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from eval_runs import lead_runs_at_lengths
from summarise.eval.corpus_tests import holm

SACREBLEU = shutil.which("sacrebleu") or str(Path(sys.executable).parent / "sacrebleu")


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """lead-3 and lead-2 on the news slice: at one length, and at two."""
    return lead_runs_at_lengths(tmp_path_factory.mktemp("corpus"), ("lead-3", "lead-2"),
                                "--metric", "chrf", "--metric", "bleu", "--metric", "length",
                                "--bootstrap", "100")


def _lines(path: Path, field: str) -> dict[tuple, str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    # one summary per line; 13a and chrF treat a newline inside a text as a space
    return {(r["id"], r["lang"], r["length"]): (r[field][0] if field == "references"
                                                else r[field]).replace("\n", " ")
            for r in rows}


def _sacrebleu_cli(tmp_path: Path, a: Path, b: Path, flags: list[str]) -> dict[str, float]:
    """p-values printed by `sacrebleu REF -i A B ... -f text` for BLEU and chrF2++."""
    refs, hyps_a = _lines(a / "references.jsonl", "references"), _lines(
        a / "predictions.jsonl", "text")
    hyps_b = _lines(b / "predictions.jsonl", "text")
    units = sorted(refs)
    files = {}
    for name, texts in (("ref", refs), ("a", hyps_a), ("b", hyps_b)):
        files[name] = tmp_path / f"{name}.txt"
        files[name].write_text("".join(texts[u] + "\n" for u in units), encoding="utf-8")
    out = subprocess.run([SACREBLEU, str(files["ref"]), "-i", str(files["a"]), str(files["b"]),
                          "-m", "bleu", "chrf", "--chrf-word-order", "2", "-f", "text", "-w",
                          "4", *flags], capture_output=True, text=True, check=True,
                         env={"PATH": str(Path(sys.executable).parent), "SACREBLEU_SEED":
                              "12345"}).stdout
    bleu, chrf = (float(p) for p in re.findall(r"\(p = ([0-9.]+)\)", out))
    return {"bleu": bleu, "chrf": chrf}


@pytest.mark.parametrize(("test", "flags"), [
    ("bootstrap", ["--paired-bs"]),
    ("ar", ["--paired-ar", "--paired-ar-n", "2000"]),
])
def test_corpus_p_values_equal_the_sacrebleu_command_line(cli, runs, tmp_path, test, flags):
    a, b = runs["lead-3/one"], runs["lead-2/one"]
    result = cli("compare", a, b, "--format", "json", "--test", test, "--trials", "2000")
    assert result.exit_code == 0, result.output
    [pair] = json.loads(result.stdout)["comparisons"]
    corpus = pair["corpus"]["groups"]["en/short"]
    expected = _sacrebleu_cli(tmp_path, a, b, flags)
    for key in ("bleu", "chrf"):
        assert corpus[key]["p_value"] == pytest.approx(expected[key], abs=5e-5), key
        assert corpus[key]["p_holm"] == corpus[key]["p_value"]  # one group: nothing to correct
    # the corpus scores are the ones the eval itself reported, not doc-means
    scores_a = json.loads((a / "scores.json").read_text(encoding="utf-8"))
    assert corpus["bleu"]["a"] == pytest.approx(scores_a["corpus"]["bleu"], abs=1e-9)
    assert corpus["chrf"]["a"] == pytest.approx(scores_a["corpus"]["chrf"], abs=1e-9)
    assert corpus["bleu"]["a"] != pytest.approx(pair["metrics"]["bleu"]["a"], abs=1e-3)


def test_the_table_shows_corpus_rows_beside_the_doc_means(cli, runs):
    result = cli("compare", runs["lead-3/two"], runs["lead-2/two"], "--format", "markdown",
                 "--trials", "500")
    assert result.exit_code == 0, result.output
    text = result.stdout
    for row in ("| BLEU corpus en/short |", "| BLEU corpus en/long |",
                "| chrF++ corpus en/short |", "| BLEU doc-mean |", "| chrF++ doc-mean |"):
        assert row in text, row
    assert "(Holm " in text and "20 paired documents (40 summaries)" in text
    assert "sacreBLEU paired approximate randomisation (500 samples, seed 12345)" in text


def test_several_lengths_get_one_sacrebleu_test_each_and_holm_corrected_p(cli, runs, tmp_path):
    result = cli("compare", runs["lead-3/two"], runs["lead-2/two"], "--format", "json",
                 "--test", "bootstrap")
    [pair] = json.loads(result.stdout)["comparisons"]
    groups = pair["corpus"]["groups"]
    assert set(groups) == {"en/short", "en/long"}
    for key in ("bleu", "chrf"):
        raw = [groups[g][key]["p_value"] for g in ("en/short", "en/long")]
        assert [groups[g][key]["p_holm"] for g in ("en/short", "en/long")] == pytest.approx(
            holm(raw))
        assert all(groups[g][key]["summaries"] == 20 for g in groups)
    one = json.loads(cli("compare", runs["lead-3/one"], runs["lead-2/one"], "--format", "json",
                         "--test", "bootstrap").stdout)["comparisons"][0]
    # the short group of the two-length runs is the same corpus as the one-length runs
    assert groups["en/short"]["bleu"]["p_value"] == one["corpus"]["groups"]["en/short"][
        "bleu"]["p_value"]


def test_holm_adjusts_step_down_and_keeps_order():
    # by hand: sorted 0.01, 0.03, 0.04 -> 3*0.01, max(0.03, 2*0.03), max(0.06, 1*0.04)
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])
    assert holm([0.2]) == [0.2]


def test_runs_without_their_texts_are_compared_without_corpus_tests(cli, runs, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(runs["lead-2/one"], old)
    (old / "predictions.jsonl").unlink()
    result = cli("compare", runs["lead-3/one"], old, "--format", "json", "--trials", "200")
    assert result.exit_code == 0, result.output
    [pair] = json.loads(result.stdout)["comparisons"]
    assert "groups" not in pair["corpus"] and "predictions.jsonl" in pair["corpus"]["skipped"]
    assert "corpus chrF++/BLEU not tested" in result.stderr
    assert pair["metrics"]["bleu"]["p_value"] > 0  # the doc-means are still compared
