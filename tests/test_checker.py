"""``--checker MODEL``: an NLI model's entailment probability per summary sentence.

Tiny random models of mDeBERTa-v3's architecture (DebertaV2ForSequenceClassification with a
SentencePiece tokenizer) test the mechanics: probabilities, batching, the entailment class
read from each model's own labels, pairs longer than the window, refusal before loading.
Their scores are random, so nothing here is about quality.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import CORPUS, SEED
from summarise import devmodels as dm
from summarise.config import Generation, Settings
from summarise.errors import PreflightError, UsageError
from summarise.models import ModelRegistry
from summarise.models import checker as checker_module
from test_preflight import FAST, error_lines, summarise

NARROW = replace(dm.TINY, max_positions=64)
PAIRS = (["Der Hund bellt laut im Garten.", "The cat sleeps on the sofa all day long.",
          "Berlin ist die Hauptstadt.", "Zwei plus zwei ist vier, sagt die Lehrerin."],
         ["Ein Hund bellt.", "A dog sleeps.", "Berlin ist eine Stadt.", "Vier."])


@pytest.fixture(scope="module")
def nli_models(tmp_path_factory) -> dict[str, Path]:
    """Three random NLI classifiers of one architecture: entailment first (mDeBERTa-xnli's
    order), entailment last, and one whose classes are no NLI labels at all."""
    root = tmp_path_factory.mktemp("nli")
    return {
        "first": dm.build_nli(root / "first", CORPUS, NARROW),
        "last": dm.build_nli(root / "last", CORPUS, NARROW,
                             labels=("contradiction", "neutral", "entailment")),
        "binary": dm.build_nli(root / "binary", CORPUS, NARROW, seed=1,
                               labels=("entailment", "not_entailment")),
        "sentiment": dm.build_nli(root / "sentiment", CORPUS, NARROW,
                                  labels=("positive", "negative")),
    }


def checker_for(path: Path, batch_size: int | None = None):
    settings = Settings(checker=str(path), generation=Generation(dtype="fp32",
                                                                 batch_size=batch_size))
    return ModelRegistry(settings, download=False).checker()


def reference_probabilities(path: Path, premises, hypotheses) -> list[list[float]]:
    """Each pair run alone through transformers, softmax over its classes: the oracle."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSequenceClassification.from_pretrained(path, dtype=torch.float32)
    rows = []
    for premise, hypothesis in zip(premises, hypotheses, strict=True):
        encoded = tokenizer(premise, hypothesis, truncation=True, return_tensors="pt")
        with torch.no_grad():
            rows.append(model(**encoded).logits[0].softmax(-1).tolist())
    return rows


@pytest.mark.parametrize("layout", ["first", "last", "binary"])
def test_the_score_is_the_probability_of_the_class_the_config_calls_entailment(
        nli_models, layout):
    path = nli_models[layout]
    scores = checker_for(path).score(*PAIRS)
    reference = reference_probabilities(path, *PAIRS)
    column = {"first": 0, "last": 2, "binary": 0}[layout]
    assert scores == pytest.approx([row[column] for row in reference], abs=1e-5)
    assert all(0.0 <= score <= 1.0 for score in scores)
    if layout == "last":  # the index matters: column 0 is contradiction here
        assert [row[0] for row in reference] != pytest.approx(scores, abs=1e-5)


def test_batched_scores_equal_one_pair_at_a_time_in_the_order_asked(nli_models):
    premises, hypotheses = PAIRS
    batched = checker_for(nli_models["first"]).score(premises, hypotheses)
    alone = checker_for(nli_models["first"], batch_size=1)
    one_by_one = [alone.score([p], [h])[0] for p, h in zip(premises, hypotheses, strict=True)]
    assert batched == pytest.approx(one_by_one, abs=1e-5)
    reversed_order = alone.score(premises[::-1], hypotheses[::-1])
    assert reversed_order[::-1] == pytest.approx(one_by_one, abs=1e-5)
    assert alone.score([], []) == []
    with pytest.raises(ValueError):
        alone.score(premises, hypotheses[:1])


def test_a_premise_longer_than_the_window_is_read_up_to_the_window(nli_models):
    """A whole source as premise (a sentence with no support) is cut, not refused."""
    long_source = SEED.read_text(encoding="utf-8")
    checker = checker_for(nli_models["first"])
    assert len(checker.tokenizer(long_source)["input_ids"]) > 10 * checker.window
    [score] = checker.score([long_source], ["Ein Satz."])
    opening = checker.tokenizer.decode(checker.tokenizer(
        long_source, "Ein Satz.", truncation=True)["input_ids"])
    assert "Ein Satz." in opening  # the hypothesis is kept whole
    [[reference, *_]] = reference_probabilities(nli_models["first"], [long_source],
                                                ["Ein Satz."])
    assert score == pytest.approx(reference, abs=1e-5)


def test_a_model_without_an_entailment_class_is_refused_before_its_weights_load(
        nli_models, monkeypatch):
    monkeypatch.setattr(checker_module, "load_checker",
                        lambda *a: pytest.fail("weights loaded for a refused model"))
    registry = ModelRegistry(Settings(checker=str(nli_models["sentiment"])), download=False)
    with pytest.raises(UsageError) as refused:
        registry.checker()
    message = str(refused.value)
    assert f"--checker {nli_models['sentiment']}" in message
    assert "'entailment'" in message and "positive, negative" in message
    assert registry.loaded_names() == []


@pytest.fixture(scope="module")
def tiny_mt5(tmp_path_factory) -> Path:
    return dm.build_mt5(tmp_path_factory.mktemp("mt5") / "mt5", CORPUS)


