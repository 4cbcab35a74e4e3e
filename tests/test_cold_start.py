"""Cold start: the command line answers help and usage errors without importing torch or
transformers (about 6 s and 340 MB on a small machine), and models load in the background
while the documents are read."""

from __future__ import annotations

import pytest
from probes import modules_after

HEAVY = ("torch", "transformers", "ctranslate2")


def heavy_modules_after(*args: str) -> tuple[int, list[str]]:
    code, loaded, _ = modules_after(HEAVY, *args)
    # "torch" also matches "torchvision"-like names: keep the libraries themselves
    return code, sorted({m.split(".")[0] for m in loaded} & set(HEAVY))


@pytest.mark.parametrize("args", [("--help",), ("run", "--help"), ("eval", "--help"),
                                  ("models", "--help")])
def test_help_imports_no_model_library(args):
    code, heavy = heavy_modules_after(*args)
    assert code == 0
    assert heavy == []


def test_usage_error_imports_no_model_library(tmp_path):
    document = tmp_path / "a.txt"
    document.write_text("Ein Satz. " * 20, encoding="utf-8")
    code, heavy = heavy_modules_after(str(document), "--format", "yaml")
    assert code == 2
    assert heavy == []


class FakeRegistry:
    """Records what the pipeline asks to have loaded ahead of time."""

    def __init__(self):
        self.asked: list = []

    def prefetch_summariser(self):
        self.asked.append("summariser")

    def prefetch_translators(self, directions):
        self.asked.append(("translators", tuple(directions)))


def test_models_start_loading_before_the_first_batch_runs(tmp_path):
    from summarise import Settings
    from summarise.job import summarise_sources
    from summarise.pipeline import Pipeline
    from summarise.reading import find_sources

    (tmp_path / "a.txt").write_text("Das ist ein Satz über Bäume. " * 10, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Das ist ein Satz über Häuser. " * 10, encoding="utf-8")
    registry = FakeRegistry()
    pipeline = Pipeline(Settings(langs=("de", "en"), source_lang="de"), registry)
    seen = []

    def run(documents):
        seen.append(list(registry.asked))
        return []

    pipeline.run = run
    skip_first = lambda document: document.source.endswith("a.txt")  # noqa: E731
    list(summarise_sources(pipeline, find_sources([tmp_path]), skip=skip_first))
    # The summariser was asked for once (at b.txt, the first document to do, not at the
    # skipped a.txt), and the de->en translator before the batch ran.
    assert seen == [["summariser", ("translators", (("de", "en"),))]]


def test_nothing_loads_when_every_document_is_up_to_date(tmp_path):
    from summarise import Settings
    from summarise.job import summarise_sources
    from summarise.pipeline import Pipeline, Skipped
    from summarise.reading import find_sources

    (tmp_path / "a.txt").write_text("Das ist ein Satz über Bäume. " * 10, encoding="utf-8")
    registry = FakeRegistry()
    pipeline = Pipeline(Settings(langs=("de",), source_lang="de"), registry)
    items = list(summarise_sources(pipeline, find_sources([tmp_path]), skip=lambda d: True))
    assert [type(i) for i in items] == [Skipped]
    assert registry.asked == []


def test_a_prefetched_model_runs_with_the_requested_threads(tiny_models):
    """torch keeps the thread count per thread: the model loaded in the background must
    still run with --threads in the thread that calls it."""
    import torch
    from summarise import Settings
    from summarise.config import Generation
    from summarise.models import ModelRegistry

    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        settings = Settings(summariser=str(tiny_models["mt5"]),
                            translators={"de-en": str(tiny_models["marian-de-en"])},
                            generation=Generation(threads=1, dtype="fp32"))
        registry = ModelRegistry(settings)
        registry.prefetch_summariser()
        registry.prefetch_translators([("de", "en")])
        summariser = registry.summariser()
        assert torch.get_num_threads() == 1
        assert not torch.is_grad_enabled()
        assert registry.translator("de", "en") is not None
        assert sorted(registry.loaded_names()) == sorted(
            [str(tiny_models["mt5"]), str(tiny_models["marian-de-en"])])
        assert summariser.count_tokens(["Ein Satz."])[0] > 0
    finally:
        torch.set_num_threads(before)
        torch.set_grad_enabled(True)
