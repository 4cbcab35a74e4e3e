"""A broken model is the run's error, never the documents'.

A model that is damaged, unreadable or of the wrong kind for its role ends the run with
one line naming the flag that chose it (exit 2): found before any weights load where
its files show it, at load otherwise. No document is reported as failed for it, and
the process ends cleanly however far the background loading had got (no abort at exit).
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from conftest import SEED
from test_preflight import FAST, error_lines, summarise

NOT_THE_DOCUMENTS = ("could not be summarised", "please report", "failed:")


def _copy(model: Path, to: Path) -> Path:
    shutil.copytree(model, to)
    return to


def corrupt_weights(model: Path, to: Path) -> Path:
    """``head -c 1000 /dev/urandom > model.safetensors``, with bytes that repeat."""
    broken = _copy(model, to)
    (broken / "model.safetensors").write_bytes(random.Random(0).randbytes(1000))
    return broken


def config_not_json(model: Path, to: Path) -> Path:
    broken = _copy(model, to)
    (broken / "config.json").write_text('{"model_type": "mt5", oops', encoding="utf-8")
    return broken


def tokenizer_config_not_json(model: Path, to: Path) -> Path:
    broken = _copy(model, to)
    (broken / "tokenizer_config.json").write_text("not json at all", encoding="utf-8")
    return broken


def weights_of_another_shape(model: Path, to: Path) -> Path:
    """A whole, readable safetensors file whose embedding has lost rows: nothing but
    loading it can tell (as with weights saved for another size of the model)."""
    from safetensors.torch import load_file, save_file

    broken = _copy(model, to)
    tensors = load_file(broken / "model.safetensors")
    name = next(k for k in tensors if k.endswith("shared.weight"))
    tensors[name] = tensors[name][:-7].clone()
    save_file(tensors, broken / "model.safetensors", metadata={"format": "pt"})
    return broken


def german(tmp_path: Path) -> Path:
    text = tmp_path / "de.txt"
    text.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    return text


def _args(tiny_models, summariser: Path, de_en: Path | None = None) -> list:
    return ["--summariser", summariser,
            "--translator", f"de-en={de_en or tiny_models['marian-de-en']}",
            "--translator", f"en-de={tiny_models['marian-en-de']}",
            "--lang", "en", "--length", "short", "--dtype", "fp32"]


# (what is broken, role, the words of the one line); each is found before torch loads.
FOUND_FIRST = [
    (corrupt_weights, "mt5", "--summariser", "model.safetensors is not a readable "
                                             "safetensors file"),
    (config_not_json, "mt5", "--summariser", "config.json cannot be read as JSON"),
    (tokenizer_config_not_json, "mt5", "--summariser", "tokenizer_config.json cannot be read"),
    (corrupt_weights, "marian-de-en", "--translator de-en=", "model.safetensors is not a "
                                                             "readable safetensors file"),
    (_copy, "marian-de-en", "--summariser", "is a translation model (marian), not a "
                                            "summariser"),
    (_copy, "mt5", "--translator de-en=", "is not a translation model (mt5"),
]


@pytest.mark.parametrize(("damage", "model", "flag", "words"), FOUND_FIRST,
                         ids=["corrupt-weights", "config-not-json", "tokenizer-config-not-json",
                              "corrupt-translator", "translator-as-summariser",
                              "summariser-as-translator"])
def test_a_broken_or_misplaced_model_is_one_line_before_any_model_loads(
        tiny_models, tmp_path, damage, model, flag, words):
    broken = damage(tiny_models[model], tmp_path / "broken")
    if flag == "--summariser":
        args = _args(tiny_models, broken)
    else:
        args = _args(tiny_models, tiny_models["mt5"], de_en=broken)
    out = tmp_path / "out"
    proc, seconds = summarise(german(tmp_path), *args, "--out", out)
    assert proc.returncode == 2, proc.stderr
    [line] = error_lines(proc.stderr)
    assert line.startswith(f"error: {flag}{'' if flag.endswith('=') else ' '}{broken}"), line
    assert words in line, line
    assert "chat template" not in line  # a config that is not JSON is not a chat model
    assert seconds < FAST and not proc.loaded_torch
    assert not any(words in proc.stderr for words in NOT_THE_DOCUMENTS)
    assert not list(out.glob("*.json"))  # nothing summarised, not even a run record


def test_weights_that_fail_to_load_end_the_run_with_one_line_every_time(tiny_models,
                                                                        tmp_path):
    """The summariser loads in the background thread, the translators queued behind it;
    its failure is one exit-2 line, not a failure per document, and the process ends
    cleanly (before, it aborted at exit with 134 when a translator was still loading)."""
    broken = weights_of_another_shape(tiny_models["mt5"], tmp_path / "broken")
    docs = tmp_path / "docs"
    docs.mkdir()
    for number in range(3):
        (docs / f"de{number}.txt").write_text(SEED.read_text(encoding="utf-8"),
                                              encoding="utf-8")
    for attempt in range(5):
        out = tmp_path / f"out{attempt}"
        proc, _ = summarise(docs, *_args(tiny_models, broken), "--out", out, timeout=600)
        assert proc.returncode == 2, (attempt, proc.returncode, proc.stderr)
        [line] = [x for x in error_lines(proc.stderr) if x.startswith("error:")]
        assert line.startswith(f"error: --summariser {broken}: the model could not be "
                               "loaded ("), line
        assert "terminate called" not in proc.stderr
        assert not any(words in proc.stderr for words in NOT_THE_DOCUMENTS), proc.stderr
        record = json.loads((out / "run.json").read_text(encoding="utf-8")) \
            if (out / "run.json").exists() else {}
        assert not record.get("failures") and not record.get("documents"), record


def test_a_translator_that_fails_to_load_names_its_direction(cli, tiny_models, tmp_path):
    broken = weights_of_another_shape(tiny_models["marian-de-en"], tmp_path / "broken")
    # The embedding of a Marian model is "model.shared.weight" too.
    result = cli(german(tmp_path), *_args(tiny_models, tiny_models["mt5"], de_en=broken),
                 "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert f"--translator de-en={broken}: the model could not be loaded (" in result.stderr
    assert "weights of other shapes than its config.json says" in result.stderr
    assert not any(words in result.output for words in NOT_THE_DOCUMENTS), result.output


# The cause of exit 134: a thread still inside torch's native code (which runs without
# the GIL) when the interpreter exits is torn down there, and the C++ runtime aborts
# ("terminate called without an active exception"). The prefetch thread was a daemon,
# so a run that ended early (a summariser that failed to load) left it loading the
# translators. Here a load that keeps torch busy stands in for from_pretrained.
EXIT_WHILE_LOADING = """
import sys, time
import torch
import summarise.models.runtime as runtime
from summarise.config import Settings
from summarise.models import ModelRegistry

