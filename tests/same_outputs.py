"""Record what runs write, to show a refactoring left every output unchanged.

Run it once with the code before a change and once after, then compare the folders::

    python tests/same_outputs.py record runs/before --models /tmp/tiny    # old code
    python tests/same_outputs.py record runs/after --models /tmp/tiny     # new code
    python tests/same_outputs.py compare runs/before runs/after

``record`` builds the tiny random-weight models of tests/conftest.py (once, into
``--models``), runs ``summarise`` over the seed and the dev sets with every strategy,
and keeps each document's JSON without its timings. ``--limit N`` takes the first N
records of each dev set (the whole set by default). Which code runs is whichever
``summarise`` package Python imports (PYTHONPATH decides).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "data" / "corpus_de_en.txt"
SEEDS = HERE.parent / "seeds"
DEV_SETS = HERE.parent.parent / "shared" / "eval-data"
TIMINGS = ("seconds",)
# Short word targets keep the tiny models' generations (they never stop early) quick.
LENGTHS = '[lengths]\nshort = { words = 6, sentences = 1 }\nlong = { words = 12, sentences = 2 }\n'


def build_models(root: Path) -> dict[str, Path]:
    from summarise import devmodels as dm

    names = {"mt5": dm.build_mt5, "marian-de-en": dm.build_marian,
             "marian-en-de": dm.build_marian, "qwen2": dm.build_qwen2}
    seeds = {"mt5": 0, "marian-de-en": 1, "marian-en-de": 2, "qwen2": 0}
    paths = {}
    for name, build in names.items():
        path = root / name
        paths[name] = path if (path / "config.json").is_file() else build(path, CORPUS,
                                                                          seed=seeds[name])
    return paths


def configurations(models: dict[str, Path]) -> dict[str, list[str]]:
    pair = ["--summariser", str(models["mt5"]),
            "--translator", f"de-en={models['marian-de-en']}",
            "--translator", f"en-de={models['marian-en-de']}"]
    both = ["-l", "en", "-l", "de"]
    return {
        "stt": [*pair, *both, "--strategy", "summarise-then-translate"],
        "tts": [*pair, *both, "--strategy", "translate-then-summarise"],
        "stt-en-only": [*pair, "-l", "en"],
        "direct": ["--summariser", str(models["qwen2"]), *both, "--strategy", "direct"],
    }


def inputs(work: Path, limit: int | None) -> list[Path]:
    found = [SEEDS]
    for dev in sorted(DEV_SETS.glob("*.jsonl")):
        lines = dev.read_text(encoding="utf-8").splitlines()
        cut = work / "inputs" / dev.name
        cut.parent.mkdir(parents=True, exist_ok=True)
        cut.write_text("\n".join(lines[:limit] if limit else lines) + "\n", encoding="utf-8")
        found.append(cut)
    return found


def record(target: Path, models_root: Path, limit: int | None, only: list[str]) -> None:
    models = build_models(models_root)
    target.mkdir(parents=True, exist_ok=True)
    (target / "summarise.toml").write_text(LENGTHS, encoding="utf-8")
    sources = inputs(target, limit)
    for name, flags in configurations(models).items():
        if only and name not in only:
            continue
        out = target / "raw" / name
        command = [sys.executable, "-m", "summarise", *map(str, sources), "--out", str(out),
                   "--dtype", "fp32", "--threads", "1", "--force", "-q", *flags]
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "XDG_CONFIG_HOME": str(target / "xdg")}
        done = subprocess.run(command, cwd=target, capture_output=True, text=True, env=env)
        print(f"{name}: exit {done.returncode}", done.stderr.strip()[-400:], flush=True)
        kept = {}
        for path in sorted(out.rglob("*.json")):
            if path.name == "run.json":
                continue
            data = json.loads(path.read_text(encoding="utf-8"))
            for key in TIMINGS:
                data.pop(key, None)
            # Checkouts and run folders differ: keep the file and its folder only.
            data["source"] = "/".join(data.get("source", "").split("/")[-2:])
            kept[str(path.relative_to(out))] = data
        manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
        summary = {"exit": done.returncode, "documents": kept,
                   "failures": manifest["failures"], "settings": manifest["settings"],
                   "settings_hash": manifest["settings_hash"]}
        (target / f"{name}.json").write_text(json.dumps(summary, indent=1, sort_keys=True,
                                                        ensure_ascii=False), encoding="utf-8")


def compare(before: Path, after: Path) -> int:
    names = sorted(p.name for p in before.glob("*.json"))
    if not names:
        print(f"nothing recorded in {before}")
        return 1
    differ = 0
    for name in names:
        old = json.loads((before / name).read_text(encoding="utf-8"))
        new_path = after / name
        if not new_path.is_file():
            print(f"{name}: missing in {after}")
            differ += 1
            continue
        new = json.loads(new_path.read_text(encoding="utf-8"))
        summaries = sum(len(d["summaries"]) for d in old["documents"].values())
        same = old == new
        differ += not same
        print(f"{name}: {'identical' if same else 'DIFFERENT'} "
              f"({len(old['documents'])} documents, {summaries} summaries, "
              f"{len(old['failures'])} failures, exit {old['exit']})")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("target", type=Path)
    rec.add_argument("--models", type=Path, required=True)
    rec.add_argument("--limit", type=int)
    rec.add_argument("--only", action="append", default=[])
    cmp = sub.add_parser("compare")
    cmp.add_argument("before", type=Path)
    cmp.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "record":
        record(args.target.resolve(), args.models.resolve(), args.limit, args.only)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
