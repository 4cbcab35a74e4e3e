"""Model profiles (summarise/data/profiles.toml): every model we name is run with what its
authors documented, a local folder can declare its own, and a user's setting wins.

The expected facts are the ones on the models' hub pages (cited in profiles.toml); the
tests check that the code reads them, not that the pages are right.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from summarise.config import DEFAULT_TRANSLATORS, MODEL_PRESETS, Generation
from summarise.errors import UsageError
from summarise.models.profiles import (
    FOLDER_PROFILE,
    Profile,
    profile_for,
    resolve_generation,
)

MT5 = "T-Systems-onsite/mt5-small-sum-de-en-v2"
ARCHITECTURES = {MT5: "mt5", "Helsinki-NLP/opus-mt-de-en": "marian",
                 "Helsinki-NLP/opus-mt-en-de": "marian", "facebook/bart-large-cnn": "bart",
                 "Qwen/Qwen2.5-1.5B-Instruct": "qwen2"}


def _preset_models() -> set[str]:
    names = set(DEFAULT_TRANSLATORS.values())
    for preset in MODEL_PRESETS.values():
        names.add(preset["summariser"])
        names.update(preset.get("translators", {}).values())
    return names


@pytest.mark.parametrize("name", sorted(_preset_models()))
def test_every_preset_model_has_a_profile_whose_facts_cite_a_page(name):
    profile = profile_for(name, None, ARCHITECTURES[name])
    assert profile.key == name
    assert profile.window, "every model we name documents its input window"
    facts = {"window": profile.window, "prefix": profile.prefix,
             "output_tokens": profile.output_tokens, "published": profile.published}
    for fact, value in facts.items():
        if value:
            source = profile.sources.get(fact, "")
            assert source.startswith("https://"), (name, fact, source)
    if profile.published != {k: v for k, v in profile.published.items()
                             if profile.decoding.get(k, v) == v}:
        assert profile.why, f"{name}: decoding differs from the published settings: say why"


def test_the_documented_facts_of_the_default_models():
    mt5 = profile_for(MT5, None, "mt5")
    assert (mt5.window, mt5.prefix, mt5.output_tokens) == (800, "summarize: ", 94)
    for direction in ("de-en", "en-de"):
        opus = profile_for(f"Helsinki-NLP/opus-mt-{direction}", None, "marian")
        assert opus.window == 512 and opus.published["beams"] == 4
        assert opus.decoding["no_repeat_ngram_size"] == 0
    bart = profile_for("facebook/bart-large-cnn", None, "bart")
    assert bart.published == {"beams": 4, "no_repeat_ngram_size": 3, "length_penalty": 2.0,
                              "min_new_tokens": 56, "max_new_tokens": 142}
    assert profile_for("qwen/qwen2.5-1.5b-instruct@main", None, "qwen2").decoding[
        "repetition_penalty"] == 1.0  # matched whatever the case, a revision pinned or not


def test_decoding_comes_from_the_user_then_the_profile_then_the_defaults():
    opus = profile_for("Helsinki-NLP/opus-mt-de-en", None, "marian")
    mt5 = profile_for(MT5, None, "mt5")
    chosen = resolve_generation(Generation(), opus)
    assert (chosen.beams, chosen.no_repeat_ngram_size, chosen.repetition_penalty) == (1, 0, 1.0)
    assert resolve_generation(Generation(), mt5).no_repeat_ngram_size == 3
    asked = Generation(beams=4, no_repeat_ngram_size=2, repetition_penalty=1.2)
    assert resolve_generation(asked, opus) == asked  # the user wins
    # A model no profile describes gets summarise's defaults.
    plain = resolve_generation(Generation(), Profile())
    assert (plain.beams, plain.no_repeat_ngram_size, plain.repetition_penalty) == (1, 3, 1.0)


def test_a_folder_is_matched_by_its_own_file_over_its_family(tmp_path):
    assert profile_for(str(tmp_path), tmp_path, "mt5").prefix == "summarize: "
    (tmp_path / FOLDER_PROFILE).write_text(
        'window = 800\noutput_tokens = 40\ndecoding = { no_repeat_ngram_size = 0 }\n',
        encoding="utf-8")
    own = profile_for(str(tmp_path), tmp_path, "mt5")
    assert (own.window, own.output_tokens, own.prefix) == (800, 40, "summarize: ")
    assert own.decoding == {"no_repeat_ngram_size": 0}


@pytest.mark.parametrize(("text", "words"), [
    ("window = 'big'\n", ["window", "should be a int"]),
    ("windows = 800\n", ["unknown key 'windows'"]),
    ("decoding = { top_p = 0.9 }\n", ["decoding.top_p", "not a decoding setting"]),
    ("window = \n", ["not valid TOML"]),
])
def test_a_broken_folder_profile_is_named_in_one_line(tmp_path, text, words):
    (tmp_path / FOLDER_PROFILE).write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as error:
        profile_for(str(tmp_path), tmp_path, "mt5")
    assert str(tmp_path / FOLDER_PROFILE) in str(error.value)
    for word in words:
        assert word in str(error.value)


def test_the_profile_file_is_installed_with_the_package():
    from importlib import resources

    assert resources.files("summarise.data").joinpath("profiles.toml").is_file()


def test_a_translator_runs_with_its_folder_profile_and_run_manifest_shows_it(tiny_models,
                                                                            tmp_path):
    """A copy of the tiny Marian that declares the opus-mt decoding (no n-gram ban): the
    translator uses it, the summariser keeps the defaults, a user's setting wins, and the
    registry's manifest (run.json's "models") records the profile, window and decoding."""
    import shutil

    from summarise import Settings
    from summarise.models import ModelRegistry

    marian = tmp_path / "marian"
    shutil.copytree(tiny_models["marian-de-en"], marian)
    (marian / FOLDER_PROFILE).write_text("decoding = { no_repeat_ngram_size = 0 }\n",
                                         encoding="utf-8")
    settings = Settings(summariser=str(tiny_models["mt5"]), translators={"de-en": str(marian)},
                        generation=Generation(dtype="fp32", threads=1))
    registry = ModelRegistry(settings)
    translator = registry.translator("de", "en")
    summariser = registry.summariser()
    assert translator.generation.no_repeat_ngram_size == 0
    assert summariser.generation.no_repeat_ngram_size == 3
    manifest = registry.manifest()
    assert manifest[str(marian)]["profile"] == str(marian / FOLDER_PROFILE)
    assert manifest[str(marian)]["decoding"] == {"beams": 1, "no_repeat_ngram_size": 0,
                                                 "repetition_penalty": 1.0}
    assert manifest[str(tiny_models["mt5"])]["profile"] == "family mt5"
    assert manifest[str(tiny_models["mt5"])]["window"] == summariser.max_input_tokens
    flagged = ModelRegistry(replace(settings, generation=replace(
        settings.generation, no_repeat_ngram_size=2)))
    assert flagged.translator("de", "en").generation.no_repeat_ngram_size == 2
