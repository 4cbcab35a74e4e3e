"""``hit_limit`` (the summary ran into its token budget) for models that force an end
token: BART and Marian put one on the last step, and BART also starts decoding from it,
so "an end token is in the output" does not mean the model finished its text. A summary
cut off by the limit must say so, or its unfinished last sentence is kept."""

from __future__ import annotations

import pytest
from summarise.models.seq2seq import decode
from summarise.pipeline import fit

MAX_NEW = 8


def _tokenizer(path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(path)


def _words(tokenizer, count: int) -> list[int]:
    ids = tokenizer("Der Rat hat am Montag die neue Brücke über den Fluss beschlossen",
                    add_special_tokens=False)["input_ids"]
    assert len(ids) >= count
    return ids[:count]


@pytest.mark.parametrize("model", ["bart", "marian-de-en", "mt5"])
def test_a_sequence_cut_by_the_budget_hits_the_limit_even_with_a_forced_end(tiny_models,
                                                                            model):
    from transformers import AutoConfig

    tokenizer = _tokenizer(tiny_models[model])
    config = AutoConfig.from_pretrained(tiny_models[model])
    start, eos = config.decoder_start_token_id, tokenizer.eos_token_id
    forced_bos = [config.forced_bos_token_id] if getattr(config, "forced_bos_token_id",
                                                         None) is not None else []
    # What generate() returns at the limit: start, (BOS), words, and the end token that
    # BART and Marian force onto the last step (T5 forces none: its budget is all words).
    forced_end = model != "mt5"
    words = MAX_NEW - len(forced_bos) - (1 if forced_end else 0)
    cut = [start, *forced_bos, *_words(tokenizer, words), *([eos] if forced_end else [])]
    assert len(cut) - 1 == MAX_NEW
    assert decode(tokenizer, cut, MAX_NEW).hit_limit
    # The same model ending on its own three steps early did not hit the limit.
    ended = [start, *forced_bos, *_words(tokenizer, words - 3), eos]
    assert not decode(tokenizer, ended, MAX_NEW).hit_limit
    # The shared decoding pass hands over the tokens without the start token.
    assert decode(tokenizer, cut[1:], MAX_NEW).hit_limit
    assert not decode(tokenizer, ended[1:], MAX_NEW).hit_limit


def test_an_unfinished_last_sentence_of_a_bart_summary_is_dropped(tiny_models):
    """What the pipeline does with it: the summary keeps whole sentences only."""
    from summarise.lengths import LengthPreset

    tokenizer = _tokenizer(tiny_models["bart"])
    text = "Der Rat hat getagt. Er beschloss die neue"
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    sequence = [2, 0, *ids, 2]  # start (end token), BOS, the words, the forced end
    generated = decode(tokenizer, sequence, len(sequence) - 1)
    assert generated.hit_limit
    assert fit(generated, LengthPreset("short", 25, 1), "de").text == "Der Rat hat getagt."
