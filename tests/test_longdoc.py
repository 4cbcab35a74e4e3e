"""Map-reduce always ends with a summary: any window from 32 tokens up, seq2seq and chat
models, every model input within the window, at most ceil(log_k(chunks)) + 2 rounds."""

from __future__ import annotations

import json
import math
import random
from dataclasses import replace

import pytest
from conftest import CORPUS, SEED
from summarise.lengths import PRESETS
from summarise.longdoc import Reducer, summarise_any_length
from summarise.models.base import Generated


@pytest.fixture(scope="module")
def narrow_models(tmp_path_factory):
    """Summarisers whose input window is 64 or 32 tokens, and a chat model whose prompt
    template alone is longer than its 64-token window."""
    from summarise import devmodels as dm

    root = tmp_path_factory.mktemp("narrow")
    return {
        "mt5-64": dm.build_mt5(root / "mt5-64", CORPUS, replace(dm.TINY, max_positions=64)),
        "mt5-32": dm.build_mt5(root / "mt5-32", CORPUS, replace(dm.TINY, max_positions=32)),
        # a chat window is the model's positions less 512 kept for the answer: 576 -> 64
        "qwen2-64": dm.build_qwen2(root / "qwen2-64", CORPUS,
                                   replace(dm.TINY, max_positions=144)),
    }


def german_text(words: int, seed: int = 0) -> str:
    """About ``words`` words of real German sentences (from the seed), shuffled."""
    sentences = [s.strip() for s in SEED.read_text(encoding="utf-8").split(". ") if s.strip()]
    rng = random.Random(seed)
    out, count = [], 0
    while count < words:
        sentence = rng.choice(sentences).rstrip(".") + "."
        out.append(sentence)
        count += len(sentence.split())
    return " ".join(out)


def bound(reducer: Reducer, chunks: int) -> int:
    return math.ceil(math.log(max(chunks, 2), reducer.shape.fan_in)) + 2


class Watched:
    """A summariser wrapper that records how many tokens every model input had."""

    def __init__(self, inner):
        self.inner = inner
        self.inputs: list[int] = []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def summarise(self, texts, lang, presets, out_lang=None):
        self.inputs += self.inner.count_tokens(texts)
        return self.inner.summarise(texts, lang, presets, out_lang=out_lang)


def summariser(path, kind):
    from summarise.config import Generation, Settings
    from summarise.models import ModelRegistry

    settings = Settings(summariser=str(path), model_kind=kind,
                        generation=Generation(device="cpu", dtype="fp32"))
    return ModelRegistry(settings).summariser()


@pytest.mark.parametrize(("model", "kind", "words"), [
    ("mt5-32", "seq2seq", 1500),
    ("qwen2-64", "chat", 600),
])
def test_every_input_fits_and_rounds_are_bounded(narrow_models, model, kind, words):
    watched = Watched(summariser(narrow_models[model], kind))
    presets = [PRESETS["short"]]
    rows, stats = summarise_any_length(watched, [german_text(words), "Kurz und gut."], "de",
                                       presets)
    reducer = Reducer(watched, "de", presets)
    limit = reducer.overhead + reducer.shape.room
    assert max(watched.inputs) <= limit  # never an input the model would have to cut
    assert stats[0].chunks > 1
    assert 1 <= stats[0].reduce_rounds <= bound(reducer, stats[0].chunks)
    assert (stats[1].chunks, stats[1].reduce_rounds) == (1, 0)
    assert len(rows) == 2 and rows[0][0].tokens > 0


class Verbose:
    """A fake summariser whose every summary is longer than it was asked for: the worst
    case, where only hard caps make the recursion end."""

    name = "verbose"
    tokenizer = None
    max_input_tokens = 40
    can_write_other_language = False

    def __init__(self):
        self.calls = 0

    def count_tokens(self, texts):
        return [len(t.split()) + 2 for t in texts]

    def summarise(self, texts, lang, presets, out_lang=None):
        self.calls += 1
        return [[Generated(" ".join([*t.split()[:30], "und", "so", "weiter."]), 30, True)
                 for _ in presets] for t in texts]


def test_hard_caps_end_the_recursion_and_record_what_was_cut(monkeypatch):
    from summarise import longdoc

    monkeypatch.setattr(longdoc, "tokens_per_word", lambda tokenizer, lang: 1.0)
    fake = Verbose()
    text = german_text(3000, seed=2)
    rows, stats = summarise_any_length(fake, [text], "de", [PRESETS["short"]])
    reducer = Reducer(fake, "de", [PRESETS["short"]])
    assert stats[0].reduce_rounds <= bound(reducer, stats[0].chunks)
    assert stats[0].truncated and stats[0].words_dropped > 0
    assert rows[0][0].text


def test_fifty_thousand_words_with_a_window_of_64(cli, narrow_models, tmp_path):
    doc = tmp_path / "buch.txt"
    doc.write_text(german_text(50_000), encoding="utf-8")
    out = tmp_path / "out"
    result = cli(doc, "--lang", "de", "--length", "short", "--out", out,
                 "--summariser", narrow_models["mt5-64"], "--dtype", "fp32")
    assert result.exit_code == 0, result.output
    data = json.loads((out / "buch.json").read_text())
    watched = Reducer(summariser(narrow_models["mt5-64"], "seq2seq"), "de", [PRESETS["short"]])
    assert data["chunks"] > 1000
    assert 1 <= data["reduce_rounds"] <= bound(watched, data["chunks"])
    assert data["summaries"][0]["text"]
    assert data["truncated"] is (data["words_dropped"] > 0)
    entry = json.loads((out / "run.json").read_text())["documents"]["buch"]
    assert (entry["chunks"], entry["reduce_rounds"]) == (data["chunks"], data["reduce_rounds"])
