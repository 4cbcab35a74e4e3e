"""Check before work: models, --out and the config are checked before any model loads,
each problem one line naming what to fix, exit 2, in a real process, within 2 s."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEED

# A check before work must take about a second, so tests bound the CPU time of the
# process (interpreter start, imports, the language pass): wall time on a shared test
# machine says more about its load than about us. Measured here: 1.6-1.9 s user+sys.
# That no model library was imported at all is checked exactly (TORCH_MARK).
FAST = 3.0
TORCH_MARK = "torch imported:"
MAIN = ("import atexit, sys\n"
        f"atexit.register(lambda: print('{TORCH_MARK}', 'torch' in sys.modules, "
        "file=sys.stderr))\n"
        "from summarise.app import main\nsys.argv[0] = 'summarise'\nmain()\n")


class Finished:
    """A finished ``summarise`` process: exit code, output, and whether torch loaded."""

    def __init__(self, proc: subprocess.CompletedProcess):
        self.returncode, self.stdout = proc.returncode, proc.stdout
        lines = proc.stderr.splitlines()
        self.loaded_torch = f"{TORCH_MARK} True" in lines
        self.stderr = "\n".join(line for line in lines if not line.startswith(TORCH_MARK))


def summarise(*args, env_extra: dict | None = None, cwd: Path | None = None, timeout=60):
    """``summarise ARGS`` in its own process, offline; returns (Finished, CPU seconds)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", **(env_extra or {})}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-c", MAIN, *map(str, args)],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Finished(proc), cpu


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


@pytest.fixture
def empty_hub(tmp_path) -> dict:
    return {"HF_HOME": str(tmp_path / "empty-hf")}


def test_missing_translator_names_the_translator_flag_before_any_model_loads(
        tiny_models, tmp_path, empty_hub):
    german = tmp_path / "de.txt"
    german.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    proc, seconds = summarise(german, "--lang", "en", "--summariser", tiny_models["mt5"],
                              "--out", out, env_extra=empty_hub)
    assert proc.returncode == 2, proc.stderr
    [line] = error_lines(proc.stderr)
    assert line.startswith("error: ") and "--translator de-en=" in line
    assert "--summariser" not in line
    assert "Helsinki-NLP/opus-mt-de-en" in line and "HF_HUB_OFFLINE" in line
    assert seconds < FAST and not proc.loaded_torch
    assert proc.stdout == "" and not list(out.glob("*.json"))  # nothing summarised


def test_an_english_only_run_needs_no_translator(tiny_models, tmp_path, empty_hub):
    """The language pass over the inputs finds only English, so --lang en needs no
    translator although none is reachable."""
    english = tmp_path / "en.txt"
    english.write_text("The council approved the new budget for the city's schools on "
                       "Monday, and teachers will be hired over the next three years.",
                       encoding="utf-8")
    proc, _ = summarise(english, "--lang", "en", "--length", "short", "--summariser",
                        tiny_models["mt5"], "--dtype", "fp32", "--format", "json",
                        env_extra=empty_hub, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["summaries"][0]["route"] == "summarise"


def test_every_problem_is_reported_at_once(tiny_models, tmp_path, empty_hub):
    german = tmp_path / "de.txt"
    german.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    a_file = tmp_path / "taken.txt"
    a_file.write_text("x", encoding="utf-8")
    proc, _ = summarise(german, "--lang", "en", "--summariser", tmp_path / "no-such-model",
                        "--out", a_file, env_extra=empty_hub)
    assert proc.returncode == 2
    lines = error_lines(proc.stderr)
    assert len(lines) == 3, lines
    assert any("--out" in line and "is a file" in line for line in lines)
    assert any("--summariser" in line and "no-such-model" in line for line in lines)
    assert any("--translator de-en=" in line for line in lines)


def _out_cases(tmp_path: Path) -> list[tuple[str, Path]]:
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    cases = [("is a file", a_file), ("cannot make", Path("/proc/x")),
             ("cannot write", Path("/proc/self")),  # exists; not even root can add a file
             ("kernel's proc file system", Path("/proc"))]
    return cases


@pytest.mark.parametrize("case", range(4))
def test_out_that_cannot_take_files_is_one_line_and_exit_2(tiny_models, tmp_path, empty_hub,
                                                           model_args, case):
    message, out = _out_cases(tmp_path)[case]
    proc, seconds = summarise(SEED, "--lang", "de", "--out", out, *model_args,
                              env_extra=empty_hub)
    assert proc.returncode == 2, proc.stderr
    [line] = error_lines(proc.stderr)
    assert line.startswith(f"error: --out {out}") and message in line
    # What /proc answers to a new file, "No such file or directory", said nothing useful.
    assert "No such file" not in line
    assert "Traceback" not in proc.stderr and seconds < FAST and not proc.loaded_torch


def test_the_file_system_of_a_path_is_its_longest_mount_point(tmp_path):
    from summarise.preflight import file_system_type

    mounts = tmp_path / "mounts"
    mounts.write_text("overlay / overlay rw 0 0\nproc /proc proc rw 0 0\n"
                      "tmpfs /my\\040disk tmpfs rw 0 0\n", encoding="utf-8")
    assert file_system_type(Path("/proc/self/x"), mounts) == "proc"
    assert file_system_type(Path("/proc"), mounts) == "proc"
    assert file_system_type(Path("/processes"), mounts) == "overlay"  # a prefix, not a parent
    assert file_system_type(Path("/my disk/out"), mounts) == "tmpfs"
    assert file_system_type(Path("/x"), tmp_path / "no-mount-table") is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a folder without write "
                    "permission; the /proc cases above cover a place root cannot write")
