"""Print one of the README's set-up commands, so CI runs them exactly as written.

    python3 .ci/readme_commands.py install   # the install line
    python3 .ci/readme_commands.py first-run # the first summarise command
    python3 .ci/readme_commands.py test      # the test command

They are the lines of the first code block under "## Set up and run" in README.md,
told apart by how they start. Reading them here, instead of copying them into .ci/run,
means the README cannot drift from what CI proves works.
"""

import re
import sys
from pathlib import Path

STARTS = {"install": "python3 -m venv", "first-run": "summarise ", "test": "HF_HUB_OFFLINE=1 "}


def set_up_block(readme: str) -> list[str]:
    """The lines of the first fenced block after the "## Set up and run" heading."""
    section = readme.split("\n## Set up and run\n", 1)
    if len(section) != 2:
        sys.exit("README.md has no '## Set up and run' section")
    block = re.search(r"^```[^\n]*\n(.*?)^```", section[1], re.S | re.M)
    if not block:
        sys.exit("README.md: no code block under '## Set up and run'")
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def command(readme: str, which: str) -> str:
    found = [line for line in set_up_block(readme) if line.startswith(STARTS[which])]
    if len(found) != 1:
        sys.exit(f"README.md: expected one {which} command starting {STARTS[which]!r} under "
                 f"'## Set up and run', found {len(found)}")
    return found[0]


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in STARTS:
        sys.exit(f"usage: readme_commands.py {{{','.join(STARTS)}}}")
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    print(command(readme, sys.argv[1]))
