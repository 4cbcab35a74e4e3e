"""Shared fixtures: tiny random-weight models built offline once per test session.

Random weights write gibberish, so tests check mechanics (languages routed, lengths,
files, errors), never quality.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
# Tests run in parallel workers on 2 cores: one torch thread each avoids oversubscription.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
CORPUS = DATA / "corpus_de_en.txt"
SEED = ROOT / "seeds" / "000_c2962fba0a84f7c9.txt"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> dict[str, Path]:
    """Paths of tiny models: mt5 (summariser; mt5-128 with a 128-token window), bart,
    marian de-en / en-de, qwen2 (chat), and marian64 translators (64-position window)."""
    from dataclasses import replace

    from summarise import devmodels as dm

    root = tmp_path_factory.mktemp("models")
    narrow = replace(dm.TINY, max_positions=64)
    return {
        "mt5": dm.build_mt5(root / "mt5", CORPUS),
        "mt5-128": dm.build_mt5(root / "mt5-128", CORPUS, replace(dm.TINY, max_positions=128)),
        "bart": dm.build_bart(root / "bart", CORPUS),
        "marian-de-en": dm.build_marian(root / "marian-de-en", CORPUS, seed=1),
        "marian-en-de": dm.build_marian(root / "marian-en-de", CORPUS, seed=2),
        "marian64-de-en": dm.build_marian(root / "marian64-de-en", CORPUS, narrow, seed=3),
        "marian64-en-de": dm.build_marian(root / "marian64-en-de", CORPUS, narrow, seed=4),
        "qwen2": dm.build_qwen2(root / "qwen2", CORPUS),
    }


@pytest.fixture(scope="session")
def trained_models() -> dict[str, Path]:
    """Paths of the trained tiny fixtures (summariser, de-en, en-de): they write lead
    sentences and word-for-word translations and stop, like real models. Trained once per
    machine into the user cache (a few minutes), then reused; ``SUMMARISE_TRAINED_FIXTURES``
    names a folder built with ``python -m summarise.devmodels trained`` instead."""
    from summarise.fixtures.cache import FIXTURES, trained_fixtures

    prebuilt = os.environ.get("SUMMARISE_TRAINED_FIXTURES")
    if prebuilt:
        return {name: Path(prebuilt) / name for name in FIXTURES}
    return trained_fixtures(CORPUS)


@pytest.fixture(scope="session")
def model_args(tiny_models) -> list[str]:
    """CLI flags that point a run at the tiny mT5 + Marian models."""
    return ["--summariser", str(tiny_models["mt5"]),
            "--translator", f"de-en={tiny_models['marian-de-en']}",
            "--translator", f"en-de={tiny_models['marian-en-de']}",
            "--dtype", "fp32"]


@pytest.fixture
def cli():
    """Invoke the real Typer app in-process; returns click's Result."""
    from summarise.app import app
    from typer.testing import CliRunner

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path, monkeypatch):
    """No user or project config file leaks into a test."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