def test_out_in_a_read_only_folder(model_args, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        proc, _ = summarise(SEED, "--lang", "de", "--out", locked, *model_args)
    finally:
        locked.chmod(0o755)
    assert proc.returncode == 2 and "cannot write" in proc.stderr


def test_out_is_made_when_missing(tmp_path):
    from summarise.preflight import check_out_dir

    out = tmp_path / "new" / "deeper"
    assert check_out_dir(out) == []
    assert out.is_dir() and list(out.iterdir()) == []  # the probe file is gone


@pytest.mark.parametrize("toml, key, words", [
    ('[models]\nsumariser = "x"\n', "summariser", ["did you mean summariser"]),
    ('sumariser = "x"\n', "summariser", ["did you mean summariser under [models]"]),
    ('[generation]\nbeams = "two"\n', "beams", ["'two'", "a string", "expected an integer"]),
    ('[run]\nstrategy = "fast"\n', "strategy", ["'fast'", "summarise-then-translate"]),
    ('[lengths]\nshort = { words = "many" }\n', "short.words", ["expected a positive"]),
    # The ranges the flags have: beams = 0 used to pass and fail every document later.
    ('[generation]\nbeams = 0\n', "beams = 0", ["too small", "use 1 or more"]),
    ('[generation]\nthreads = 0\n', "threads = 0", ["use 1 or more"]),
    ('[generation]\nbatch_size = -2\n', "batch_size = -2", ["use 1 or more"]),
    ('[generation]\nno_repeat_ngram_size = -1\n', "no_repeat_ngram_size", ["use 0 or more"]),
    # A misspelt table points to the README's top-level [lengths], not to [run]'s key.
    ('[lenghts]\nshort = { words = 20 }\n', "lenghts", ["did you mean [lengths]?"]),
    ('lenghts = ["short"]\n', "lenghts", ["did you mean lengths under [run]?"]),
])
def test_config_mistakes_are_exit_2_naming_the_key(tmp_path, toml, key, words):
    (tmp_path / "summarise.toml").write_text(toml, encoding="utf-8")
    proc, seconds = summarise(SEED, "--lang", "de", cwd=tmp_path,
                              env_extra={"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert proc.returncode == 2, proc.stderr
    [line] = error_lines(proc.stderr)
    assert "summarise.toml" in line and key in line
    assert all(word in line for word in words), line
    assert seconds < FAST and not proc.loaded_torch


def test_eval_with_a_model_system_checks_models_and_out_first(tiny_models, tmp_path,
                                                              empty_hub):
    data = tmp_path / "data.jsonl"
    record = {"id": "a", "lang": "de", "summary_lang": "en",
              "text": SEED.read_text(encoding="utf-8"), "summary": "A short summary."}
    data.write_text(json.dumps(record) + "\n", encoding="utf-8")
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    proc, seconds = summarise("eval", data, "--summariser", tiny_models["mt5"],
                              "--out", a_file, env_extra=empty_hub)
    assert proc.returncode == 2, proc.stderr
    lines = error_lines(proc.stderr)
    assert any("--translator de-en=" in line for line in lines), lines
    assert any(line.startswith(f"error: --out {a_file}") for line in lines)
    assert "Traceback" not in proc.stderr and seconds < FAST and not proc.loaded_torch
