"""Outputs others can read, leftovers cleaned, one run per --out, any file name."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys

import pytest
from conftest import SEED
from summarise.output import atomic_write
from summarise.runlock import LOCK_NAME

TEXT = SEED.read_text(encoding="utf-8")


def run_args(src, out, tiny_models, *extra):
    return (src, "--lang", "de", "--length", "short", "--out", out,
            "--summariser", tiny_models["mt5"], "--dtype", "fp32", *extra)


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_atomic_write_honours_the_umask(tmp_path, umask_022):
    atomic_write(tmp_path / "a.json", "{}")
    atomic_write(tmp_path / "b.png", b"\x89PNG")
    for name in ("a.json", "b.png"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644
    os.umask(0o077)
    atomic_write(tmp_path / "c.json", "{}")
    assert stat.S_IMODE((tmp_path / "c.json").stat().st_mode) == 0o600


def test_run_outputs_are_readable_by_others_and_leftovers_are_removed(cli, tiny_models,
                                                                      tmp_path, umask_022):
    src = tmp_path / "docs"
    src.mkdir()
    (src / "doc.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    stale = out / ".doc.json.k2j4h_x9.tmp"  # what a SIGKILL mid-write leaves
    stale.write_text("{half", encoding="utf-8")
    mine = out / ".notes.tmp"  # not a name our writer makes: kept
    mine.write_text("keep me", encoding="utf-8")
    result = cli(*run_args(src, out, tiny_models, "--format", "markdown"))
    assert result.exit_code == 0, result.output
    assert not stale.exists() and mine.exists()
    assert "removed 1 half-written file" in result.stderr
    for name in ("doc.json", "doc.md", "run.json"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o644, name
    assert not (out / LOCK_NAME).exists()  # released at the end


def test_a_second_run_into_a_busy_folder_stops_at_once(cli, tiny_models, tmp_path):
    src = tmp_path / "doc.txt"
    src.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    holder = {"pid": os.getppid(), "host": socket.gethostname(), "started": "2026-11-30 17:00"}
    (out / LOCK_NAME).write_text(json.dumps(holder), encoding="utf-8")
    result = cli(*run_args(src, out, tiny_models))
    assert result.exit_code == 2
    assert f"pid {os.getppid()} on {socket.gethostname()}" in result.stderr
    assert "2026-11-30 17:00" in result.stderr
    assert not (out / "doc.json").exists()


def test_a_lock_left_by_a_dead_run_is_taken_over_with_a_warning(cli, tiny_models, tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    src = tmp_path / "doc.txt"
    src.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    holder = {"pid": gone.pid, "host": socket.gethostname(), "started": "yesterday"}
    (out / LOCK_NAME).write_text(json.dumps(holder), encoding="utf-8")
    result = cli(*run_args(src, out, tiny_models))
    assert result.exit_code == 0, result.output
    assert f"took over the lock of a run that is gone (pid {gone.pid}" in result.stderr
    assert (out / "doc.json").exists()


def test_latin1_file_names_are_read_reported_and_written(cli, tiny_models, tmp_path):
    src = tmp_path / "docs"
    src.mkdir()
    (src / "plain.txt").write_text(TEXT, encoding="utf-8")
    latin1 = os.fsdecode(b"caf\xe9 \xfcber.txt")  # not UTF-8: bytes as surrogates
    (src / latin1).write_text(TEXT.replace("Die", "Diese", 1), encoding="utf-8")
    out = tmp_path / "out"
    result = cli(*run_args(src, out, tiny_models))
    assert result.exit_code == 0, result.output
    written = out / "caf%E9 %FCber.json"
    data = json.loads(written.read_bytes().decode("utf-8"))  # valid UTF-8 JSON
    assert data["source"].endswith("caf\\xe9 \\xfcber.txt")
    assert bytes.fromhex(data["meta"]["source_name_bytes"]).endswith(b"caf\xe9 \xfcber.txt")
    assert (out / "plain.json").exists()
    manifest = json.loads((out / "run.json").read_bytes().decode("utf-8"))
    assert set(manifest["documents"]) == {"plain", "caf%E9 %FCber"}

    extracted = cli("extract", src, "--format", "json")
    assert extracted.exit_code == 0, extracted.output
    records = [json.loads(line) for line in extracted.stdout.splitlines()]
    assert {r["id"] for r in records} == {"plain", "caf%E9 %FCber"}


def test_symlink_loops_are_reported_whatever_their_name(cli, tiny_models, tmp_path):
    src = tmp_path / "docs"
    (src / "sub").mkdir(parents=True)
    (src / "doc.txt").write_text(TEXT, encoding="utf-8")
    os.symlink("loop", src / "loop")  # leads to itself
    os.symlink("..", src / "sub" / "up")  # leads back up the tree
    out = tmp_path / "out"
    result = cli(*run_args(src, out, tiny_models))
    assert result.exit_code == 1
    reasons = {f["source"].rsplit("/", 1)[-1]: f["reason"]
               for f in json.loads((out / "run.json").read_text())["failures"]}
    assert set(reasons) == {"loop", "up"}
    assert all("symbolic link loop" in reason for reason in reasons.values())
    assert (out / "doc.json").exists()


def test_a_record_id_cannot_leave_the_output_folder(cli, tiny_models, tmp_path):
    data = tmp_path / "bad.jsonl"
    data.write_text(json.dumps({"id": "../../escape", "text": TEXT}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = cli(*run_args(data, out, tiny_models))
    assert result.exit_code == 0, result.output
    written = json.loads((out / "bad" / "escape.json").read_text())
    assert written["meta"]["record_id"] == "../../escape"  # the original, on record
    assert [p for p in tmp_path.rglob("escape.json")] == [out / "bad" / "escape.json"]
