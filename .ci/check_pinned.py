"""Fail when the venv holds a distribution that constraints.txt does not pin.

An unpinned one means constraints.txt is stale (a dependency or an extra was added
without `bash .ci/freeze`), and the next fresh install may get a different version.
"""

import re
import subprocess
import sys


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def names(lines) -> set[str]:
    return {normalised(line.split("==")[0]) for line in lines if "==" in line}


pinned = names(open("constraints.txt", encoding="utf-8"))
frozen = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
                        capture_output=True, text=True, check=True).stdout.splitlines()
unpinned = sorted(name for name in names(frozen) - pinned
                  if name not in {"pip", "setuptools", "wheel"} and not name.startswith("nvidia-"))
if unpinned:
    sys.exit(f".ci/run: constraints.txt does not pin {', '.join(unpinned)}; regenerate it "
             "with `bash .ci/freeze` and commit it")
print(f"constraints.txt pins all {len(names(frozen))} installed distributions")
