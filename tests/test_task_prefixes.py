"""Task prefixes come from the model's config the way T5 checkpoints carry them."""

from __future__ import annotations

from types import SimpleNamespace

from summarise.lengths import PRESETS, LengthPreset
from summarise.models.seq2seq import TaskPrefixes


def config(model_type: str, params: dict | None = None):
    return SimpleNamespace(model_type=model_type, task_specific_params=params)


def test_family_default_without_params():
    assert TaskPrefixes(config("mt5"))(PRESETS["short"]) == "summarize: "
    assert TaskPrefixes(config("bart"))(PRESETS["long"]) == ""


def test_checkpoint_prefix_wins_over_the_family_default():
    prefixes = TaskPrefixes(config("t5", {"summarization": {"prefix": "zusammenfassen: "}}))
    assert prefixes(PRESETS["medium"]) == "zusammenfassen: "
    # BART-style params without a prefix keep the family's (none).
    assert TaskPrefixes(config("bart", {"summarization": {"num_beams": 4}}))(
        PRESETS["short"]) == ""


def test_per_length_prefixes_and_the_nearest_for_other_lengths():
    params = {"summarization": {"prefix": "summarize: "},
              "summarization_short": {"prefix": "s: ", "words": 25},
              "summarization_long": {"prefix": "l: ", "words": 120}}
    prefixes = TaskPrefixes(config("mt5", params))
    assert prefixes(PRESETS["short"]) == "s: "
    assert prefixes(PRESETS["long"]) == "l: "
    assert prefixes(LengthPreset("partial", words=40, sentences=2)) == "s: "
    assert prefixes(LengthPreset("essay", words=300, sentences=12)) == "l: "
    assert prefixes.longest() == "summarize: "
