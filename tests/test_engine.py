"""The batching engine: buckets, batch sizes, padding, and outputs equal to one-at-a-time."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS
from summarise.config import Generation, Settings
from summarise.engine import MAX_BATCH, length_sorted_batches
from summarise.lengths import PRESETS

GERMAN = [line for line in CORPUS.read_text(encoding="utf-8").splitlines()
          if " der " in line and " und " in line]


def texts_of(words: list[int]) -> list[str]:
    """German texts of about the given numbers of words."""
    pool = " ".join(GERMAN).split()
    return [" ".join(pool[i * 37:i * 37 + n]) for i, n in enumerate(words)]


@pytest.mark.parametrize(("lengths", "batch_size", "budget", "expected"), [
    ([5, 50, 20, 50], 2, 10_000, [[1, 3], [2, 0]]),  # longest first, ties in input order
    ([5, 50, 20, 50], None, 100, [[1, 3], [2, 0]]),  # 2 x 50 fits 100, a third would not
    ([5, 50, 20, 50], None, 60, [[1], [3], [2, 0]]),  # one 50 per batch; 20 and 5 share
    ([10] * 5, None, 30, [[0, 1, 2], [3, 4]]),
    ([400, 3, 3, 3], None, 200, [[0], [1, 2, 3]]),  # an item over the budget goes alone
    ([], None, 100, []),
])
def test_batches_are_length_sorted_and_fit_the_token_budget(lengths, batch_size, budget,
                                                            expected):
    assert length_sorted_batches(lengths, batch_size, budget) == expected


def test_batches_are_evened_out_within_the_memory_budget():
    mb = 2**20
    # One text takes 10 MB while decoding; 50 MB allow 5 per batch: 4 x 4, not 5+5+5+1.
    batches = length_sorted_batches([100] * 16, row_bytes=lambda n: 10 * mb,
                                    bytes_per_batch=50 * mb)
    assert [len(b) for b in batches] == [4, 4, 4, 4]
    # A text longer than the budget allows still gets a batch of its own.
    assert length_sorted_batches([100, 100], row_bytes=lambda n: 80 * mb,
                                 bytes_per_batch=50 * mb) == [[0], [1]]


def test_short_texts_travel_in_bigger_batches_than_long_ones():
    lengths = [500] * 20 + [40] * 200
    batches = length_sorted_batches(lengths)
    long_sizes = {len(b) for b in batches if lengths[b[0]] == 500}
    short_sizes = [len(b) for b in batches if lengths[b[0]] == 40]
    assert max(long_sizes) < max(short_sizes) <= MAX_BATCH
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))


def registry_for(tiny_models, langs=("de", "en"), forced=False, **generation):
    from summarise.lengths import MODEL_STOPS, ForcedLengths
    from summarise.models import ModelRegistry

    settings = Settings(summariser=str(tiny_models["mt5"]),
                        translators={"de-en": str(tiny_models["marian-de-en"]),
                                     "en-de": str(tiny_models["marian-en-de"])},
                        langs=langs, lengths=("short",),
                        generation=Generation(dtype="fp32", **generation))
    return ModelRegistry(settings, lengths=ForcedLengths() if forced else MODEL_STOPS)


def test_inputs_are_padded_to_the_longest_in_their_batch_never_to_the_window(tiny_models):
    registry = registry_for(tiny_models, batch_size=2)
    summariser = registry.summariser()
    seen: list[tuple[int, int]] = []
    hook = summariser.loaded.model.get_encoder().register_forward_pre_hook(
        lambda module, args, kwargs: seen.append(tuple(kwargs["input_ids"].shape)),
        with_kwargs=True)
    texts = texts_of([8, 60, 12, 55])
    try:
        summariser.summarise(texts, "de", [PRESETS["short"]])
    finally:
        hook.remove()
    counts = summariser.count_tokens(texts)
    assert seen == [(2, max(counts[1], counts[3])), (2, max(counts[0], counts[2]))]
    assert max(width for _, width in seen) < summariser.max_input_tokens


@pytest.mark.parametrize("forced", [False, True])
def test_batched_summaries_equal_one_document_at_a_time(tiny_models, forced):
    texts = texts_of([15, 70, 30, 45, 5])
    presets = [PRESETS["short"], PRESETS["medium"]]
    batched = registry_for(tiny_models, forced=forced).summariser()
    single = registry_for(tiny_models, forced=forced, batch_size=1).summariser()
    together = batched.summarise(texts, "de", presets)
    alone = [single.summarise([text], "de", presets)[0] for text in texts]
    assert [[g.ids for g in row] for row in together] == [[g.ids for g in row] for row in alone]
    assert all(g.ids for row in together for g in row)
    if forced:  # no early end: a medium summary is longer than a short one
        assert all(len(medium.ids) > len(short.ids) for short, medium in together)


@pytest.mark.parametrize("forced", [False, True])
def test_batched_translation_equals_one_text_at_a_time(tiny_models, forced):
    texts = texts_of([6, 40, 18, 25])
    batched = registry_for(tiny_models, forced=forced).translator("de", "en")
    single = registry_for(tiny_models, forced=forced, batch_size=1).translator("de", "en")
    spends = [batched.budget(n) for n in batched._count(texts)]
    keep = [spend.max_new_tokens if spend.exact else None for spend in spends]
    together = batched.generate(texts, "de", "en", 120, keep)
    alone = [single.generate([text], "de", "en", 120, [cap])[0]
             for text, cap in zip(texts, keep, strict=True)]
    assert [g.ids for g in together] == [g.ids for g in alone]
    if forced:  # each its own forced length, not the longest of its batch
        assert len({len(g.ids) for g in together}) > 1


@pytest.mark.parametrize(("langs", "loaded"), [
    (("de",), {"mt5"}),
    (("de", "en"), {"mt5", "marian-de-en"}),
])
def test_models_that_are_not_needed_are_not_loaded(tiny_models, langs, loaded):
    from summarise import Document, Pipeline

    registry = registry_for(tiny_models, langs)
    Pipeline(registry.settings, registry).run([Document("a", "-", texts_of([40])[0], "de")])
    names = {name for name, path in tiny_models.items() if str(path) in registry.loaded_names()}
    assert names == loaded


def test_int8_quantisation_replaces_linear_layers_and_still_summarises(tiny_models):
    import torch

    registry = registry_for(tiny_models, quantize="int8")
    summariser = registry.summariser()
    layers = [m for m in summariser.loaded.model.modules() if type(m) is torch.nn.Linear]
    assert not layers  # every Linear became a dynamically quantised one
    [row] = summariser.summarise(texts_of([40]), "de", [PRESETS["short"]])
    assert row[0].text.strip()
    assert registry.manifest()[str(tiny_models["mt5"])]["dtype"] == "int8-dynamic"


def mapped(folder) -> bool:
    """Whether this process maps a file of ``folder`` (the safetensors weights)."""
    with open("/proc/self/maps", encoding="utf-8") as maps:
        return any(str(folder) in line for line in maps)


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="Linux /proc only")
@pytest.mark.parametrize("name", ["mt5", "marian-de-en"])
def test_int8_models_let_go_of_the_fp32_file_and_write_the_same(tiny_models, tmp_path, name):
    """Quantising reads every page of the memory-mapped fp32 file; a float tensor left
    viewing it would keep the whole file in memory beside the int8 weights."""
    import gc
    import shutil
    import warnings

    import torch
    from summarise.models.hub import ModelRef
    from summarise.models.runtime import load
    from torch.ao.quantization import quantize_dynamic
    from transformers import AutoModelForSeq2SeqLM

    folder = shutil.copytree(tiny_models[name], tmp_path / name)  # a file no other test maps
    plain = AutoModelForSeq2SeqLM.from_pretrained(folder, dtype=torch.float32).eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quantize_dynamic(plain, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
    assert mapped(folder)  # the check can fail: quantised in place, the rest views the file
    int8 = load(ModelRef(name, folder, None), Generation(quantize="int8"))
    inputs = int8.tokenizer(texts_of([30]), return_tensors="pt")
    expected = plain.generate(**inputs, max_new_tokens=12, do_sample=False)
    del plain
    gc.collect()
    assert not mapped(folder)
    model = int8.model
    shared = model.get_input_embeddings().weight
    assert model.get_encoder().embed_tokens.weight is shared  # ties kept
    assert model.get_decoder().embed_tokens.weight is shared
    assert torch.equal(model.generate(**inputs, max_new_tokens=12, do_sample=False), expected)


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="Linux /proc only")
@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_a_copy_of_a_mapped_tensor_is_equal_and_its_own(tmp_path, dtype):
    import torch
    from safetensors import safe_open
    from safetensors.torch import save_file
    from summarise.models.unmap import copy_of, file_mappings

    torch.manual_seed(0)
    save_file({"a": torch.randn(700, 300).to(getattr(torch, dtype)),
               "b": torch.randn(5, 3)}, tmp_path / "w.safetensors")
    with safe_open(tmp_path / "w.safetensors", "pt") as weights:
        viewed = weights.get_tensor("a")
    mappings = file_mappings()
    assert any(m.start <= viewed.data_ptr() < m.end for m in mappings)  # it is a view
    copy = copy_of(viewed, mappings)
    assert torch.equal(copy, viewed) and copy.dtype == viewed.dtype
    assert not any(m.start <= copy.data_ptr() < m.end for m in file_mappings())
    assert copy_of(copy, mappings) is copy  # memory of its own already: left as it is
