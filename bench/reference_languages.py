"""How many references language detection decides, before and after restricting the
choice to German and English, on JSON Lines eval sets.

    python bench/reference_languages.py ../shared/eval-data/*.dev.jsonl

For each set and each language its references are written in (``summary_lang``'s
references and any ``references_<lang>``), prints how many references there are, how
many the 97-language model alone leaves unsure or outside de/en (before: these were
silently scored as the record's summary_lang), how many stay undecided with the
restriction (``summarise.eval.reflang``), and how many either way decides for the
wrong language.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from summarise.eval.reflang import CANDIDATES, MIN_CONFIDENCE, reference_language
from summarise.langdetect import detect_language


def references_by_language(path: Path) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        own = record.get("summary_lang", record["lang"])
        groups.setdefault(own, []).extend(record.get("references") or [record["summary"]])
        for lang in CANDIDATES:
            groups.setdefault(lang, []).extend(record.get(f"references_{lang}") or [])
    return {lang: refs for lang, refs in groups.items() if refs}


def full_model_only(text: str) -> str | None:
    """The rule before: the 97-language model, sure and de or en, else undecided."""
    found = detect_language(text)
    return found.lang if found.lang in CANDIDATES and found.confidence >= MIN_CONFIDENCE \
        else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    print("set | written in | references | undecided before | wrong before | "
          "undecided after | wrong after")
    for path in args.files:
        for lang, refs in references_by_language(path).items():
            before = [full_model_only(r) for r in refs]
            after = [reference_language(r) for r in refs]
            print(f"{path.name} | {lang} | {len(refs)} | {before.count(None)} | "
                  f"{sum(1 for b in before if b not in (None, lang))} | {after.count(None)} | "
                  f"{sum(1 for a in after if a not in (None, lang))}")


if __name__ == "__main__":
    main()
