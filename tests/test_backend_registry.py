"""The backend registry: a backend registered under a new name is accepted by the flag and
the config file, its engine is what loads and wraps the models, and the kinds it declares
are the kinds it is allowed to run."""

from __future__ import annotations

import json

import pytest
from conftest import SEED


class CountingEngine:
    """A toy engine: torch's, counting what the registry asks of it."""

    def __init__(self):
        from summarise.models import torch_engine

        self.torch = torch_engine
        self.calls: list[str] = []

    def load_model(self, ref, settings, notify=None):
        self.calls.append("load")
        return self.torch.load_model(ref, settings, notify)

    def summariser(self, loaded, settings, kind, lengths):
        self.calls.append(f"summariser:{kind}")
        return self.torch.summariser(loaded, settings, kind, lengths)

    def translator(self, loaded, generation, lengths):
        self.calls.append("translator")
        return self.torch.translator(loaded, generation, lengths)


@pytest.fixture
def toy(monkeypatch):
    from summarise.backends import BACKENDS, Backend

    engine = CountingEngine()
    backend = Backend("toy", engine, kinds=("seq2seq",), help=" (a test's)")
    monkeypatch.setitem(BACKENDS, backend.name, backend)
    return engine


def test_a_registered_backend_runs_the_cli_through_its_engine(cli, model_args, toy, tmp_path):
    out = tmp_path / "out"
    result = cli(SEED, "--backend", "toy", "--lang", "de", "--lang", "en", "--out", out,
                 *model_args)
    assert result.exit_code == 0, result.output
    # the summariser and one translator (the seed is German) were loaded by the toy engine
    assert toy.calls.count("load") == 2
    assert toy.calls.count("summariser:seq2seq") == 1
    assert toy.calls.count("translator") == 1
    doc = json.loads((out / f"{SEED.stem}.json").read_text())
    assert {s["lang"] for s in doc["summaries"]} == {"de", "en"}


def test_a_registered_backend_is_a_valid_config_value_and_an_unknown_one_lists_it(toy):
    from summarise.config_schema import check_config

    assert check_config({"generation": {"backend": "toy"}}) == []
    problems = check_config({"generation": {"backend": "onnx"}})
    assert len(problems) == 1
    assert "toy" in problems[0] and "torch" in problems[0]


def test_an_unknown_backend_flag_names_the_registered_ones(cli, model_args, toy):
    result = cli(SEED, *model_args, "--backend", "onnx")
    assert result.exit_code == 2
    assert "--backend 'onnx'" in result.output
    assert "toy" in result.output


def test_a_backend_refuses_a_kind_it_does_not_declare_before_loading(cli, tiny_models, toy):
    result = cli(SEED, "--backend", "toy", "--summariser", str(tiny_models["qwen2"]),
                 "--lang", "de", "--dtype", "fp32")
    assert result.exit_code == 2
    assert "--backend toy runs seq2seq summarisers only" in result.output
    assert "load" not in toy.calls


def test_registering_a_taken_name_is_refused():
    from summarise.backends import TORCH, Backend, register

    with pytest.raises(ValueError, match="already registered"):
        register(Backend(TORCH, ".models.torch_engine"))


def test_the_backend_help_lists_every_registered_backend():
    from summarise.backends import BACKENDS, backends_help

    help_text = backends_help()
    assert all(name in help_text for name in BACKENDS)
