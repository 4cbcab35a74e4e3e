"""bench/reproduce.py: offline it stops at once with one line; with local copies of a
job's model and data it runs the real path (summarise eval / the library's translator)
and its table shows the published figure beside what was measured. The real models
cannot be run here, so the local copies are the tiny models: the measured figures are
checked against independent computations, never against the published ones."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT

SCRIPT = ROOT / "bench" / "reproduce.py"


def _run(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True,
                          text=True, check=False, env=env, timeout=timeout)


def test_offline_it_stops_at_once_with_one_line_that_says_what_it_needs():
    done = _run(timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("reproduce.py needs a connected machine")
    for needed in ("T-Systems-onsite/mt5-small-sum-de-en-v2", "MLSUM de test",
                   "Helsinki-NLP/opus-mt-de-en", "newstest2019 en-de", "HF_HUB_OFFLINE"):
        assert needed in line
    assert "Traceback" not in done.stderr


def test_a_job_argument_in_the_wrong_form_is_named():
    done = _run("--model", "nonsense", timeout=60)
    assert done.returncode != 0 and "--model 'nonsense'" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_table_shows_published_and_measured_through_summarise_eval(tiny_models, tmp_path):
    data = tmp_path / "mlsum-de.jsonl"
    texts = ["Der Rat der Stadt hat am Montag den Bau einer neuen Brücke beschlossen. "
             "Die Arbeiten beginnen im Frühjahr. Die Kosten liegen bei zwölf Millionen Euro.",
             "Die Feuerwehr wurde in der Nacht zu einem Brand gerufen. Verletzt wurde niemand. "
             "Die Ursache ist noch unklar."]
    with data.open("w", encoding="utf-8") as handle:
        for index, text in enumerate(texts):
            handle.write(json.dumps({"id": f"d{index}", "lang": "de", "text": text,
                                     "summary": text.split(". ")[0] + "."}) + "\n")
    out = tmp_path / "runs"
    done = _run("--job", "mt5", "--model", f"mt5={tiny_models['mt5']}", "--data",
                f"mt5={data}", "--out", out)
    assert done.returncode == 0, done.stderr
    scores = json.loads((out / "mt5" / "scores.json").read_text(encoding="utf-8"))
    [group] = [g for g in scores["aggregate"] if g.startswith("de/")]
    measured = scores["aggregate"][group]["rouge1_f"]["mean"]
    header, rule, row = done.stdout.splitlines()[:3]
    assert header.split()[:8] == ["job", "model", "data", "metric", "published", "measured",
                                  "diff", "docs"]
    cells = row.split()
    assert cells[:3] == ["mt5", "T-Systems-onsite/mt5-small-sum-de-en-v2", "MLSUM"]
    assert "21.78" in cells and f"{measured:.2f}" in cells
    assert f"{measured - 21.7756:+.2f}" in cells
    assert "length published" in row and "beams 1" in row  # the settings it ran with
    assert "[mt5] published: https://huggingface.co/T-Systems-onsite" in done.stdout


def test_a_translation_job_scores_bleu_as_sacrebleu_does(tiny_models, tmp_path):
    sacrebleu = pytest.importorskip("sacrebleu")
    pairs = [("Der Hund sieht die Katze.", "The dog sees the cat."),
             ("Die Stadt baut eine Brücke.", "The city builds a bridge."),
             ("Es regnet heute.", "It is raining today.")]
    data = tmp_path / "newstest.jsonl"
    data.write_text("".join(json.dumps({"source": s, "reference": r}) + "\n" for s, r in pairs),
                    encoding="utf-8")
    out = tmp_path / "runs"
    done = _run("--job", "opus-de-en", "--model", f"opus-de-en={tiny_models['marian-de-en']}",
                "--data", f"opus-de-en={data}", "--out", out)
    assert done.returncode == 0, done.stderr
    hypotheses = (out / "opus-de-en.hyp.txt").read_text(encoding="utf-8").splitlines()
    assert len(hypotheses) == len(pairs)
    oracle = sacrebleu.corpus_bleu(hypotheses, [[r for _, r in pairs]]).score
    row = done.stdout.splitlines()[2]
    assert row.split()[:4] == ["opus-de-en", "Helsinki-NLP/opus-mt-de-en", "newstest2019",
                               "de-en"]
    assert "40.10" in row.split() and f"{oracle:.2f}" in row.split()
    assert "beams 4" in row and "no_repeat_ngram_size 0" in row  # the published decoding
