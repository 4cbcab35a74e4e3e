"""A batch killed with SIGKILL resumes: every document done once, every file valid."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import SEED

DOCS = 40


def run_args(model_args, src, out) -> list[str]:
    return [sys.executable, "-m", "summarise", str(src), "--lang", "de", "--length", "short",
            "--out", str(out), *map(str, model_args[:2]), "--dtype", "fp32"]


def outputs(out) -> list:
    return sorted(p for p in out.glob("*.json") if p.name != "run.json")


def test_sigkill_mid_batch_then_resume(model_args, tmp_path):
    sentences = SEED.read_text(encoding="utf-8").split(". ")
    src = tmp_path / "docs"
    src.mkdir()
    for i in range(DOCS):
        text = ". ".join(sentences[i % 5: i % 5 + 6]) + f". Meldung Nummer {i}."
        (src / f"doc{i:02d}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(run_args(model_args, src, out), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while not outputs(out) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = len(outputs(out))
    assert 0 < done_before < DOCS, "the kill should land between batches"

    rerun = subprocess.run(run_args(model_args, src, out), env=env, capture_output=True,
                           text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{DOCS - done_before} summarised, {done_before} up to date" in rerun.stderr
    files = outputs(out)
    assert len(files) == DOCS
    for path in files:
        assert json.loads(path.read_text())["summaries"][0]["text"]
    assert not list(out.glob(".*.tmp"))
    manifest = json.loads((out / "run.json").read_text())
    assert len(manifest["documents"]) == DOCS

    third = subprocess.run(run_args(model_args, src, out), env=env, capture_output=True,
                           text=True, timeout=300)
    assert third.returncode == 0
    assert f"0 summarised, {DOCS} up to date" in third.stderr


@pytest.mark.slow
def test_sigterm_in_the_first_batch_stops_after_it_and_a_rerun_does_the_rest(model_args,
                                                                             tmp_path):
    """The issue's case as a user meets it: 40 documents in batches of 16, SIGTERM while
    the first batch runs (its progress line says so) -> exit 143 with that batch written
    and nothing more, run.json ``interrupted``; the same command then does the rest."""
    src = tmp_path / "docs"
    src.mkdir()
    sentences = SEED.read_text(encoding="utf-8").split(". ")
    for i in range(DOCS):
        (src / f"doc{i:02d}.txt").write_text(". ".join(sentences[i % 5: i % 5 + 6])
                                             + f". Meldung Nummer {i}.", encoding="utf-8")
    out = tmp_path / "out"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    args = [*run_args(model_args, src, out), "--batch-docs", "16"]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    seen = []
    for line in proc.stderr:  # the first batch's first step has begun
        seen.append(line)
        if "16 document(s) in de, step 1 of" in line:
            assert json.loads((out / "run.json").read_text())["status"] == "running"
            proc.send_signal(signal.SIGTERM)
            break
    _, rest = proc.communicate(timeout=240)
    stderr = "".join(seen) + rest
    assert proc.returncode == 143, stderr
    assert "stopping after the current batch (send SIGTERM again to stop now)" in stderr
    assert "run the same command again to resume" in stderr
    assert "Traceback" not in stderr
    assert len(outputs(out)) == 16
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["status"] == "interrupted"
    assert len(manifest["documents"]) == 16
    assert not (out / ".summarise.lock").exists()

    rerun = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{DOCS - 16} summarised, 16 up to date" in rerun.stderr
    assert len(outputs(out)) == DOCS