def busy_load(ref, generation, allow_pickle=False):
    square = torch.randn(400, 400)
    for _ in range(150):
        square @ square
    print("loaded", ref.path.name, flush=True)
    return ref.name

runtime.load = busy_load
first, second = sys.argv[1:3]
registry = ModelRegistry(Settings(translators={"de-en": first, "en-de": second}))
registry.prefetch([first, second])
time.sleep(0.2)
print("main exits", flush=True)
"""


def test_exiting_while_a_model_loads_in_the_background_does_not_abort(tiny_models):
    import os
    import subprocess
    import sys

    names = [tiny_models["marian-de-en"], tiny_models["marian-en-de"]]
    proc = subprocess.run([sys.executable, "-c", EXIT_WHILE_LOADING, *map(str, names)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-500:])
    assert "terminate called" not in proc.stderr
    # The exit waited for the loads asked for (with the daemon thread: 134, 3 of 3 here).
    assert sorted(proc.stdout.splitlines()) == ["loaded marian-de-en", "loaded marian-en-de",
                                                "main exits"], proc.stdout


def test_loads_dropped_from_the_queue_load_when_they_are_needed(tiny_models, monkeypatch):
    import threading

    import summarise.models.runtime as runtime
    from summarise.config import Settings
    from summarise.models import ModelRegistry

    first, second = str(tiny_models["marian-de-en"]), str(tiny_models["marian-en-de"])
    started, release, loaded = threading.Event(), threading.Event(), []

    def held_load(ref, generation, allow_pickle=False):
        started.set()
        release.wait(60)
        loaded.append(ref.name)
        return ref.name

    monkeypatch.setattr(runtime, "load", held_load)
    registry = ModelRegistry(Settings(translators={"de-en": first, "en-de": second}))
    registry.prefetch([first, second])
    assert started.wait(60)
    registry.stop_prefetching()  # second is dropped; first is loading and finishes
    release.set()
    assert registry._load(first) == first
    assert registry._load(second) == second  # loaded now, in this thread
    assert loaded == [first, second]
    assert registry.loaded_names() == [first, second]
