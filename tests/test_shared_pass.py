"""Several lengths read off one greedy pass must be what separate runs write, token for
token: checked on the trained summariser (which stops by itself, so the cut points
matter) and on a random mT5 through the product path, and the reading-off rule on its
own, case by case."""

from __future__ import annotations

import pytest
from summarise.lengths import TokenBudget
from summarise.models.sharedpass import Fork, shareable

END, FORCED = 1, 2


@pytest.mark.parametrize(("budgets", "beams", "expected"), [
    ([TokenBudget(0, 10), TokenBudget(5, 40)], 1, True),
    ([TokenBudget(5, 40), TokenBudget(0, 10), TokenBudget(10, 80)], 1, True),
    ([TokenBudget(10, 10), TokenBudget(40, 40)], 1, True),  # forced lengths
    ([TokenBudget(20, 30), TokenBudget(5, 40)], 1, True),  # the pass waits for 20
    ([TokenBudget(0, 10), TokenBudget(5, 40)], 4, False),  # beam search
    ([TokenBudget(0, 10)], 1, False),  # nothing to share
])
def test_which_budgets_one_pass_can_serve(budgets, beams, expected):
    assert shareable(budgets, beams) is expected


GENERATED = [10, 11, 12, 13, 14, 15, 16, 17]


@pytest.mark.parametrize(("best", "spend", "forced", "expected"), [
    # end-of-sequence best at step 3; a run allowed to stop there stops there
    ([10, 11, 12, END, 14, 15, 16, 17], TokenBudget(0, 8), None, [10, 11, 12, END]),
    # ... one whose minimum is later goes on, as the shared pass did
    ([10, 11, 12, END, 14, 15, 16, 17], TokenBudget(4, 8), None, GENERATED),
    # ... one whose maximum comes first is cut at its maximum
    ([10, 11, 12, END, 14, 15, 16, 17], TokenBudget(0, 3), None, [10, 11, 12]),
    # a model that forces the end on the last step: the run's own last step
    ([10, 11, 12, 13, 14, 15, 16, 17], TokenBudget(0, 5), FORCED, [10, 11, 12, 13, FORCED]),
    ([10, 11, 12, 13, END, 15, 16, 17], TokenBudget(0, 5), FORCED, [10, 11, 12, 13, FORCED]),
    ([10, 11, END, 13, 14, 15, 16, 17], TokenBudget(0, 5), FORCED, [10, 11, END]),
])
def test_reading_one_length_off_the_shared_pass(best, spend, forced, expected):
    assert Fork((END,), forced).tokens(GENERATED, best, spend) == expected


def _summariser(path, **generation):
    from summarise import Settings
    from summarise.config import Generation
    from summarise.models import ModelRegistry

    settings = Settings(summariser=str(path), generation=Generation(
        dtype="fp32", threads=1, no_repeat_ngram_size=0, **generation))
    return ModelRegistry(settings).summariser()


def _encode(summariser, texts: list[str], prefix: str):
    from transformers.modeling_outputs import BaseModelOutput

    enc = summariser.tokenizer([prefix + t for t in texts], return_tensors="pt",
                               padding=True)
    hidden = summariser.loaded.model.get_encoder()(**enc).last_hidden_state
    return lambda: (BaseModelOutput(last_hidden_state=hidden), enc["attention_mask"])


def test_shared_pass_equals_separate_runs_on_a_model_that_stops(trained_models):
    """The trained fixture writes three sentences and stops (97-123 tokens here). Budgets
    that cut it short, let it stop, and make it go on past its stop (a minimum of 130), in no
    particular order, all come out of one pass as they come out of their own."""
    import torch
    from conftest import CORPUS
    from summarise.fixtures.fidelity import held_out_documents
    from summarise.fixtures.leads import sentences_of

    summariser = _summariser(trained_models["summariser"])
    texts = [text for _, text in held_out_documents(sentences_of(CORPUS), 6, seed=3)]
    spends = [TokenBudget(0, 12), TokenBudget(0, 160), TokenBudget(20, 60),
              TokenBudget(130, 200)]
    assert shareable(spends, 1)
    encoded = _encode(summariser, texts, summariser.prefixes.by_length["medium"]["prefix"])
    with torch.inference_mode():
        shared = summariser._decode(*encoded(), spends)
        alone = [summariser._decode(*encoded(), [spend])[0] for spend in spends]
    assert [[g.ids for g in rows] for rows in shared] == [[g.ids for g in rows] for rows in alone]
    assert [[g.hit_limit for g in rows] for rows in shared] == \
        [[g.hit_limit for g in rows] for rows in alone]
    stopped = [len(g.ids) for g in alone[1]]
    assert all(not g.hit_limit for g in alone[1]) and max(stopped) < 130  # it did stop
    assert all(len(g.ids) > n for g, n in zip(alone[3], stopped, strict=True))  # went on
    assert all(g.hit_limit and len(g.ids) == 12 for g in alone[0])


def test_summarise_writes_every_length_as_separate_runs_would(tiny_models, monkeypatch):
    """Through the product path (one prefix for all lengths, so one pass), forced and
    free lengths: the same tokens with and without the shared pass."""
    from summarise.lengths import PRESETS
    from summarise.models import seq2seq

    presets = list(PRESETS.values())
    texts = ["Der Rat tagt am Montag in Bern. Er berät über den Haushalt des Kantons.",
             "Das Wetter bleibt kühl."]
    for force in (False, True):
        summariser = _summariser(tiny_models["mt5"], force_lengths=force)
        shared = summariser.summarise(texts, "de", presets)
        monkeypatch.setattr(seq2seq, "shareable", lambda budgets, beams: False)
        alone = summariser.summarise(texts, "de", presets)
        monkeypatch.undo()
        assert [[g.ids for g in row] for row in shared] == [[g.ids for g in row] for row in alone]
        assert len({len(g.ids) for g in shared[0]}) == 3  # three different lengths
