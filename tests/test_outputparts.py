"""How a length beyond a summariser's trained output length is split into parts, and how
the parts' summaries are joined (pure functions; the behaviour on a trained model is in
test_trained_profiles.py)."""

from __future__ import annotations

import pytest
from summarise.lengths import PRESETS, budget
from summarise.models.base import Generated
from summarise.outputparts import join_parts, parts_for, split_parts


@pytest.mark.parametrize("ratio", [1.0, 1.3, 1.9, 2.6])
@pytest.mark.parametrize("trained", [30, 94, 142])
def test_every_part_budget_fits_the_trained_length_and_parts_cover_the_target(ratio, trained):
    for preset in PRESETS.values():
        parts, part = parts_for(preset, ratio, trained)
        if parts == 1:
            assert part is preset and budget(preset, ratio).max_new_tokens <= trained
            continue
        assert budget(preset, ratio).max_new_tokens > trained
        assert budget(part, ratio).max_new_tokens <= trained
        assert parts * part.words >= preset.words  # together they ask for the target
        assert (parts - 1) * part.words < preset.words  # and no part more than needed


def test_the_mt5_case_in_numbers():
    """94 trained tokens at 1.5 tokens a word: 39 words fit one call, so long (120
    words) is four parts of 30 words, medium (60) two of 30, short (25) one call."""
    assert parts_for(PRESETS["short"], 1.5, 94) == (1, PRESETS["short"])
    assert [(n, p.words, p.sentences) for n, p in (parts_for(PRESETS["medium"], 1.5, 94),
                                                   parts_for(PRESETS["long"], 1.5, 94))] == [
        (2, 30, 2), (4, 30, 2)]
    assert parts_for(PRESETS["long"], 1.5, None) == (1, PRESETS["long"])  # not documented


def test_parts_are_consecutive_runs_of_whole_sentences():
    text = " ".join(f"Satz Nummer {i} ist hier." for i in range(7))
    parts = split_parts(text, "de", 3)
    assert len(parts) == 3 and " ".join(parts) == text
    assert [p.count("Satz") for p in parts] == [3, 2, 2]
    assert split_parts("Nur ein Satz hier.", "de", 4) == ["Nur ein Satz hier."]


def test_joining_drops_an_unfinished_sentence_inside_the_text():
    first = Generated("Der Rat tagte. Er beschloss die", tokens=9, hit_limit=True, ids=(1, 2))
    second = Generated("Die Brücke kommt.", tokens=4, hit_limit=False, ids=(3,))
    joined = join_parts([first, second], PRESETS["short"], "de")
    assert joined.text == "Der Rat tagte. Die Brücke kommt."
    assert (joined.parts, joined.tokens, joined.ids, joined.hit_limit) == (2, 13, (1, 2, 3),
                                                                           False)
