"""CI runs the README's set-up commands exactly as the README writes them.

The README's install line and test command are what a newcomer types; `.ci/run` reads
them out of README.md (`.ci/readme_commands.py`) instead of keeping its own copies. These
tests parse the README independently, check the commands have the intended shape, and
check that `.ci/run` takes exactly those.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def _set_up_lines() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## Set up and run\n"):]
    block = section[section.index("```\n") + 4:]
    return [line for line in block[:block.index("```")].splitlines() if line.strip()]


def _pip_steps(install: str) -> list[list[str]]:
    """The `pip install` commands of the install line, as argument lists."""
    steps = [shlex.split(step) for step in install.split("&&")]
    return [step for step in steps if step[:2] == ["pip", "install"]]


@pytest.fixture(scope="module")
def readme_commands() -> dict[str, str]:
    install, first_run, tests = _set_up_lines()
    return {"install": install, "first-run": first_run, "test": tests}


def test_the_set_up_block_is_install_then_first_run_then_tests(readme_commands):
    # The first run downloads models, so it is not part of the install CI runs offline;
    # another test serves a hub on loopback for exactly this first command.
    assert readme_commands["first-run"] == "summarise seeds/ --lang en"
    assert "summarise " not in readme_commands["install"]
    assert readme_commands["test"].startswith("HF_HUB_OFFLINE=1 python -m pytest")


def test_the_install_line_makes_a_venv_and_installs_cpu_torch_then_the_tests_extra(
        readme_commands):
    install = readme_commands["install"]
    assert install.startswith("python3 -m venv ") and ". .venv/bin/activate" in install
    torch_step, package_step = _pip_steps(install)
    assert torch_step[torch_step.index("--index-url") + 1] == CPU_INDEX
    assert "--no-deps" in torch_step  # torch's dependencies come pinned, in the next step
    pinned_torch = re.search(r"^torch==(\S+)$", (ROOT / "constraints.txt").read_text(),
                             re.M).group(1)
    assert f"torch=={pinned_torch}" in torch_step
    assert package_step[package_step.index("-c") + 1] == "constraints.txt"
    assert package_step[package_step.index("-e") + 1] == ".[test]"


def test_ci_runs_exactly_the_readme_commands(readme_commands):
    printed = subprocess.run(["bash", str(ROOT / ".ci" / "run"), "--print"], check=True,
                             capture_output=True, text=True).stdout
    told = dict(line.split(": ", 1) for line in printed.splitlines())
    assert told["install"] == readme_commands["install"]
    assert told["test"] == readme_commands["test"]
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # The variables printed above are the ones executed, verbatim.
    assert 'eval "$INSTALL"' in script and 'eval "$TESTS"' in script
    assert "PIP_NO_CACHE_DIR=1" in script


def test_freeze_installs_torch_as_the_readme_does(readme_commands):
    torch_step, _ = _pip_steps(readme_commands["install"])
    freeze = (ROOT / ".ci" / "freeze").read_text(encoding="utf-8")
    version = next(arg for arg in torch_step if arg.startswith("torch==")).split("==")[1]
    assert f"TORCH={version}" in freeze
    assert f"--index-url {CPU_INDEX} --no-deps" in freeze
