"""The CTranslate2 backend: converted once into a cache, then used by the unchanged pipeline."""

from __future__ import annotations

import json

import pytest
from conftest import SEED

pytest.importorskip("ctranslate2")


@pytest.fixture(scope="session")
def ct2_cache(tmp_path_factory):
    """One conversion cache for the whole session (converting takes seconds per model)."""
    return tmp_path_factory.mktemp("ct2-cache")


@pytest.fixture
def cache(ct2_cache, monkeypatch):
    monkeypatch.setenv("SUMMARISE_CT2_CACHE", str(ct2_cache))
    return ct2_cache


def model_bins(cache) -> dict[str, int]:
    """The int8 conversions in the cache, with their modification times."""
    return {p.parent.name: p.stat().st_mtime_ns for p in cache.glob("*--int8/model.bin")}


def test_cli_converts_once_then_reuses_the_cache(cli, model_args, cache, tmp_path):
    out = tmp_path / "out"
    first = cli(SEED, "--backend", "ctranslate2", "--lang", "de", "--lang", "en",
                "--out", out, *model_args, "--dtype", "auto")
    assert first.exit_code == 0, first.output
    assert first.output.count("converting") == 2  # the summariser and the de-en translator
    converted = model_bins(cache)
    assert len(converted) == 2

    doc = json.loads((out / f"{SEED.stem}.json").read_text())
    got = {(s["lang"], s["length"]): s["text"] for s in doc["summaries"]}
    assert set(got) == {(lang, n) for lang in ("de", "en") for n in ("short", "medium", "long")}
    assert all(text.strip() for text in got.values())
    models = json.loads((out / "run.json").read_text())["models"]
    assert {m["backend"] for m in models.values()} == {"ctranslate2"}
    assert {m["compute_type"] for m in models.values()} == {"int8"}

    second = cli(SEED, "--backend", "ctranslate2", "--lang", "en", "--format", "json",
                 *model_args, "--dtype", "auto")
    assert second.exit_code == 0, second.output
    assert "converting" not in second.output
    assert model_bins(cache) == converted  # not written again


def test_ct2_fp32_writes_the_same_tokens_as_torch(tiny_models, cache):
    """With the same precision both backends must agree: this checks that tokens travel
    between the Hugging Face tokenizer and CTranslate2 correctly."""
    from summarise.config import Generation, Settings
    from summarise.lengths import PRESETS, ForcedLengths
    from summarise.models import ModelRegistry

    text = SEED.read_text(encoding="utf-8")[:600]
    rows = {}
    for backend in ("torch", "ctranslate2"):
        settings = Settings(summariser=str(tiny_models["mt5"]),
                            translators={"de-en": str(tiny_models["marian-de-en"])},
                            generation=Generation(backend=backend, dtype="fp32"))
        registry = ModelRegistry(settings, lengths=ForcedLengths())
        [row] = registry.summariser().summarise([text], "de", [PRESETS["short"]])
        translator = registry.translator("de", "en")
        [translated] = translator.generate([row[0].text], "de", "en", 60, [40])
        rows[backend] = (row[0].ids, translated.ids)
    (summary, translation), (ct2_summary, ct2_translation) = rows["torch"], rows["ctranslate2"]
    assert len(summary) > 10 and len(translation) > 10
    assert agreement(summary, ct2_summary) > 0.9
    assert agreement(translation, ct2_translation) > 0.9


def agreement(a, b) -> float:
    return sum(x == y for x, y in zip(a, b, strict=False)) / max(len(a), len(b))


def test_cache_folder_is_keyed_by_model_revision_and_compute_type(tiny_models, cache):
    from summarise.models.ct2 import cache_dir
    from summarise.models.hub import ModelRef

    path = tiny_models["mt5"]
    local = ModelRef(str(path), path, None)
    hub = ModelRef("org/model", path, "abc123")
    assert cache_dir(local, "int8") != cache_dir(local, "float32")
    assert cache_dir(hub, "int8") != cache_dir(ModelRef("org/model", path, "def456"), "int8")
    assert cache_dir(hub, "int8").parent == cache
    assert "abc123" in cache_dir(hub, "int8").name


@pytest.mark.parametrize(("flags", "message"), [
    (["--backend", "onnx"], "--backend 'onnx'"),
    (["--quantize", "int4"], "--quantize 'int4'"),
])
def test_unknown_backend_or_quantisation_is_a_usage_error(cli, model_args, flags, message):
    result = cli(SEED, *model_args, *flags)
    assert result.exit_code == 2
    assert message in result.output
