"""Pinned revisions in the package data, user pins, and pickle read by the weights-only
unpickler (offline; downloads are tested against a loopback hub in test_hub_downloads.py)."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest
from conftest import CORPUS
from summarise.config import DEFAULT_SUMMARISER, DEFAULT_TRANSLATORS, MODEL_PRESETS
from summarise.errors import ModelUnavailable
from summarise.models.hub import looks_like_path, resolve
from summarise.models.pins import pin_for, revision_for, split_revision


def named_models() -> set[str]:
    """Every model a default or a preset names."""
    names = {DEFAULT_SUMMARISER, *DEFAULT_TRANSLATORS.values()}
    for preset in MODEL_PRESETS.values():
        names |= {preset["summariser"], *preset.get("translators", {}).values()}
    return names


@pytest.mark.parametrize("name", sorted(named_models()))
def test_every_named_model_is_pinned_to_a_commit_with_its_sources(name):
    pin = pin_for(name)
    assert pin is not None, f"{name} has no pin in summarise.data/profiles.toml"
    assert re.fullmatch(r"[0-9a-f]{40}", pin.revision)
    assert pin.licence
    for source in (pin.revision_source, pin.licence_source):
        assert source.startswith(f"https://huggingface.co/{name}/")


def test_models_list_shows_each_default_with_its_pinned_revision(cli):
    rows = json.loads(cli("models", "list", "--json").stdout)
    defaults = (DEFAULT_SUMMARISER, *DEFAULT_TRANSLATORS.values())
    assert {row["model"]: row["revision"] for row in rows} == {
        name: pin_for(name).revision for name in defaults}
    plain = cli("models", "list").stdout
    assert pin_for(DEFAULT_SUMMARISER).revision in plain


def test_a_user_revision_wins_over_the_pin_and_unpinned_ids_mean_main():
    pinned = pin_for(DEFAULT_SUMMARISER).revision
    assert revision_for(DEFAULT_SUMMARISER) == (DEFAULT_SUMMARISER, pinned, True)
    assert revision_for(f"{DEFAULT_SUMMARISER}@refs/pr/2") == (DEFAULT_SUMMARISER, "refs/pr/2",
                                                                False)
    assert revision_for("someone/model") == ("someone/model", None, False)
    assert split_revision("someone/model@v1.0") == ("someone/model", "v1.0")


def test_hub_ids_with_dots_are_not_taken_for_folders():
    assert not looks_like_path("Qwen/Qwen2.5-1.5B-Instruct")
    assert not looks_like_path("Qwen/Qwen2.5-1.5B-Instruct@f73cfd5")
    assert looks_like_path("./models/x") and looks_like_path("models/a/b")
    with pytest.raises(ModelUnavailable, match="not in the local cache"):
        resolve("Qwen/Qwen2.5-1.5B-Instruct", download=False)


def test_a_pinned_revision_missing_offline_is_named_with_its_flag(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    with pytest.raises(ModelUnavailable) as err:
        resolve(f"{DEFAULT_SUMMARISER}@refs/pr/2", download=False)
    assert "not in the local cache" in str(err.value) and "models pull" in str(err.value)


@pytest.fixture(scope="module")
def marian(tmp_path_factory):
    from summarise import devmodels as dm

    return dm.build_marian(tmp_path_factory.mktemp("pickle") / "marian", CORPUS)


def pickle_folder(marian, tmp_path, payload):
    import torch

    folder = tmp_path / "model"
    shutil.copytree(marian, folder)
    (folder / "model.safetensors").unlink()
    torch.save(payload, folder / "pytorch_model.bin")
    return folder


class RunsCode:
    """Unpickling this would run a shell command (what a hostile pickle does)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_allow_pickle_reads_only_tensors_and_runs_nothing(marian, tmp_path):
    from safetensors.torch import load_file
    from summarise.config import Generation
    from summarise.models.hub import ModelRef
    from summarise.models.runtime import load

    weights = load_file(marian / "model.safetensors")
    benign = pickle_folder(marian, tmp_path / "benign", weights)
    loaded = load(ModelRef("benign", benign, None), Generation(dtype="fp32"), allow_pickle=True)
    state = loaded.model.state_dict()
    assert all(state[k].equal(v) for k, v in weights.items() if k in state)

    marker = tmp_path / "ran"
    hostile = pickle_folder(marian, tmp_path / "hostile", {**weights, "x": RunsCode(marker)})
    with pytest.raises(ModelUnavailable, match="weights-only unpickler refused"):
        load(ModelRef("hostile", hostile, None), Generation(dtype="fp32"), allow_pickle=True)
    assert not marker.exists()


def test_a_config_file_pin_reaches_the_model_lookup(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    (tmp_path / "summarise.toml").write_text(
        f'[models]\nsummariser = "{DEFAULT_SUMMARISER}@refs/pr/2"\n', encoding="utf-8")
    german = tmp_path / "de.txt"
    german.write_text("Der Rat hat am Montag den neuen Haushalt beschlossen.", encoding="utf-8")
    result = cli(german, "--lang", "de")
    assert result.exit_code == 2
    assert f"{DEFAULT_SUMMARISER}@refs/pr/2 is not in the local cache" in result.stderr
