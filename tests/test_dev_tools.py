"""``summarise.devmodels`` and ``summarise.fixtures`` ship in the wheel for one documented
command (``python -m summarise.devmodels``, docs/development.md) and cost a user nothing
else: no command of a run or of the help imports them (ARCHITECTURE.md, "What ships")."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import SEED
from probes import modules_after

DEV = ("summarise.devmodels", "summarise.fixtures")


def dev_modules_after(*args: str) -> tuple[int, list[str], str]:
    return modules_after(DEV, *args, timeout=300)


@pytest.mark.parametrize("args", [("--help",), ("run", "--help"), ("eval", "--help"),
                                  ("models", "--help")])
def test_help_imports_no_development_tool(args):
    code, dev, _ = dev_modules_after(*args)
    assert (code, dev) == (0, [])


def test_a_whole_run_imports_no_development_tool(model_args, tmp_path):
    out = tmp_path / "out"
    code, dev, stderr = dev_modules_after(str(SEED), "--lang", "de", "--length", "short",
                                          "--out", str(out), *model_args)
    assert code == 0, stderr
    assert (out / f"{SEED.stem}.json").is_file()  # it did summarise
    assert dev == []


def test_the_documented_command_is_there():
    done = subprocess.run([sys.executable, "-m", "summarise.devmodels", "--help"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "trained OUT" in done.stdout and "tiny OUT" in done.stdout
