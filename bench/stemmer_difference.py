"""Per-document difference between two eval runs of the same system and data, e.g. the
German stemmer under ``--stemmer auto`` against plain Snowball (``--stemmer snowball``).

    summarise eval DATA --system lead-3 --metric rouge --stemmer auto --out runs/auto
    summarise eval DATA --system lead-3 --metric rouge --stemmer snowball --out runs/snow
    python bench/stemmer_difference.py runs/auto runs/snow [--key rouge1_f]

Prints the mean of KEY in each run, the mean difference and the largest per-document
difference (with its document), so a stemming rule's effect is shown, not asserted.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def per_document(run: Path, key: str) -> dict[tuple[str, str, str], float]:
    scores = json.loads((run / "scores.json").read_text(encoding="utf-8"))
    return {(d["id"], d["lang"], d["length"]): d["scores"][key] for d in scores["documents"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_a", type=Path)
    parser.add_argument("run_b", type=Path)
    parser.add_argument("--key", default="rouge1_f")
    args = parser.parse_args()
    a, b = per_document(args.run_a, args.key), per_document(args.run_b, args.key)
    shared = sorted(a.keys() & b.keys())
    if not shared:
        raise SystemExit("the two runs share no document")
    differences = {doc: a[doc] - b[doc] for doc in shared}
    largest = max(differences, key=lambda doc: abs(differences[doc]))
    mean = lambda values: sum(values) / len(values)  # noqa: E731
    print(f"{args.key} over {len(shared)} documents")
    print(f"  mean {args.run_a}: {mean([a[d] for d in shared]):.3f}")
    print(f"  mean {args.run_b}: {mean([b[d] for d in shared]):.3f}")
    print(f"  mean difference: {mean(list(differences.values())):+.3f}")
    print(f"  largest per-document difference: {differences[largest]:+.3f} ({largest[0]})")
    print(f"  documents that differ: {sum(1 for v in differences.values() if v)}")


if __name__ == "__main__":
    main()
