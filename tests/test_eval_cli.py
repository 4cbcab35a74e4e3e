"""`summarise eval` and `summarise compare` end to end: files, tables, refusals, tiny models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

EVAL_DATA = Path(__file__).parent / "data" / "eval"
EN_NEWS = EVAL_DATA / "en-news.slice.jsonl"
DE_NEWS = EVAL_DATA / "de-news-20min.jsonl"
XLING = EVAL_DATA / "en-de-xling.slice.jsonl"
FAST = ("--bootstrap", "200")


def _scores(run: Path) -> dict:
    return json.loads((run / "scores.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def lead_runs(tmp_path_factory) -> dict[str, Path]:
    """lead-3 and lead-1 runs over the English news slice (shared by the compare tests)."""
    from summarise.app import app
    from typer.testing import CliRunner

    root = tmp_path_factory.mktemp("runs")
    runs = {}
    for system in ("lead-3", "lead-1"):
        runs[system] = root / system
        result = CliRunner().invoke(app, ["eval", str(EN_NEWS), "--system", system, "--out",
                                          str(runs[system]), *FAST])
        assert result.exit_code == 0, result.output
    return runs


def test_eval_writes_every_report(lead_runs):
    run = lead_runs["lead-3"]
    assert sorted(p.name for p in run.iterdir()) == [
        "predictions.jsonl", "references.jsonl", "report.html", "report.md", "scores.json",
        "scores.png"]
    predictions = [json.loads(line) for line in
                   (run / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(predictions) == 20
    assert {"id", "lang", "length", "text"} <= set(predictions[0])
    scores = _scores(run)
    docs = scores["documents"]
    overall = scores["aggregate"]["overall"]["rouge1_f"]
    assert overall["n"] == len(docs) == 20
    assert overall["mean"] == pytest.approx(sum(d["scores"]["rouge1_f"] for d in docs) / 20,
                                            abs=1e-4)
    assert overall["low"] <= overall["mean"] <= overall["high"]
    assert f"en/{predictions[0]['length']}" in scores["aggregate"]
    for field in ("summarise:", "refs:first-reference-only", "stem:de=snowball-german+umlauts-kept",
                  ",en=nltk-porter@", "split:pysbd-", "norm:nfkc", "bootstrap-percentile:200x",
                  "rouge:v3", "chrf:v2[", "bleu:v2["):
        assert field in scores["signature"]
    corpus = scores["corpus"]
    assert corpus["nrefs"] == 1 and {"chrf", "bleu"} <= set(corpus)
    assert "nrefs:1" in corpus["signatures"]["chrf"]
    assert (run / "scores.png").read_bytes().startswith(b"\x89PNG")
    html = (run / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "src='http" not in html
    assert "ROUGE-Lsum F1" in html and predictions[0]["id"] in html
    markdown = (run / "report.md").read_text(encoding="utf-8")
    assert scores["signature"] in markdown and "| ROUGE-1 F1 |" in markdown


def test_eval_prints_the_table_on_stdout_and_messages_on_stderr(cli):
    result = cli("eval", DE_NEWS, "--system", "lead-2", "--length", "short", *FAST)
    assert result.exit_code == 0, result.output
    assert "ROUGE-1 F1" in result.stdout and "de/short" in result.stdout
    assert "scoring lead-2" in result.stderr and "scoring lead-2" not in result.stdout


def test_references_score_100_against_themselves_and_less_when_ascii_folded(cli, tmp_path):
    records = [json.loads(line) for line in DE_NEWS.read_text(encoding="utf-8").splitlines()]
    fold = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
    results = {}
    for name, change in (("self", lambda t: t), ("folded", lambda t: t.translate(fold))):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps({"id": r["id"], "text": change(r["summary"])},
                                           ensure_ascii=False) + "\n" for r in records),
                        encoding="utf-8")
        result = cli("eval", DE_NEWS, "--predictions", path, "--out", tmp_path / name,
                     "--metric", "rouge", "--metric", "chrf", *FAST)
        assert result.exit_code == 0, result.output
        results[name] = _scores(tmp_path / name)["aggregate"]["overall"]
    for key in ("rouge1_f", "rouge2_f", "rougeL_f", "rougeLsum_f", "chrf"):
        assert results["self"][key]["mean"] == pytest.approx(100)
        assert results["folded"][key]["mean"] < 100


def test_predictions_without_some_documents_are_reported_missing(cli, tmp_path):
    path = tmp_path / "some.jsonl"
    first = json.loads(DE_NEWS.read_text(encoding="utf-8").splitlines()[0])
    path.write_text(json.dumps({"id": first["id"], "text": "Ein Satz."}) + "\n",
                    encoding="utf-8")
    result = cli("eval", DE_NEWS, "--predictions", path, "--out", tmp_path / "run", *FAST)
    assert result.exit_code == 0, result.output
    assert "5 document × length pair(s) have no prediction" in result.stderr
    scores = _scores(tmp_path / "run")
    assert len(scores["documents"]) == 1 and len(scores["missing"]) == 5


def test_seeds_are_scored_in_both_languages_at_every_length(cli, tmp_path):
    result = cli("eval", "--seeds", "--system", "textrank", "--out", tmp_path / "seeds", *FAST)
    assert result.exit_code == 0, result.output
    groups = set(_scores(tmp_path / "seeds")["aggregate"])
    assert groups == {"overall"} | {f"{lang}/{n}" for lang in ("de", "en")
                                    for n in ("short", "medium", "long")}
    assert "cross-lingual" in result.stderr  # English references, German extracts


@pytest.mark.parametrize(("args", "message"), [
    ((), "give a DATASET file or --seeds"),
    ((EN_NEWS, "--seeds"), "give a DATASET file or --seeds"),
    ((EN_NEWS, "--system", "lead-3", "--predictions", EN_NEWS), "leave out --system"),
    ((EN_NEWS, "--system", "gpt"), "--system 'gpt' is unknown"),
    ((EN_NEWS, "--stemmer", "lancaster"), "--stemmer 'lancaster'"),
    ((EN_NEWS, "--metric", "meteor"), "--metric meteor: unknown"),
    ((EN_NEWS, "--length", "huge"), "--length 'huge' is unknown"),
    ((EN_NEWS, "--summary-lang", "de"), "references_de"),
    ((EN_NEWS, "--predictions", DE_NEWS), "none of the 6 prediction(s)"),
    (("missing.jsonl",), "missing.jsonl: no such dataset file"),
])
def test_usage_errors_are_one_clear_line(cli, args, message):
    result = cli("eval", *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_compare_shows_both_systems_deltas_and_p_values(cli, lead_runs, tmp_path):
    result = cli("compare", lead_runs["lead-3"], lead_runs["lead-1"], "--out", tmp_path / "c",
                 "--trials", "2000")
    assert result.exit_code == 0, result.output
    for text in ("lead-3", "lead-1", "ROUGE-1 F1", "Δ (B−A)", "p"):
        assert text in result.stdout
    comparison = json.loads((tmp_path / "c" / "comparison.json").read_text(encoding="utf-8"))
    [pair] = comparison["comparisons"]
    assert (pair["paired_documents"], pair["paired_summaries"]) == (20, 20)
    words = pair["metrics"]["words"]
    assert words["delta"] < 0 and words["p_value"] < 0.01  # lead-1 is much shorter
    assert words["delta"] == pytest.approx(words["b"] - words["a"])
    assert pair["metrics"]["novel_1"]["p_value"] == 1.0  # both copy the source
    assert "| ROUGE-1 F1 |" in (tmp_path / "c" / "comparison.md").read_text(encoding="utf-8")
    as_json = cli("compare", lead_runs["lead-3"], lead_runs["lead-1"], "--format", "json",
                  "--trials", "500")
    assert json.loads(as_json.stdout)["runs"][1]["system"] == "lead-1"


def test_compare_refuses_other_datasets_and_signatures(cli, lead_runs, tmp_path):
    german = tmp_path / "german"
    assert cli("eval", DE_NEWS, "--system", "lead-3", "--out", german, *FAST).exit_code == 0
    result = cli("compare", lead_runs["lead-3"], german)
    assert result.exit_code == 2 and "different datasets" in result.stderr
    unstemmed = tmp_path / "unstemmed"
    assert cli("eval", EN_NEWS, "--system", "lead-1", "--stemmer", "none", "--out", unstemmed,
               *FAST).exit_code == 0
    result = cli("compare", lead_runs["lead-3"], unstemmed)
    assert result.exit_code == 2 and "different metric signatures" in result.stderr
    assert "stem: de=snowball-german+" in result.stderr and "vs de=none" in result.stderr
    assert "--force" in result.stderr
    forced = cli("compare", lead_runs["lead-3"], unstemmed, "--force", "--trials", "200")
    assert forced.exit_code == 0, forced.output
    assert "signatures differ" in forced.stderr and "stem:" in forced.stderr
    result = cli("compare", lead_runs["lead-3"], tmp_path / "nothing")
    assert result.exit_code == 2 and "no scores.json" in result.stderr


def test_model_eval_routes_cross_lingual_records_through_the_translator(cli, tiny_models,
                                                                         tmp_path):
    out = tmp_path / "tiny"
    result = cli("eval", XLING, "--summariser", tiny_models["mt5"],
                 "--translator", f"en-de={tiny_models['marian-en-de']}", "--dtype", "fp32",
                 "--threads", "1",  # two threads on a busy 2-core machine spin ~10x slower
                 "--limit", "2", "--length", "short", "--out", out, *FAST)
    assert result.exit_code == 0, result.output
    predictions = [json.loads(line) for line in
                   (out / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(p["lang"], p["length"], p["route"]) for p in predictions] == [
        ("de", "short", "summarise-then-translate")] * 2
    system = _scores(out)["system"]
    assert system["kind"] == "model"
    assert {Path(m["path"]).name for m in system["models"].values()} == {"mt5", "marian-en-de"}
    assert _scores(out)["aggregate"]["de/short"]["rouge1_f"]["n"] == 2
    # the title names the models, their backend and dtype (a ct2 run would read differently)
    title = "mt5 (torch, float32) + en-de marian-en-de (torch, float32) on en-de-xling.slice"
    assert f"<h1>{title}</h1>" in (out / "report.html").read_text(encoding="utf-8")
    assert f"# Evaluation: {title}" in (out / "report.md").read_text(encoding="utf-8")


def test_compare_pairs_only_shared_summaries_and_ignores_ci_settings(cli, lead_runs, tmp_path):
    subset = tmp_path / "subset"
    assert cli("eval", EN_NEWS, "--system", "lead-2", "--limit", "8", "--bootstrap", "50",
               "--seed", "1", "--out", subset).exit_code == 0
    result = cli("compare", lead_runs["lead-3"], subset, "--format", "json", "--trials", "200")
    assert result.exit_code == 0, result.output
    [pair] = json.loads(result.stdout)["comparisons"]
    assert (pair["paired_summaries"], pair["only_in_a"], pair["only_in_b"]) == (8, 12, 0)
    assert "only the 8 summaries in both (8 documents) are compared" in result.stderr


def test_predictions_carry_their_own_lengths_and_references_can_be_only_the_first(cli,
                                                                                   tmp_path):
    records = [json.loads(line) for line in EN_NEWS.read_text(encoding="utf-8").splitlines()]
    path = tmp_path / "outputs.jsonl"
    path.write_text("".join(json.dumps({"id": r["id"], "length": length, "text": r["summary"]})
                            + "\n" for r in records for length in ("long", "short")),
                    encoding="utf-8")
    runs = {}
    for which in ("all", "first"):
        runs[which] = tmp_path / which
        result = cli("eval", EN_NEWS, "--predictions", path, "--references", which,
                     "--metric", "rouge", "--out", runs[which], *FAST)
        assert result.exit_code == 0, result.output
    scores = {which: _scores(run) for which, run in runs.items()}
    assert list(scores["all"]["aggregate"]) == ["overall", "en/short", "en/long"]
    assert "refs:first-reference-only" in scores["first"]["signature"]
    first = scores["first"]["aggregate"]["overall"]["rouge1_f"]["mean"]
    assert first == pytest.approx(100)  # the first reference is the 'summary' scored here
    assert scores["all"]["aggregate"]["overall"]["rouge1_f"]["mean"] == pytest.approx(100)


def _mislabelled(tmp_path: Path) -> Path:
    """English records whose German references claim to be English."""
    records = [json.loads(line) for line in XLING.read_text(encoding="utf-8").splitlines()]
    path = tmp_path / "mislabelled.jsonl"
    path.write_text("".join(json.dumps({"id": r["id"], "lang": "en", "summary_lang": "en",
                                        "text": r["text"], "summary": r["summary"]},
                                       ensure_ascii=False) + "\n" for r in records[:6]),
                    encoding="utf-8")
    return path


def test_references_in_another_language_are_counted_and_refused_with_strict(cli, tmp_path):
    path = _mislabelled(tmp_path)
    result = cli("eval", path, "--system", "lead-1", "--metric", "rouge", *FAST)
    assert result.exit_code == 0, result.output
    assert "5 reference(s) in 5 record(s) are not in the records' summary_lang (en)" in (
        result.stderr)
    strict = cli("eval", path, "--system", "lead-1", "--strict", *FAST)
    assert strict.exit_code == 2 and "--strict" in strict.stderr
    assert "Traceback" not in strict.output
    clean = cli("eval", EN_NEWS, "--system", "lead-1", "--strict", "--metric", "rouge", *FAST)
    assert clean.exit_code == 0 and "summary_lang" not in clean.stderr


def test_a_reference_is_stemmed_in_its_own_language():
    from summarise.eval.metrics import METRICS, Sample

    rouge = METRICS["rouge"]()
    hypothesis, reference = "Die Häuser wurden gebaut.", "Das Haus wurde gebaut."
    german = rouge.score(Sample(hypothesis, (reference,), "", "de", "de"))
    labelled_english = rouge.score(Sample(hypothesis, (reference,), "", "en", "de",
                                          reference_langs=("de",)))
    assert labelled_english == german
    assert rouge.score(Sample(hypothesis, (reference,), "", "en", "de")) != german


def test_group_by_a_record_field_and_the_id_prefix(cli, tmp_path):
    out = tmp_path / "grouped"
    result = cli("eval", EN_NEWS, "--system", "lead-3", "--group-by", "id-prefix",
                 "--metric", "rouge", "--out", out, *FAST)
    assert result.exit_code == 0, result.output
    groups = _scores(out)["breakdowns"]["id-prefix"]
    assert set(groups) == {"summeval", "frank"}
    assert sum(g["rouge1_f"]["n"] for g in groups.values()) == 20
    for stat in groups.values():
        assert stat["rouge1_f"]["low"] <= stat["rouge1_f"]["mean"] <= stat["rouge1_f"]["high"]
    wrong = cli("eval", EN_NEWS, "--system", "lead-3", "--group-by", "nope", *FAST)
    assert wrong.exit_code == 2 and "--group-by 'nope'" in wrong.stderr


@pytest.mark.skipif(not (Path(__file__).resolve().parents[2] / "shared" / "eval-data" /
                         "en-news.dev.jsonl").is_file(),
                    reason="../shared/eval-data/en-news.dev.jsonl is not beside the repository")
def test_lead3_on_cnn_dm_dev_lands_near_the_published_single_reference_figure(cli, tmp_path):
    dev = Path(__file__).resolve().parents[2] / "shared" / "eval-data" / "en-news.dev.jsonl"
    result = cli("eval", dev, "--system", "lead-3", "--metric", "rouge", "--out",
                 tmp_path / "lead3", "--bootstrap", "200")
    assert result.exit_code == 0, result.output
    scores = _scores(tmp_path / "lead3")
    assert scores["settings"]["refs"] == "first-reference-only"
    assert abs(scores["aggregate"]["overall"]["rouge1_f"]["mean"] - 40.34) <= 1.5  # See et al.


def test_reference_modes_first_all_and_mean(cli, tmp_path):
    means = {}
    for mode in ("first", "all", "mean"):
        out = tmp_path / mode
        result = cli("eval", EN_NEWS, "--system", "lead-3", "--references", mode,
                     "--metric", "rouge", "--metric", "chrf", "--out", out, *FAST)
        assert result.exit_code == 0, result.output
        scores = _scores(out)
        means[mode] = scores["aggregate"]["overall"]["rouge1_f"]["mean"]
        said = {"first": "the primary reference", "all": "the best one counts",
                "mean": "averaged"}[mode]
        assert said in (out / "report.html").read_text(encoding="utf-8")
        assert said in (out / "report.md").read_text(encoding="utf-8")
        assert scores["corpus"]["nrefs"] == (1 if mode == "first" else "var")
    assert means["all"] > means["mean"] and means["all"] > means["first"]
