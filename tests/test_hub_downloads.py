"""Downloads from a hub laid out as the real one (``hub_mirrors``), served on loopback.

These tests unset HF_HUB_OFFLINE for their subprocesses and point HF_ENDPOINT at the
loopback server; HF_HOME is a fresh folder each time, so every model is really downloaded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import hub_mirrors as mirrors
import pytest
from conftest import CORPUS, ROOT
from hubserver import Commit, HubServer, Repo, fake_sha
from summarise.config import DEFAULT_SUMMARISER, DEFAULT_TRANSLATORS, MODEL_PRESETS

TITLE = mirrors.CONVERSION_TITLE
PICKLE_ONLY = "someone/pickle-only"
CONVERTED = "someone/pickle-converted"
LOOKALIKES = "someone/pickle-lookalike-prs"


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    from summarise import devmodels as dm

    root = tmp_path_factory.mktemp("hub-models")
    return {"mt5": dm.build_mt5(root / "mt5", CORPUS),
            "marian": dm.build_marian(root / "marian", CORPUS),
            "bart": dm.build_bart(root / "bart", CORPUS),
            "qwen2": dm.build_qwen2(root / "qwen2", CORPUS)}


def pickle_repos(marian: Path) -> dict[str, Repo]:
    """Unpinned repos whose main holds only pytorch_model.bin: without a conversion, with
    the bot's conversion on main's head, and with conversions not to trust (another
    author's look-alike, the bot's on an older main)."""
    files = {**mirrors.read(marian, "config.json", "source.spm", "target.spm",
                            "tokenizer_config.json", "vocab.json"),
             "pytorch_model.bin": mirrors.pickled(marian)}
    converted = {**files, **mirrors.read(marian, "model.safetensors")}
    repos = {}
    for name in (PICKLE_ONLY, CONVERTED, LOOKALIKES):
        repo = Repo()
        old = repo.add(Commit(fake_sha(f"{name} old"), files))
        repo.add(Commit(fake_sha(f"{name} main"), files, parent=old.sha), "main")
        repos[name] = repo
    repos[CONVERTED].pull_request(1, Commit(fake_sha("converted pr"), converted,
                                            parent=fake_sha(f"{CONVERTED} main")),
                                  "SFconvertbot", TITLE)
    lookalikes = repos[LOOKALIKES]
    lookalikes.pull_request(1, Commit(fake_sha("by someone else"), converted,
                                      parent=fake_sha(f"{LOOKALIKES} main")), "mallory", TITLE)
    lookalikes.pull_request(2, Commit(fake_sha("on an old main"), converted,
                                      parent=fake_sha(f"{LOOKALIKES} old")), "SFconvertbot", TITLE)
    return repos


@pytest.fixture(scope="module")
def hub(builds):
    repos = mirrors.real_layouts(builds) | pickle_repos(builds["marian"])
    with HubServer(repos) as server:
        yield server


def run(hub: HubServer, home: Path, *args: str, cwd: Path | None = None,
        offline: bool = False) -> subprocess.CompletedProcess:
    """``summarise ARGS`` in a subprocess online against ``hub`` (HF_HOME=home)."""
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
    env.update(HF_ENDPOINT=hub.url, HF_HOME=str(home), HF_HUB_DISABLE_PROGRESS_BARS="1")
    if offline:
        env["HF_HUB_OFFLINE"] = "1"
    return subprocess.run([sys.executable, "-m", "summarise", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=900)


def snapshots(home: Path, name: str) -> list[str]:
    folder = home / "hub" / f"models--{name.replace('/', '--')}" / "snapshots"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


@pytest.mark.slow
def test_the_readme_first_command_runs_on_the_pinned_safetensors_commits(hub, tmp_path):
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    home = tmp_path / "hf"
    first = run(hub, home, "seeds/", "--lang", "en", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "en · short" in first.stdout and "en · long" in first.stdout
    assert not [f for f in hub.downloaded() if f.endswith(".bin")]  # no pickle fetched
    # The models a German source needs came from their pinned commits, without searching
    # for a conversion: opus-mt's main holds only pickle weights, so an unpinned fetch would.
    for name in (DEFAULT_SUMMARISER, DEFAULT_TRANSLATORS["de-en"]):
        assert snapshots(home, name) == [mirrors.REAL_COMMITS[name]]
    assert not [r for r in hub.requests if r.endswith("/discussions")]
    assert "conversion" not in first.stderr

    # The same models offline, and run.json records the commits they came from.
    again = run(hub, home, "seeds/", "--lang", "en", "--length", "short", "--out", "out",
                cwd=tmp_path, offline=True)
    assert again.returncode == 0, again.stderr
    models = json.loads((tmp_path / "out" / "run.json").read_text())["models"]
    used = {name: models[name]["revision"] for name in models}
    de_en = DEFAULT_TRANSLATORS["de-en"]
    assert used == {DEFAULT_SUMMARISER: mirrors.REAL_COMMITS[DEFAULT_SUMMARISER],
                    de_en: mirrors.REAL_COMMITS[de_en]}


def test_models_pull_fetches_every_preset_model_at_its_pin(hub, tmp_path):
    names = sorted({p["summariser"] for p in MODEL_PRESETS.values()}
                   | {m for p in MODEL_PRESETS.values() for m in p.get("translators", {}).values()})
    result = run(hub, tmp_path / "hf", "models", "pull", *names)
    assert result.returncode == 0, result.stderr
    for name in names:
        commit = mirrors.REAL_COMMITS[name]
        assert snapshots(tmp_path / "hf", name) == [commit]
        line = next(x for x in error_lines(result) if x.startswith(f"{name}: "))
        assert f"commit {commit}" in line and " MB of weights" in line
    assert not [f for f in hub.downloaded() if f.endswith((".bin", ".h5", ".ot"))]


def test_models_pull_offline_stops_with_one_line(hub, tmp_path):
    result = run(hub, tmp_path / "hf", "models", "pull", offline=True)
    assert result.returncode == 1
    assert len(error_lines(result)) == 1
    assert "HF_HUB_OFFLINE" in result.stderr


def test_a_pickle_only_model_without_conversion_is_refused_in_one_line(hub, tmp_path):
    for name in (PICKLE_ONLY, LOOKALIKES):  # look-alike or stale conversions do not count
        result = run(hub, tmp_path / "hf", "models", "pull", name)
        assert result.returncode == 1
        lines = error_lines(result)
        assert len(lines) == 1 and "--allow-pickle" in lines[0] and name in lines[0]
        assert snapshots(tmp_path / "hf", name) == []


def test_the_conversion_pull_request_is_used_and_said_once(hub, tmp_path):
    result = run(hub, tmp_path / "hf", "models", "pull", CONVERTED)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("refs/pr/1") == 1
    assert snapshots(tmp_path / "hf", CONVERTED) == [fake_sha("converted pr")]
    folder = tmp_path / "hf" / "hub" / "models--someone--pickle-converted" / "snapshots"
    assert not list(folder.glob("*/*.bin"))


def test_allow_pickle_downloads_the_pickle_of_main(hub, tmp_path):
    result = run(hub, tmp_path / "hf", "models", "pull", PICKLE_ONLY, "--allow-pickle")
    assert result.returncode == 0, result.stderr
    [commit] = snapshots(tmp_path / "hf", PICKLE_ONLY)
    assert commit == fake_sha(f"{PICKLE_ONLY} main")
    assert "pytorch_model.bin" in hub.downloaded()


def test_a_user_pin_is_fetched_and_a_missing_revision_named(hub, tmp_path):
    ok = run(hub, tmp_path / "hf", "models", "pull", f"{CONVERTED}@refs/pr/1")
    assert ok.returncode == 0, ok.stderr
    assert snapshots(tmp_path / "hf", CONVERTED) == [fake_sha("converted pr")]
    missing = run(hub, tmp_path / "hf", "models", "pull", f"{DEFAULT_SUMMARISER}@{'0' * 40}")
    assert missing.returncode == 1
    lines = error_lines(missing)
    assert len(lines) == 1 and "has no revision" in lines[0]