@pytest.mark.parametrize("model, words", [
    ("sentiment", "no single 'entailment' class"),
    ("mt5", "not a sequence-classification NLI model"),
])
def test_run_refuses_a_checker_that_is_no_nli_model_in_one_line_exit_2_without_torch(
        nli_models, tiny_mt5, tmp_path, model, words):
    """Preflight: the command names --checker and what to pass instead, before torch."""
    checker = tiny_mt5 if model == "mt5" else nli_models[model]
    german = tmp_path / "de.txt"
    german.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    proc, seconds = summarise(german, "--lang", "de", "--source-lang", "de",
                              "--summariser", tiny_mt5, "--checker", checker,
                              env_extra={"HF_HOME": str(tmp_path / "empty-hf")})
    assert proc.returncode == 2, proc.stderr
    [line] = error_lines(proc.stderr)
    assert line.startswith("error: ") and f"--checker {checker}" in line and words in line
    assert "mDeBERTa" in line and "Traceback" not in proc.stderr
    assert not proc.loaded_torch and seconds < FAST


def test_a_missing_checker_is_reported_with_the_other_problems(tiny_mt5, tmp_path):
    from summarise.plan import possible_plans
    from summarise.preflight import preflight

    settings = Settings(summariser=str(tiny_mt5), checker=str(tmp_path / "no-such-model"),
                        source_lang="de", langs=("de",))
    with pytest.raises(PreflightError) as problems:
        preflight(settings, ModelRegistry(settings, download=False), possible_plans(settings))
    [line] = problems.value.lines()
    assert "no-such-model" in line and "--checker" in line


def test_the_checker_is_in_the_manifest_with_its_entailment_class(nli_models):
    registry = ModelRegistry(Settings(checker=str(nli_models["last"]),
                                      generation=Generation(dtype="fp32")), download=False)
    assert registry.manifest() == {}  # nothing loaded, nothing claimed
    registry.checker()
    entry = registry.manifest()[str(nli_models["last"])]
    assert entry["role"] == "checker" and entry["entailment_label"] == 2
    assert entry["architecture"] == "deberta-v2" and entry["dtype"] == "float32"
    assert entry["window"] == 64


def test_no_checker_unless_asked():
    assert ModelRegistry(Settings(), download=False).checker() is None


def test_checker_from_a_config_file_and_off_again_with_a_flag(tmp_path):
    from summarise.layers import ModelOptions, layered_settings

    config = tmp_path / "c.toml"
    config.write_text('[models]\nchecker = "./nli"\n', encoding="utf-8")
    settings, origins = layered_settings(ModelOptions(config=config))
    assert settings.checker == "./nli" and origins["checker"] == str(config)
    settings, origins = layered_settings(ModelOptions(config=config, checker="none"))
    assert settings.checker is None and origins["checker"] == "flag --checker"
    settings, _ = layered_settings(ModelOptions())
    assert settings.checker is None


def test_a_run_without_checker_keeps_the_settings_hash_it_had_before_the_option():
    """Outputs written before --checker existed stay up to date (no redo on upgrade)."""
    from summarise.output import settings_hash

    manifest = Settings().manifest()
    assert manifest["checker"] is None
    before = {key: value for key, value in manifest.items() if key != "checker"}
    assert settings_hash(manifest) == settings_hash(before)
    assert settings_hash(Settings(checker="./nli").manifest()) != settings_hash(before)


def test_annotate_with_the_checker_adds_each_sentences_entailment(nli_models):
    """The whole path: summarise.checks grounds the summary, the loaded NLI checker
    scores each sentence against its supporting source sentences in one batched call."""
    from summarise.checks import annotate

    source = ("Der Hund bellt laut im Garten. Die Katze schläft auf dem Sofa. "
              "Im Winter fällt viel Schnee in den Bergen.")
    summary = "Die Katze schläft auf dem Sofa. Im Winter fällt viel Schnee."
    checker = checker_for(nli_models["last"])
    calls = []
    score = checker.score
    checker.score = lambda p, h: calls.append((p, h)) or score(p, h)
    annotation = annotate(summary, source, lang="de", source_lang="de",
                          checker=checker).to_dict()
    sentences = annotation["sentences"]
    [(premises, hypotheses)] = calls
    assert hypotheses == [s["text"] for s in sentences] and len(sentences) == 2
    assert premises == [" ".join(source[a:b] for a, b in s["sources"]) for s in sentences]
    assert premises[0] == "Die Katze schläft auf dem Sofa."
    reference = reference_probabilities(nli_models["last"], premises, hypotheses)
    assert [s["entailment"] for s in sentences] == pytest.approx(
        [row[2] for row in reference], abs=1e-4)
    check = annotation["checks"]["entailment"]
    assert check["ok"] == all(s["entailment"] >= check["threshold"] for s in sentences)


def test_a_run_with_a_checker_scores_every_summary_sentence(cli, model_args, nli_models,
                                                            tmp_path):
    """``summarise DIR --checker MODEL``: each written summary sentence carries the
    checker's entailment probability, the summary an ``entailment`` check, and run.json
    names the checker among the models."""
    import json

    src, out = tmp_path / "docs", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text(SEED.read_text(encoding="utf-8")[:1500], encoding="utf-8")
    result = cli(src, "--lang", "de", "--length", "short", "--out", out, *model_args,
                 "--checker", nli_models["first"])
    assert result.exit_code == 0, result.output
    summaries = json.loads((out / "a.json").read_text(encoding="utf-8"))["summaries"]
    assert summaries and all("entailment" in s["checks"] for s in summaries)
    scores = [sentence["entailment"] for s in summaries for sentence in s["sentences"]]
    assert scores and all(0.0 <= score <= 1.0 for score in scores)
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert str(nli_models["first"]) in json.dumps(manifest["models"])
