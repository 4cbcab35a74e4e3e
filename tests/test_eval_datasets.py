"""Datasets: the shared JSONL format, clear errors, reference choice, and the seed references."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEED
from summarise.errors import UsageError
from summarise.eval.datasets import load_dataset, seed_dataset
from summarise.eval.metrics import METRICS, Sample
from summarise.lengths import PRESETS
from summarise.segment import count_words, split_sentences

EVAL_DATA = Path(__file__).parent / "data" / "eval"


def _write(tmp_path: Path, *records, name="data.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n"
                            for r in records), encoding="utf-8")
    return path


GOOD = {"id": "a", "lang": "de", "text": "Ein Text.", "summary": "Kurz."}


def test_reads_records_with_defaults_and_limit():
    data = load_dataset(EVAL_DATA / "en-news.slice.jsonl", limit=3)
    assert len(data.records) == 3 and data.total == 20
    assert data.records[0].summary_lang == "en" and not data.records[0].cross_lingual
    assert len(data.sha256) == 64


def test_multiple_references_or_only_the_first():
    path = EVAL_DATA / "en-news.slice.jsonl"
    multi = [r for r in load_dataset(path, references="all").records if len(r.references) > 1]
    assert multi and all(len(r.references) == 11 for r in multi)
    first = {r.id: r for r in load_dataset(path).records}  # the default: 'summary' only
    assert all(first[r.id].references == r.references[:1] for r in multi)


def test_cross_lingual_records_and_references_in_another_language():
    path = EVAL_DATA / "en-de-xling.slice.jsonl"
    german = load_dataset(path).records[0]
    assert (german.lang, german.summary_lang, german.cross_lingual) == ("en", "de", True)
    english = load_dataset(path, summary_lang="en").records[0]
    assert english.summary_lang == "en" and not english.cross_lingual
    assert english.references != german.references


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", "line 1: not valid JSON"),
    ('["a list"]', "expected a JSON object"),
    (json.dumps({**GOOD, "text": ""}), "non-empty string 'text'"),
    (json.dumps({k: v for k, v in GOOD.items() if k != "id"}), "'id'"),
    (json.dumps({**GOOD, "lang": "fr"}), "'lang' must be de or en"),
    (json.dumps({k: v for k, v in GOOD.items() if k != "summary"}), "needs a reference"),
])
def test_bad_records_name_file_line_and_problem(tmp_path, line, message):
    path = _write(tmp_path, line)
    with pytest.raises(UsageError, match=message) as error:
        load_dataset(path)
    assert str(path) in str(error.value)


def test_duplicate_ids_missing_file_and_wrong_summary_lang(tmp_path):
    with pytest.raises(UsageError, match="occurs twice"):
        load_dataset(_write(tmp_path, GOOD, GOOD))
    with pytest.raises(UsageError, match="no such dataset file"):
        load_dataset(tmp_path / "missing.jsonl")
    with pytest.raises(UsageError, match="references_en"):
        load_dataset(_write(tmp_path, GOOD), summary_lang="en")


def test_seed_references_ship_with_the_package_and_match_the_seed():
    data = seed_dataset()
    assert {r.summary_lang for r in data.records} == {"de", "en"}
    for record in data.records:
        assert record.id == SEED.stem and record.lang == "de"
        assert record.text == SEED.read_text(encoding="utf-8").strip()
        assert set(record.references_by_length) == set(PRESETS)
    assert [r.summary_lang for r in seed_dataset(summary_lang="en").records] == ["en"]


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("length", list(PRESETS))
def test_seed_references_fit_their_length_and_the_facts(lang, length):
    [record] = seed_dataset(summary_lang=lang).records
    [reference] = record.references_for(length)
    preset = PRESETS[length]
    assert 0.8 * preset.words <= count_words(reference) <= 1.2 * preset.words
    assert len(split_sentences(reference, lang)) <= preset.sentences
    numbers = METRICS["numbers"]().score(Sample(reference, (), record.text, lang, "de"))
    assert numbers["numbers"] >= 1 and numbers["numbers_unsupported"] == 0


# --- the language of short references ------------------------------------------------------

# One-sentence English TLDRs that the 97-language model alone is unsure about (p < 0.9).
SHORT_ENGLISH = ["We propose a novel regularizer for sparse networks.",
                 "A new loss improves robustness.",
                 "Transformers fail at compositional generalization.",
                 "Sparse attention speeds up inference.",
                 "Robust policies via domain randomization."]


def test_short_english_references_are_not_taken_for_german(tmp_path):
    from summarise.langdetect import detect_language

    assert all(detect_language(ref).confidence < 0.9 for ref in SHORT_ENGLISH)
    path = _write(tmp_path, *({"id": str(i), "lang": "en", "summary_lang": "de",
                               "text": "An abstract.", "summary": ref}
                              for i, ref in enumerate(SHORT_ENGLISH)))
    data = load_dataset(path)
    assert [r.reference_langs for r in data.records] == [("en",)] * len(SHORT_ENGLISH)
    assert data.describe()["reference_languages"] == {
        "references": 5, "other_than_summary_lang": 5, "undecided": 0}


UNDECIDABLE = {"CharNMT ist spröde.": "too few letters",
               "Nous proposons une nouvelle méthode pour les réseaux de neurones.": "French",
               # the full model is unsure, but its best guess is Spanish: neither de nor en
               "Proponemos un método nuevo.": "Spanish, unsure"}


def test_undecidable_references_are_counted_warned_about_and_reported(cli, tmp_path):
    records = [{"id": f"u{i}", "lang": "de", "text": "Ein Text über Netze. Er ist kurz.",
                "summary": ref} for i, ref in enumerate(UNDECIDABLE)]
    records.append({"id": "ok", "lang": "de", "text": "Ein Text über Netze. Er ist kurz.",
                    "summary": "Ein kurzer Text über neuronale Netze und ihre Grenzen."})
    path = _write(tmp_path, *records)
    data = load_dataset(path)
    assert [r.undecided_references for r in data.records] == [1, 1, 1, 0]
    assert [r.reference_langs for r in data.records] == [("de",)] * 4  # summary_lang assumed
    out = tmp_path / "run"
    result = cli("eval", path, "--system", "lead-1", "--metric", "rouge", "--bootstrap", "50",
                 "--out", out)
    assert result.exit_code == 0, result.output
    assert "language of 3 reference(s) in 3 record(s) could not be told" in result.stderr
    scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert scores["dataset"]["reference_languages"]["undecided"] == 3
    for report in ("report.md", "report.html"):
        assert "3 of undecidable language" in (out / report).read_text(encoding="utf-8")
