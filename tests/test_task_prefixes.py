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


def test_a_learned_position_table_caps_the_output(tmp_path):
    """A BART whose decoder has 40 positions writes at most 39 tokens for a long summary
    (its budget is far larger), instead of indexing past its table."""
    from dataclasses import replace

    from conftest import CORPUS, SEED
    from summarise import devmodels as dm
    from summarise.config import Generation, Settings
    from summarise.models import ModelRegistry
    from summarise.models.seq2seq import output_window

    path = dm.build_bart(tmp_path / "bart40", CORPUS, replace(dm.TINY, max_positions=40))
    settings = Settings(summariser=str(path), generation=Generation(device="cpu", dtype="fp32"))
    model = ModelRegistry(settings).summariser()
    assert output_window(model.loaded.config) == 39
    text = " ".join(SEED.read_text(encoding="utf-8").split()[:20])
    [[long]] = model.summarise([text], "de", [PRESETS["long"]])
    assert 0 < long.tokens <= 39


def test_relative_positions_set_no_output_cap():
    from summarise.models.seq2seq import output_window

    t5 = SimpleNamespace(relative_attention_num_buckets=32, max_position_embeddings=None)
    assert output_window(t5) is None
    assert output_window(SimpleNamespace(max_position_embeddings=1024)) == 1023


def test_dry_run_shows_the_prefix_of_each_length(cli, tiny_models, tmp_path):
    import json
    import shutil

    from conftest import SEED

    model = shutil.copytree(tiny_models["mt5"], tmp_path / "mt5")
    config = json.loads((model / "config.json").read_text(encoding="utf-8"))
    config["task_specific_params"] = {
        "summarization_short": {"prefix": "kurz: ", "words": 25},
        "summarization_long": {"prefix": "lang: ", "words": 120}}
    (model / "config.json").write_text(json.dumps(config), encoding="utf-8")
    result = cli(SEED, "--summariser", model, "--dry-run", "--lang", "de",
                 "--length", "short", "--length", "long")
    assert result.exit_code == 0, result.output
    assert "kurz: Das von Diktator" in result.stdout and "lang: Das von Diktator" in result.stdout
    assert "summarize: " not in result.stdout
