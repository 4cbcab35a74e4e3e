"""The minimum length and banned tokens are masked in place (``models.masks``) instead of
by Hugging Face's processors, which copy the scores at every step: the tokens chosen
must be the same, on models where each mask matters: the trained fixtures stop by
themselves (the minimum), Marian forces end-of-sequence on its last step, and the random
models ban their pad token (they would write only that)."""

from __future__ import annotations

import pytest
from summarise.lengths import TokenBudget
from summarise.models import masks as masks_module
from summarise.models import seq2seq, translator
from test_shared_pass import _encode, _summariser

BUDGETS = [TokenBudget(0, 40), TokenBudget(0, 200), TokenBudget(130, 200),
           TokenBudget(40, 40), TokenBudget(60, 40)]


def hf_processors(generation_config, kwargs, start):
    """The way it was: HF's own min-length and banned-token processors, no masks."""
    return kwargs, masks_module.StepMasks((), 0, start)


def both_ways(monkeypatch, module, call):
    ours = call()
    monkeypatch.setattr(module, "in_place", hf_processors)
    theirs = call()
    monkeypatch.undo()
    return ours, theirs


def texts():
    from conftest import CORPUS
    from summarise.fixtures.fidelity import held_out_documents
    from summarise.fixtures.leads import sentences_of

    return [text for _, text in held_out_documents(sentences_of(CORPUS), 4, seed=5)]


@pytest.mark.parametrize("beams", [1, 2])
@pytest.mark.parametrize("model", ["trained", "mt5", "bart"])
def test_summaries_are_what_hf_processors_give(model, beams, trained_models, tiny_models,
                                               monkeypatch):
    import torch

    path = trained_models["summariser"] if model == "trained" else tiny_models[model]
    summariser = _summariser(path, beams=beams)
    if model == "trained":
        encoded = _encode(summariser, texts(), summariser.prefixes.by_length["medium"]["prefix"])
    else:  # within the tiny models' positions
        encoded = _encode(summariser, [" ".join(t.split()[:40]) for t in texts()],
                          summariser.prefix)
    lengths = []
    for spend in BUDGETS:
        with torch.inference_mode():
            ours, theirs = both_ways(monkeypatch, seq2seq,
                                     lambda spend=spend: summariser._decode(*encoded(), [spend]))
        assert [g.ids for g in ours[0]] == [g.ids for g in theirs[0]], spend
        assert [g.hit_limit for g in ours[0]] == [g.hit_limit for g in theirs[0]], spend
        lengths.append([len(g.ids) for g in ours[0]])
    # A ban that matters: the token the model wrote most, banned in its config.
    written = [t for g in ours[0] for t in g.ids]
    banned = max(set(written), key=written.count)
    summariser.loaded.model.generation_config.bad_words_ids = [[banned]]
    with torch.inference_mode():
        ours, theirs = both_ways(monkeypatch, seq2seq, lambda: summariser._decode(
            *encoded(), [BUDGETS[1]]))
    assert [g.ids for g in ours[0]] == [g.ids for g in theirs[0]]
    assert banned not in [t for g in ours[0] for t in g.ids]
    if model == "trained":  # the minimum mattered: held back, it wrote on past its stop
        pairs = list(zip(lengths[2], lengths[1], strict=True))
        assert all(held >= free for held, free in pairs)
        assert sum(held > free for held, free in pairs) >= 2


@pytest.mark.parametrize("exact", [False, True])
@pytest.mark.parametrize("model", ["trained", "marian-de-en"])
def test_translations_are_what_hf_processors_give(model, exact, trained_models, tiny_models,
                                                  monkeypatch):
    from summarise.config import Generation
    from summarise.models.hub import resolve
    from summarise.models.runtime import load

    path = trained_models["de-en"] if model == "trained" else tiny_models[model]
    generation = Generation(dtype="fp32", threads=1)
    loaded = load(resolve(str(path), False, False), generation, False)
    assert loaded.model.generation_config.forced_eos_token_id is not None
    model_translator = translator.Seq2SeqTranslator(loaded, generation)
    segments = ["Der Hund sieht die Katze .", "Die Frau kauft ein Haus in der Stadt .",
                "Das Kind trinkt Wasser ."]
    keep = [12, 5, 20] if exact else [None] * 3
    ours, theirs = both_ways(monkeypatch, translator, lambda: model_translator.generate(
        segments, "de", "en", 20, keep))
    assert [g.ids for g in ours] == [g.ids for g in theirs]
    if exact:
        assert [len(g.ids) for g in ours] == [12, 5, 20]
