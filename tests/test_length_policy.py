"""Forced lengths are a benchmark's policy, passed to ``ModelRegistry`` by the program that
builds it: no user setting, no part of the settings hash, and what a model call writes
follows the policy it was given."""

from __future__ import annotations

import math

import pytest
from conftest import CORPUS


def test_a_config_file_with_force_lengths_is_refused_as_an_unknown_key(cli, tmp_path):
    config = tmp_path / "bench.toml"
    config.write_text("[generation]\nforce_lengths = true\n", encoding="utf-8")
    result = cli("config", "show", "--config", config)
    assert result.exit_code == 2, result.output
    assert str(config) in result.stderr
    assert "[generation] force_lengths is not a setting" in result.stderr
    assert "Traceback" not in result.output


def test_the_settings_hash_and_manifest_know_nothing_of_a_length_policy():
    from summarise import Settings
    from summarise.output import settings_hash

    manifest = Settings().manifest()
    assert "force_lengths" not in manifest["generation"]
    assert "force_lengths" not in repr(manifest)
    # the hash is the manifest's: nothing a registry is given can move it
    assert settings_hash(manifest) == settings_hash(Settings().manifest())


@pytest.mark.parametrize(("preset", "ratio"), [("short", 1.0), ("medium", 1.37), ("long", 2.2)])
def test_forced_budgets_are_the_free_maximum_as_minimum_and_maximum(preset, ratio):
    from summarise.lengths import MODEL_STOPS, PRESETS, ForcedLengths

    words = PRESETS[preset].words
    # the budget rule, written out: stop from half the target on, at most 1.6 x target
    free_min, most = math.floor(words * ratio * 0.5), math.ceil(words * ratio * 1.6)
    free = MODEL_STOPS.summary(PRESETS[preset], ratio)
    forced = ForcedLengths().summary(PRESETS[preset], ratio)
    assert (free.min_new_tokens, free.max_new_tokens) == (free_min, most)
    assert (forced.min_new_tokens, forced.max_new_tokens) == (most, most)
    assert forced.exact and not free.exact
    capped = ForcedLengths().summary(PRESETS[preset], ratio, limit=20)
    assert (capped.min_new_tokens, capped.max_new_tokens) == (20, 20)


@pytest.mark.parametrize(("source", "window", "free_max"), [(10, 512, 28), (300, 256, 254),
                                                             (0, 512, 8)])
def test_a_forced_translation_is_as_long_as_its_source(source, window, free_max):
    from summarise.lengths import MODEL_STOPS, ForcedLengths

    assert MODEL_STOPS.translation(source, window).min_new_tokens == 0
    assert MODEL_STOPS.translation(source, window).max_new_tokens == free_max
    forced = ForcedLengths().translation(source, window)
    assert forced.min_new_tokens == forced.max_new_tokens == max(1, source)


class CountingPolicy:
    """A caller's own policy: forced lengths, counting which budgets were asked for."""

    def __init__(self):
        from summarise.lengths import ForcedLengths

        self.inner = ForcedLengths()
        self.asked: list[str] = []

    def summary(self, preset, ratio, floor=0.5, limit=None):
        self.asked.append(f"summary:{preset.name}")
        return self.inner.summary(preset, ratio, floor, limit)

    def translation(self, source_tokens, window):
        self.asked.append("translation")
        return self.inner.translation(source_tokens, window)


def test_the_registrys_policy_reaches_every_summary_and_translation(tiny_models):
    """Through the library's own path (Pipeline over a registry), the policy a program
    passes is the one every summariser and translator call asks for its budget."""
    from summarise import Document, Pipeline, Settings
    from summarise.config import Generation
    from summarise.models import ModelRegistry

    settings = Settings(summariser=str(tiny_models["mt5"]),
                        translators={"de-en": str(tiny_models["marian-de-en"])},
                        langs=("de", "en"), lengths=("short", "medium"),
                        generation=Generation(dtype="fp32", threads=1))
    policy = CountingPolicy()
    registry = ModelRegistry(settings, lengths=policy)
    text = " ".join(line for line in CORPUS.read_text(encoding="utf-8").splitlines()[:40]
                    if " der " in line)[:900]
    [result] = Pipeline(settings, registry).run([Document(id="d", source="d", text=text,
                                                          lang="de")])
    assert {"summary:short", "summary:medium", "translation"} <= set(policy.asked)
    assert registry.summariser().lengths is policy
    assert registry.translator("de", "en").lengths is policy
    by_lang = {(s.lang, s.length): s for s in result.summaries}
    assert set(by_lang) == {("de", "short"), ("de", "medium"), ("en", "short"),
                            ("en", "medium")}
