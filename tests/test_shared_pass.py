"""Several lengths read off one greedy pass must be what separate runs write, token for
token: checked on the trained summariser (which stops by itself, so the cut points
matter) and on a random mT5 through the product path, and the reading-off rule on its
own, case by case."""

from __future__ import annotations

import pytest
from summarise.lengths import TokenBudget
from summarise.models.sharedpass import Fork, cascade, shareable

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


def _summariser(path, forced: bool = False, **generation):
    from summarise import Settings
    from summarise.config import Generation
    from summarise.lengths import MODEL_STOPS, ForcedLengths
    from summarise.models import ModelRegistry

    settings = Settings(summariser=str(path), generation=Generation(
        dtype="fp32", threads=1, no_repeat_ngram_size=0, **generation))
    return ModelRegistry(settings, lengths=ForcedLengths() if forced else MODEL_STOPS
                         ).summariser()


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
        summariser = _summariser(tiny_models["mt5"], forced=force)
        shared = summariser.summarise(texts, "de", presets)
        monkeypatch.setattr(seq2seq, "shareable", lambda budgets, beams: False)
        alone = summariser.summarise(texts, "de", presets)
        monkeypatch.undo()
        assert [[g.ids for g in row] for row in shared] == [[g.ids for g in row] for row in alone]
        assert len({len(g.ids) for g in shared[0]}) == 3  # three different lengths


class GreedyStandIn:
    """A greedy decoder with known preferences: row r's best token at step t is
    ``best[r][t]``; where that is end-of-sequence but masked (t < minimum), the run takes
    another path (tokens 50+t from there on), as a real model's continuation changes."""

    def __init__(self, best: list[list[int]]):
        self.best, self.calls = best, []

    def alone(self, row: int, spend: TokenBudget) -> list[int]:
        tokens, detour = [], False
        for step in range(spend.max_new_tokens):
            token = 50 + step if detour else self.best[row][step]
            if token == END and step < spend.min_new_tokens:
                detour, token = True, 50 + step
            tokens.append(token)
            if token == END:
                break
        return tokens

    def run(self, rows: list[int], spend: TokenBudget) -> list[list[int]]:
        self.calls.append((tuple(rows), spend))
        return [self.alone(row, spend) for row in rows]


NEVER = [10 + t for t in range(40)]
STOPS_AT = {k: [*NEVER[:k], END, *NEVER[k + 1:]] for k in (3, 12, 25)}


@pytest.mark.parametrize(("best", "budgets", "runs"), [
    # a model that never stops: one run serves all, forced lengths included
    ([NEVER, NEVER], [TokenBudget(0, 5), TokenBudget(0, 20), TokenBudget(10, 30)], 1),
    ([NEVER], [TokenBudget(5, 5), TokenBudget(20, 20), TokenBudget(30, 30)], 1),
    # stops at 12: serves minimums up to 12; the minimum 20 runs again
    ([STOPS_AT[12]], [TokenBudget(0, 8), TokenBudget(5, 30), TokenBudget(20, 30)], 2),
    # a stop at 3 then 25 (after the detour there is none): three minimums, rows differ
    ([STOPS_AT[3], STOPS_AT[25], NEVER],
     [TokenBudget(0, 40), TokenBudget(10, 40), TokenBudget(30, 40)], 3),
    # a stop exactly at a budget's maximum and at its minimum
    ([STOPS_AT[12]], [TokenBudget(12, 12), TokenBudget(12, 13), TokenBudget(0, 12)], 1),
    # forced lengths on a model that stops: one run masking the end up to the longest
    ([STOPS_AT[3], STOPS_AT[12]], [TokenBudget(5, 5), TokenBudget(20, 20),
                                   TokenBudget(30, 30)], 1),
    # forced and free together: the free one's minimum first, the forced 20 after
    ([STOPS_AT[12]], [TokenBudget(10, 10), TokenBudget(0, 40), TokenBudget(20, 20)], 2),
    ([STOPS_AT[12]], [TokenBudget(10, 10), TokenBudget(15, 40)], 1),
])
def test_cascade_writes_what_each_budget_writes_alone(best, budgets, runs):
    model = GreedyStandIn(best)
    got = cascade(model.run, budgets, len(best), (END,))
    assert got == [[model.alone(row, spend) for row in range(len(best))] for spend in budgets]
    assert len(model.calls) == runs
    # no row runs twice with the same budget, and re-runs only take rows that need them
    assert len(set(model.calls)) == len(model.calls)


def test_ct2_cascade_equals_separate_runs_on_a_model_that_stops(trained_models, tmp_path,
                                                                 monkeypatch):
    """CTranslate2 reports no per-step scores, so its lengths share runs by ``cascade``:
    on the trained summariser (which stops by itself) budgets that cut it, let it stop
    and force it past its stop give the tokens and limits of their own runs."""
    pytest.importorskip("ctranslate2")
    from conftest import CORPUS
    from summarise.fixtures.fidelity import held_out_documents
    from summarise.fixtures.leads import sentences_of
    from summarise.lengths import LengthPreset
    from summarise.models import ct2

    monkeypatch.setenv("SUMMARISE_CT2_CACHE", str(tmp_path))
    summariser = _summariser(trained_models["summariser"], backend="ctranslate2")
    texts = [text for _, text in held_out_documents(sentences_of(CORPUS), 6, seed=3)]
    # Presets with budgets set directly: all of them read the "medium" prefix.
    spends = [TokenBudget(0, 12), TokenBudget(0, 160), TokenBudget(20, 60),
              TokenBudget(130, 200)]
    presets = [LengthPreset("medium", 60 + i, 3) for i in range(len(spends))]
    set_directly = type("SetDirectly", (), {  # a length policy: the budgets above
        "summary": lambda self, preset, *a, **k: spends[preset.words - 60]})()
    monkeypatch.setattr(summariser, "lengths", set_directly)
    calls = []
    translate = summariser.loaded.model.translate_batch
    monkeypatch.setattr(summariser.loaded, "model", type("Counting", (), {
        "translate_batch": lambda self, batch, **kw: calls.append(len(batch)) or
        translate(batch, **kw)})())
    shared = summariser.summarise(texts, "en", presets)
    runs_shared = len(calls)
    monkeypatch.setattr(ct2, "shareable", lambda budgets, beams: False)
    alone = summariser.summarise(texts, "en", presets)
    assert [[g.ids for g in row] for row in shared] == [[g.ids for g in row] for row in alone]
    assert [[g.hit_limit for g in row] for row in shared] == \
        [[g.hit_limit for g in row] for row in alone]
    assert all(not row[1].hit_limit for row in alone)  # it stopped by itself
    assert all(len(row[3].ids) > len(row[1].ids) for row in alone)  # and was made go on
    assert runs_shared == 2 and calls[:2] == [len(texts), len(texts)]  # 1 run + the re-run
