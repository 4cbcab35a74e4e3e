"""One sentence packer for chunking and translation: every group fits, nothing is lost,
and the work stays linear on a sentence of 20,000 words without punctuation."""

from __future__ import annotations

import random
import re

import pytest
from conftest import CORPUS
from summarise.segment import pack_sentences, pack_units, split_sentences


def word_count(texts: list[str]) -> list[int]:
    """A stand-in tokenizer: one token per word."""
    return [len(t.split()) for t in texts]


def run_on(words: int, seed: int = 0) -> str:
    """``words`` words from the test corpus, no sentence punctuation at all."""
    vocabulary = re.findall(r"\w+", CORPUS.read_text())
    rng = random.Random(seed)
    return " ".join(rng.choice(vocabulary) for _ in range(words))


def test_sentences_are_kept_whole_and_groups_fit():
    text = ("Der Rat tagte am Montag. Er beschloss den Haushalt. Die Opposition war dagegen. "
            "Am Abend gab es eine Pressekonferenz im Rathaus.")
    groups = pack_sentences(text, "de", word_count, limit=9)
    assert groups == ["Der Rat tagte am Montag. Er beschloss den Haushalt.",
                      "Die Opposition war dagegen.",
                      "Am Abend gab es eine Pressekonferenz im Rathaus."]


def test_overlap_carries_the_last_sentence_when_it_is_short():
    text = "Eins zwei drei. Vier fünf. Sechs sieben acht neun."
    groups = pack_sentences(text, "de", word_count, limit=6, overlap=1)
    assert groups == ["Eins zwei drei. Vier fünf.", "Vier fünf. Sechs sieben acht neun."]


def test_a_word_longer_than_the_limit_is_cut_between_characters():
    def char_count(texts):
        return [len(t) for t in texts]

    blob = "x" * 50
    parts = pack_units([blob], char_count, 8)
    assert parts == [blob]  # units are taken as they are; pack_sentences cuts them
    groups = pack_sentences(f"Kurz. {blob}", "de", char_count, limit=8)
    assert all(len(g) <= 8 for g in groups)
    assert "".join(g for g in groups if g != "Kurz.") == blob


def test_groups_that_overflow_when_joined_are_split():
    """Token counts need not add up across a join; each group is measured whole."""
    def joined_costs_more(texts):
        return [len(t.split()) + t.count(" ") for t in texts]  # a join costs a token

    groups = pack_units(["a b", "c d", "e f", "g h"], joined_costs_more, 4)
    assert all(n <= 4 for n in joined_costs_more(groups))
    assert " ".join(groups).split() == list("abcdefgh")


class CountingTokenizer:
    """Wraps a real tokenizer's counting and records how much text it was asked about."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.calls = 0
        self.words = 0

    def __call__(self, texts: list[str]) -> list[int]:
        self.calls += 1
        self.words += sum(len(t.split()) for t in texts)
        ids = self.tokenizer(texts, add_special_tokens=False)["input_ids"]
        return [len(x) for x in ids]


def test_twenty_thousand_words_without_punctuation(tiny_models):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_models["mt5"])
    text = run_on(20_000)
    count = CountingTokenizer(tokenizer)
    groups = pack_sentences(text, "de", count, limit=60)
    assert " ".join(groups).split() == text.split()  # nothing lost, nothing repeated
    assert max(count(groups)) <= 60
    assert len(groups) > 20_000 * 1.0 / 60  # the limit is in tokens, and words take >= 1
    # Linear work: a handful of batched calls, each word counted a few times (sentence,
    # words, pieces, groups), never a growing prefix re-tokenised word by word (~2e8 words).
    assert count.calls < 12
    assert count.words < 8 * 20_000


def test_translator_segments_of_a_long_sentence_fit_its_input_share(tiny_models):
    from summarise.config import Generation
    from summarise.models.hub import ModelRef
    from summarise.models.runtime import load
    from summarise.models.translator import Seq2SeqTranslator

    path = tiny_models["marian64-de-en"]
    loaded = load(ModelRef(str(path), path, None), Generation(device="cpu", dtype="fp32"))
    translator = Seq2SeqTranslator(loaded, Generation(device="cpu", dtype="fp32"))
    text = run_on(20_000, seed=1)
    segments = translator.segments(text, "de")
    assert " ".join(segments).split() == text.split()
    measured = [len(ids) for ids in loaded.tokenizer(segments)["input_ids"]]
    assert max(measured) <= translator.segment_tokens


@pytest.mark.parametrize("limit", [1, 3, 17])
def test_every_limit_gives_groups_within_it(limit):
    text = run_on(500, seed=limit) + ". Ein Satz. " + run_on(40, seed=2) + "."
    groups = pack_sentences(text, "de", word_count, limit=limit)
    assert max(word_count(groups)) <= limit
    assert " ".join(groups).split() == text.split()


def test_a_megabyte_line_without_punctuation_is_one_sentence_read_at_once():
    """pysbd's time grows with the square of a paragraph; long ones go in blocks."""
    text = run_on(150_000, seed=3)
    assert len(text) > 900_000
    assert split_sentences(text, "de") == [text]


def test_reading_a_long_paragraph_in_blocks_splits_it_as_a_whole(monkeypatch):
    from conftest import SEED
    from summarise import segment

    paragraph = " ".join(SEED.read_text().split()) * 6  # one line of ~20,000 characters
    in_blocks = split_sentences(paragraph, "de")
    monkeypatch.setattr(segment, "BLOCK_CHARS", 10**9)
    assert in_blocks == split_sentences(paragraph, "de")
    assert len(in_blocks) > 50
