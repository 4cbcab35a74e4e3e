"""A profile's window and trained output length, on the trained fixture summariser (it
writes the first 1/3/6 sentences of what it reads, so the document's own sentences are
the oracle): a document inside the profiled window is read whole, and a length beyond
the trained output length is written from the document's parts, each call inside it.
"""

from __future__ import annotations

import json
import math
import shutil

import pytest
from conftest import CORPUS, ROOT
from summarise.fixtures.leads import sentences_of
from summarise.segment import split_sentences


def _with_profile(source, folder, text: str):
    """A copy of a model folder that declares ``text`` as its profile."""
    from summarise.models.profiles import FOLDER_PROFILE

    shutil.copytree(source, folder)
    (folder / FOLDER_PROFILE).write_text(text, encoding="utf-8")
    return folder


def _summariser(path):
    from summarise import Settings
    from summarise.config import Generation
    from summarise.models import ModelRegistry

    # No no-repeat rule: the fixture copies, and a copied text may repeat three tokens.
    return ModelRegistry(Settings(summariser=str(path), generation=Generation(
        dtype="fp32", threads=1, no_repeat_ngram_size=0))).summariser()


def _document_of(summariser, tokens: tuple[int, int]) -> str:
    """Held-out German sentences, numbered, until the prefixed text is within ``tokens``."""
    pool = sentences_of(CORPUS).held_out["de"]
    chosen: list[str] = []
    for index, sentence in enumerate(pool):
        chosen.append(f"Satz {index}: {sentence}")
        count = summariser.count_tokens([" ".join(chosen)])[0]
        if count >= tokens[0]:
            assert count <= tokens[1], count
            return " ".join(chosen)
    raise AssertionError("not enough held-out sentences")


def test_a_700_token_document_is_read_whole_by_a_model_profiled_at_800(trained_models,
                                                                         tmp_path):
    from summarise.lengths import PRESETS
    from summarise.longdoc import summarise_any_length

    plain = _summariser(trained_models["summariser"])
    assert plain.max_input_tokens == 512  # its tokenizer's model_max_length
    wide = _summariser(_with_profile(trained_models["summariser"], tmp_path / "wide",
                                     "window = 800\n"))
    assert wide.max_input_tokens == 800
    text = _document_of(wide, (690, 760))
    sentences = split_sentences(text, "de")
    [[medium]], [stats] = summarise_any_length(wide, [text], "de", [PRESETS["medium"]])
    assert (stats.chunks, stats.reduce_rounds) == (1, 0)
    assert split_sentences(medium.text, "de") == sentences[:3]  # the lead of the whole
    _, [narrow] = summarise_any_length(plain, [text], "de", [PRESETS["medium"]])
    assert narrow.chunks > 1  # what the 512-token window did to the same document


class _Calls:
    """A summariser that records the presets of every call."""

    def __init__(self, inner):
        self.inner, self.presets = inner, []
        for name in ("name", "tokenizer", "max_input_tokens", "trained_output_tokens",
                     "can_write_other_language"):
            setattr(self, name, getattr(inner, name))

    def count_tokens(self, texts):
        return self.inner.count_tokens(texts)

    def summarise(self, texts, lang, presets, out_lang=None):
        self.presets.append(list(presets))
        return self.inner.summarise(texts, lang, presets, out_lang=out_lang)


@pytest.fixture(scope="module")
def limited(trained_models, tmp_path_factory):
    """The fixture summariser profiled with a trained output length that fits "medium"
    (60 words) but not "long" (120): long needs two parts."""
    from summarise.lengths import PRESETS, budget, tokens_per_word

    inner = _summariser(trained_models["summariser"])
    ratios = [tokens_per_word(inner.tokenizer, lang) for lang in ("de", "en")]
    trained = max(budget(PRESETS["medium"], ratio).max_new_tokens for ratio in ratios)
    folder = _with_profile(trained_models["summariser"], tmp_path_factory.mktemp("p") / "m",
                           f"output_tokens = {trained}\n")
    return folder, trained


def test_a_length_beyond_the_trained_output_is_written_from_parts_inside_it(limited):
    from summarise.lengths import PRESETS, budget, tokens_per_word
    from summarise.longdoc import summarise_any_length

    folder, trained = limited
    calls = _Calls(_summariser(folder))
    assert calls.trained_output_tokens == trained
    sentences = sentences_of(CORPUS).held_out["de"][:16]
    assert len(set(sentences)) == len(sentences)  # a sentence's position tells it apart
    text = " ".join(sentences)
    presets = [PRESETS["short"], PRESETS["medium"], PRESETS["long"]]
    [[short, medium, long]], _ = summarise_any_length(calls, [text], "de", presets)
    ratio = tokens_per_word(calls.tokenizer, "de")
    asked = [budget(p, ratio).max_new_tokens for call in calls.presets for p in call]
    assert max(asked) <= trained, asked  # no call asked beyond the trained length
    assert budget(PRESETS["long"], ratio).max_new_tokens > trained  # long alone would
    assert (short.parts, medium.parts, long.parts) == (1, 1, 2)
    own = split_sentences(text, "de")
    got = split_sentences(long.text, "de")
    positions = [own.index(s) for s in got]  # ValueError: not a document sentence
    assert positions[0] == 0 and positions == sorted(positions)
    assert any(p >= len(own) // 2 for p in positions), "the second half has a part"
    assert len(got) > len(split_sentences(medium.text, "de"))


def test_the_seed_run_meets_every_word_target_with_a_trained_output_length(
        limited, trained_models, cli, tmp_path):
    """`summarise seeds/ --lang de --lang en` on the fixtures, the summariser profiled
    with a trained output length below "long": every summary is within its word target
    (0.5-1.4x, the eval's within_target), and long says it was written from parts."""
    from summarise.lengths import MIN_FACTOR, OVERRUN

    folder, trained = limited
    out = tmp_path / "out"
    result = cli(ROOT / "seeds", "--lang", "de", "--lang", "en", "--summariser", folder,
                 "--translator", f"de-en={trained_models['de-en']}",
                 "--translator", f"en-de={trained_models['en-de']}",
                 "--dtype", "fp32", "--threads", "1", "--out", out, "--format", "json")
    assert result.exit_code == 0, result.output
    [file] = [p for p in out.rglob("*.json") if p.name != "run.json"]
    summaries = json.loads(file.read_text(encoding="utf-8"))["summaries"]
    assert {(s["lang"], s["length"]) for s in summaries} == {
        (lang, length) for lang in ("de", "en") for length in ("short", "medium", "long")}
    for summary in summaries:
        target = summary["target_words"]
        assert math.floor(MIN_FACTOR * target) <= summary["words"] <= OVERRUN * target, summary
        assert summary["parts"] == (2 if summary["length"] == "long" else 1), summary
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["models"][str(folder)]["output_tokens"] == trained
