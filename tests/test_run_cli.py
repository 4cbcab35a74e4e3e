"""The main command end to end with tiny models: languages, lengths, files, formats."""

from __future__ import annotations

import json

from conftest import SEED


def test_seed_to_both_languages_all_lengths(cli, model_args, tmp_path):
    out = tmp_path / "out"
    result = cli(SEED.parent, "--lang", "en", "--lang", "de", "--out", out, *model_args)
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "000_c2962fba0a84f7c9.json").read_text())
    assert doc["source_lang"] == "de"
    got = {(s["lang"], s["length"]): s for s in doc["summaries"]}
    assert set(got) == {(lang, n) for lang in ("en", "de") for n in ("short", "medium", "long")}
    assert all(s["text"].strip() for s in got.values())
    assert got[("en", "short")]["route"] == "summarise-then-translate"
    assert got[("de", "long")]["route"] == "summarise"
    assert got[("de", "short")]["target_words"] == 25
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["documents"]["000_c2962fba0a84f7c9"]["output"] == "000_c2962fba0a84f7c9.json"
