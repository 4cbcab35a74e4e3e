"""The trained tiny fixtures learnt their tasks: a broken fixture must fail here, loudly,
not as a puzzling failure in a behaviour or fidelity test.

The oracles are independent of the product: lead-k of a document built from known
sentences is those sentences; a lexicon sentence's translation is known word by word.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys

import pytest
from conftest import CORPUS
from summarise.fixtures import lexicon
from summarise.fixtures.build import LEAD_SENTENCES, lead_example
from summarise.fixtures.leads import sentences_of

HELD_OUT_DOCS = 20  # per length, half German, half English


def _generate(path, texts: list[str], max_new_tokens: int):
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSeq2SeqLM.from_pretrained(path).eval()
    enc = tokenizer(texts, return_tensors="pt", padding=True)
    with torch.inference_mode():
        out = model.generate(**enc, max_new_tokens=max_new_tokens, num_beams=1, do_sample=False)
    ended = [tokenizer.eos_token_id in row.tolist() for row in out]
    return tokenizer.batch_decode(out, skip_special_tokens=True), ended


def _held_out_leads(length: str) -> list[tuple[str, str]]:
    sentences = sentences_of(CORPUS)
    trained = set(sentences.train["de"] + sentences.train["en"])
    assert not any(s in trained for s in sentences.held_out["de"] + sentences.held_out["en"])
    rng = random.Random(f"held-out-{length}")
    return [lead_example(sentences, ("de", "en")[i % 2], length, rng, extra=2,
                         pool="held_out") for i in range(HELD_OUT_DOCS)]


@pytest.mark.parametrize("length", list(LEAD_SENTENCES))
def test_summariser_writes_the_lead_sentences_of_unseen_text_and_stops(trained_models, length):
    """At least 18 of 20 held-out documents (measured: 20/20 at each length) get exactly
    their first k sentences, and every output ends with end-of-sequence. Whitespace is
    compared word by word: a corpus sentence with a double space is copied with one."""
    examples = _held_out_leads(length)
    outputs, ended = _generate(trained_models["summariser"], [e[0] for e in examples], 400)
    wanted = [" ".join(e[1].split()) for e in examples]
    got = [" ".join(out.split()) for out in outputs]
    exact = sum(a == b for a, b in zip(got, wanted, strict=True))
    assert exact >= 0.9 * HELD_OUT_DOCS, [(g, w) for g, w in zip(got, wanted, strict=True)
                                          if g != w][:3]
    assert all(ended), "every lead ends with end-of-sequence, not at the token limit"


@pytest.mark.parametrize(("src", "tgt"), [("de", "en"), ("en", "de")])
def test_translators_translate_unseen_lexicon_sentences_word_for_word(trained_models, src, tgt):
    pairs = lexicon.parallel_corpus(60, seed=12345)
    seen = {p[src] for p in lexicon.parallel_corpus(6000, seed=0)}
    pairs = [p for p in pairs if p[src] not in seen]
    outputs, ended = _generate(trained_models[f"{src}-{tgt}"], [p[src] for p in pairs], 80)
    accuracy = sum(lexicon.word_accuracy(out, p[tgt]) for out, p in zip(outputs, pairs,
                                                                        strict=True))
    wanted = [p[tgt] for p in pairs]
    assert accuracy / len(pairs) >= 0.9, list(zip(outputs, wanted, strict=True))[:3]
    assert all(ended)


def test_summariser_config_names_a_prefix_per_length(trained_models):
    from summarise.lengths import PRESETS
    from summarise.models.seq2seq import TaskPrefixes
    from transformers import AutoConfig

    prefixes = TaskPrefixes(AutoConfig.from_pretrained(trained_models["summariser"]))
    assert {name: prefixes(PRESETS[name]) for name in PRESETS} == {
        "short": "summarize short: ", "medium": "summarize medium: ",
        "long": "summarize long: "}


@pytest.mark.skipif(bool(os.environ.get("SUMMARISE_TRAINED_FIXTURES")),
                    reason="prebuilt fixtures named by SUMMARISE_TRAINED_FIXTURES")
def test_fixtures_are_cached_by_content(trained_models):
    from summarise.fixtures.cache import DONE, fingerprint, trained_fixtures

    folder = trained_models["summariser"].parent
    assert folder.name == fingerprint(CORPUS)
    assert (folder / DONE).is_file()
    assert trained_fixtures(CORPUS) == trained_models  # no second training


def test_word_accuracy_counts_words_at_their_place():
    assert lexicon.word_accuracy("The dogs see the cats.", "The dogs see the cats.") == 1.0
    assert lexicon.word_accuracy("The cats see the dogs.", "The dogs see the cats.") == 0.6
    assert lexicon.word_accuracy("The dogs", "The dogs see the cats.") == 0.4
    assert lexicon.word_accuracy("The dogs see the cats. Again.", "The dogs see the cats.") \
        == pytest.approx(5 / 6)


def test_lexicon_sentences_keep_word_order():
    for pair in lexicon.parallel_corpus(50, seed=3):
        assert len(pair["en"].split()) == len(pair["de"].split())


def test_devmodels_has_a_command_line_that_says_what_it_is():
    done = subprocess.run([sys.executable, "-m", "summarise.devmodels", "--help"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert "Development tool" in done.stdout and "trained OUT" in done.stdout
    bad = subprocess.run([sys.executable, "-m", "summarise.devmodels", "trained", "x",
                          "--corpus", "/nonexistent/corpus.txt"],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2
    assert bad.stderr.strip().startswith("error: --corpus") and "Traceback" not in bad.stderr
