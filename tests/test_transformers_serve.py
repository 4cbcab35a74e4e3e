"""--backend openai against a real OpenAI-compatible server: transformers' own
``transformers serve`` (extra ``summarise[serving]``) started on loopback with the tiny
random Qwen2 chat model (gibberish: these tests check mechanics, never quality). The
issue's check: a folder summarised in both languages; the server killed mid-run leaves
failure rows (exit 1, no traceback); restarted, the same command completes the rest."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openai_fake import CountingProxy
from test_server_backend import ENGLISH, GERMAN, closed_port

SERVING = ("fastapi", "uvicorn", "openai")
missing = [name for name in SERVING if importlib.util.find_spec(name) is None]
pytestmark = [
    pytest.mark.extras,
    pytest.mark.skipif(bool(missing), reason=f"transformers serve needs {', '.join(missing)}: "
                       "pip install -c constraints.txt -e '.[serving]'"),
]
CONFIG = '[lengths]\nshort = { words = 4, sentences = 1 }\n'


class Served:
    """``transformers serve MODEL`` on 127.0.0.1:port, started and stopped by the test."""

    def __init__(self, model: Path, port: int, log: Path):
        self.model, self.port, self.log = model, port, log
        self.url = f"http://127.0.0.1:{port}/v1"
        self.process: subprocess.Popen | None = None

    def start(self, wait: float = 120.0) -> None:
        import httpx2

        env = {**os.environ, "HF_HUB_OFFLINE": "1"}
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", "from transformers.cli.transformers import main; main()",
                 "serve", str(self.model), "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"transformers serve exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx2.get(f"{self.url}/models", timeout=1.0).status_code == 200:
                    return
            except httpx2.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError("transformers serve did not start in time")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


@pytest.fixture
def served(tiny_models, tmp_path):
    server = Served(tiny_models["qwen2"], closed_port(), tmp_path / "serve.log")
    server.start()
    yield server
    server.kill()


def summarise(docs: Path, server: Served, out: Path, *extra: str, cwd: Path, url=None):
    command = [sys.executable, "-m", "summarise", str(docs), "-l", "de", "-l", "en",
               "--length", "short", "--backend", "openai", "--api-base", url or server.url,
               "--summariser", str(server.model), "--strategy", "direct",
               "--context-window", "2048", "--out", str(out), *extra]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OPENAI_API_KEY": "sk-serve-test-5e1f"}
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_folder_in_both_languages_server_killed_then_restarted(served, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    names = [f"{lang}{i}" for lang in ("de", "en") for i in range(3)]
    for name in names:
        (docs / f"{name}.txt").write_text(GERMAN if name.startswith("de") else ENGLISH,
                                          encoding="utf-8")
    (tmp_path / "summarise.toml").write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "out"
    args = ("--batch-docs", "1", "--concurrency", "1", "--retries", "1")

    run = summarise(docs, served, out, *args, cwd=tmp_path)
    deadline = time.monotonic() + 300
    while not any(p.stem in names for p in out.glob("*.json")) and run.poll() is None:
        assert time.monotonic() < deadline, "no document done in 300 s"
        time.sleep(0.1)
    served.kill()  # mid-run: the first document is written, the others are not
    stdout, stderr = run.communicate(timeout=300)
    assert run.returncode == 1, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    failed = {Path(f["source"]).stem for f in manifest["failures"]}
    done = {p.stem for p in out.glob("*.json")} & set(names)
    assert failed and done and failed | done == set(names)

    served.start()
    rerun = summarise(docs, served, out, *args, cwd=tmp_path)
    stdout, stderr = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, stderr
    for name in names:
        data = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        assert {s["lang"] for s in data["summaries"]} == {"de", "en"}
    assert f"{len(done)} up to date" in stderr  # resumed: the done ones were not redone
    for path in out.rglob("*"):
        assert "sk-serve-test-5e1f" not in path.read_text(encoding="utf-8", errors="replace")
    assert "sk-serve-test-5e1f" not in stdout + stderr


def test_wrong_model_id_refused_in_under_two_seconds(served, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(GERMAN, encoding="utf-8")
    started = time.perf_counter()
    refused = subprocess.run(
        [sys.executable, "-m", "summarise", str(docs), "--backend", "openai", "--api-base",
         served.url, "--summariser", "no/such-model", "--strategy", "direct", "--out",
         str(tmp_path / "out")], capture_output=True, text=True, cwd=tmp_path,
        env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert refused.returncode == 2
    lines = [line for line in refused.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "serves no such model" in lines[0], refused.stderr
    # the check itself (the process start and imports aside) is a second at most
    assert time.perf_counter() - started < 2.0 + startup_seconds(tmp_path)


def startup_seconds(cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "summarise", "--version"], capture_output=True,
                   cwd=cwd)
    return time.perf_counter() - started


def test_requests_overlap_at_the_server(served, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(3):
        (docs / f"de{i}.txt").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "summarise.toml").write_text(CONFIG, encoding="utf-8")
    proxy = CountingProxy(served.url)
    try:
        run = summarise(docs, served, tmp_path / "out", "--concurrency", "3", cwd=tmp_path,
                        url=proxy.url)
        stdout, stderr = run.communicate(timeout=600)
        assert run.returncode == 0, stderr
        assert proxy.most_in_flight == 3  # 3 documents x 1 length per step: all at once
    finally:
        proxy.stop()
