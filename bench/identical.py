"""Are a refactor's outputs byte-identical to before? Run two jobs, then compare folders.

``run OUT`` summarises, with the trained tiny fixtures (``python -m summarise.devmodels
trained`` or the user cache the tests fill), through the ``summarise`` command:

- ``OUT/seeds``: ``../shared/seeds/`` in German and English, ``--format json``;
- ``OUT/folder``: the whole-job bench folder (``job.py --quick``'s mix of news and long
  encyclopedia articles, which go through map-reduce), ``--format json``.

``compare A B`` then compares every file under the two folders byte for byte, except the
fields that say when or how long (``created``, ``seconds`` ...), which are blanked first in
JSON files; it prints each difference and exits 1 if there is one::

    python bench/identical.py run /tmp/before     # on the old commit
    python bench/identical.py run /tmp/after      # on the new one
    python bench/identical.py compare /tmp/before /tmp/after
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
# Fields that record the clock, not the work: blanked before comparing.
CLOCK_FIELDS = {"created", "started", "finished", "updated", "batch_seconds_per_document",
                "seconds", "elapsed", "duration", "pid", "host", "hostname", "load_s"}


def fixture_flags() -> list[str]:
    """The model flags that point a run at the trained fixtures (built if missing)."""
    from summarise.fixtures.cache import trained_fixtures

    models = trained_fixtures(ROOT / "tests" / "data" / "corpus_de_en.txt")
    return ["--summariser", str(models["summariser"]),
            "--translator", f"de-en={models['de-en']}",
            "--translator", f"en-de={models['en-de']}", "--dtype", "fp32"]


def summarise(inputs: list[str], out: Path, flags: list[str]) -> None:
    command = [sys.executable, "-m", "summarise", *inputs, "--lang", "de", "--lang", "en",
               "--out", str(out), "--format", "json", *flags]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(command, env=env, check=False)
    if done.returncode not in (0, 1):  # 1: some documents failed, which is output too
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}")


def run(out: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from job import QUICK_MIX, write_folder

    flags = fixture_flags()
    os.chdir(SEEDS.parent.parent)  # run.json records the inputs as given: the same path
    summarise(["shared/seeds"], out / "seeds", flags)
    with tempfile.TemporaryDirectory(prefix="identical-") as scratch:
        folder = Path(scratch) / "folder"
        write_folder(folder, QUICK_MIX)
        os.chdir(scratch)  # output names are relative to the inputs as given
        summarise(["folder"], out / "folder", flags)


def blank_clock(data):
    if isinstance(data, dict):
        return {k: "-" if k in CLOCK_FIELDS else blank_clock(v) for k, v in data.items()}
    if isinstance(data, list):
        return [blank_clock(v) for v in data]
    return data


def comparable(path: Path) -> bytes:
    raw = path.read_bytes()
    if path.suffix != ".json":
        return raw
    return json.dumps(blank_clock(json.loads(raw)), sort_keys=True).encode()


def compare(before: Path, after: Path) -> int:
    names = {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
    names |= {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    differences = 0
    for name in sorted(names):
        a, b = before / name, after / name
        if not (a.is_file() and b.is_file()):
            print(f"only in {'before' if a.is_file() else 'after'}: {name}")
            differences += 1
        elif comparable(a) != comparable(b):
            print(f"differs: {name}")
            differences += 1
    print(f"{len(names)} file(s) compared, {differences} difference(s)")
    return 1 if differences else 0


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "run":
        run(Path(argv[1]).absolute())
        return 0
    if len(argv) == 3 and argv[0] == "compare":
        return compare(Path(argv[1]), Path(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
