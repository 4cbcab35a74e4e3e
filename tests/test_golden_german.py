"""Golden German scores: frozen numbers from an independent implementation written here.

``tests/data/eval/german-golden.jsonl`` holds German pairs (umlauts, ß, compounds,
numbers) with expected ROUGE-1/2/L/Lsum F1 and number-consistency counts.  The values
were computed by the plain implementation below (character loop tokenizer, Snowball
German called directly, textbook LCS tables, a small number reader of its own), not by
the harness (the LCS table is rouge-score's, written out in ``rouge_textbook``), and
frozen; the harness must reproduce them, and so must this code (so a
change on either side is seen).
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from rouge_textbook import lcs_positions, lcs_table
from summarise.eval.metrics import METRICS, Sample

GOLDEN = Path(__file__).parent / "data" / "eval" / "german-golden.jsonl"
ROUGE_KEYS = ("rouge1_f", "rouge2_f", "rougeL_f", "rougeLsum_f")


# --- the independent implementation -----------------------------------------------------

def plain_tokens(text: str) -> list[str]:
    """Letters and digits; a numeric sign that is not a digit ("½") is a token alone;
    "%" is the word "prozent" (German)."""
    tokens, word = [], ""
    for char in text:
        if unicodedata.category(char) == "No":
            tokens += [word, char] if word else [char]
            word = ""
            continue
        if char == "%":
            tokens += [word, "prozent"] if word else ["prozent"]
            word = ""
            continue
        folded = unicodedata.normalize("NFKC", char).casefold()
        if all(c.isalnum() for c in folded) and folded:
            word += folded
        else:
            if word:
                tokens.append(word)
            word = ""
    if word:
        tokens.append(word)
    return [t for t in tokens if t]


def plain_stem(token: str) -> str:
    """Snowball German.  A word it strips no suffix from stays as it is, umlauts and all;
    otherwise the stem gets the token's letters back, but the last syllable (its last
    run of vowels and what follows) stays as Snowball folded it."""
    import snowballstemmer

    if len(token) <= 3:
        return token
    stem = snowballstemmer.stemmer("german").stemWord(token)
    plain = "".join({"ä": "a", "ö": "o", "ü": "u"}.get(c, c) for c in token)
    if plain == stem:
        return token
    if plain[:len(stem)] != stem:
        return stem
    cut = len(stem)
    while cut > 0 and stem[cut - 1] not in "aeiouy":  # the consonants at the end
        cut -= 1
    while cut > 0 and stem[cut - 1] in "aeiouy":  # the last vowel group
        cut -= 1
    return token[:cut] + stem[cut:]


def analysed(text: str) -> list[str]:
    return [plain_stem(t) for t in plain_tokens(text)]


def f1(hits: int, hyp: int, ref: int) -> float:
    if not hits:
        return 0.0
    p, r = hits / hyp, hits / ref
    return 100 * 2 * p * r / (p + r)


def plain_rouge_n(hyp: list[str], ref: list[str], n: int) -> float:
    h = Counter(zip(*(hyp[i:] for i in range(n)), strict=False))
    r = Counter(zip(*(ref[i:] for i in range(n)), strict=False))
    return f1(sum((h & r).values()), sum(h.values()), sum(r.values()))


def plain_rouge_lsum(hyp_lines: list[list[str]], ref_lines: list[list[str]]) -> float:
    hyp_left = Counter(t for line in hyp_lines for t in line)
    ref_left = Counter(t for line in ref_lines for t in line)
    hits = 0
    for ref in ref_lines:
        union = set().union(*(lcs_positions(ref, hyp) for hyp in hyp_lines))
        for index in sorted(union):
            token = ref[index]
            if hyp_left[token] and ref_left[token]:
                hits += 1
                hyp_left[token] -= 1
                ref_left[token] -= 1
    return f1(hits, sum(hyp_left.values()) + hits, sum(ref_left.values()) + hits)


MONATE = {"januar": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7,
          "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12}
MENGEN = {"millionen": 6, "million": 6, "mio.": 6, "milliarden": 9, "tausend": 3}


def plain_numbers(text: str) -> list[str]:
    """A German number reader for the forms in the golden file, word by word."""
    words = text.replace("(", " ").replace(")", " ").split()
    found, i = [], 0
    while i < len(words):
        word = words[i].rstrip(",;:!?")
        nxt = words[i + 1].rstrip(",;:.!?") if i + 1 < len(words) else ""
        after = words[i + 2].rstrip(",;:.!?") if i + 2 < len(words) else ""
        bare = word.rstrip(".")
        parts = bare.split(".")
        if [len(p) for p in parts] in ([2, 2, 4], [1, 2, 4], [1, 1, 4], [2, 1, 4]) and all(
                p.isdigit() for p in parts):  # 18.06.2023
            found.append(f"date:{int(parts[2]):04d}-{int(parts[1]):02d}-{int(parts[0]):02d}")
            i += 1
            continue
        if word.endswith(".") and bare.isdigit() and nxt.lower() in MONATE:  # 18. Juni 2023
            month = MONATE[nxt.lower()]
            if after.isdigit() and len(after) == 4:
                found.append(f"date:{after}-{month:02d}-{int(bare):02d}")
                i += 3
            else:
                found.append(f"date:--{month:02d}-{int(bare):02d}")
                i += 2
            continue
        sign = -1 if bare[:1] in "-−" and bare[1:2].isdigit() else 1
        digits = bare.lstrip("-−")
        fraction = 0.0
        if digits and unicodedata.category(digits[-1]) == "No":
            fraction = unicodedata.numeric(digits[-1])
            digits = digits[:-1]
        if digits and all(c.isdigit() or c in ".," for c in digits) and digits[0].isdigit():
            value = float(digits.replace(".", "").replace(",", ".")) + fraction
            value *= sign
            if nxt.lower() in ("prozent", "%"):
                found.append(f"{value:g}%")
                i += 2
                continue
            if nxt.lower() in MENGEN:
                value *= 10 ** MENGEN[nxt.lower()]
                i += 1
            found.append(f"{value:.10g}")
        i += 1
    return found


def plain_scores(pair: dict) -> dict[str, float]:
    hyp, ref = analysed(pair["hypothesis"]), analysed(pair["reference"])
    lsum = plain_rouge_lsum([analysed(line) for line in pair["hypothesis"].splitlines()],
                            [analysed(line) for line in pair["reference"].splitlines()])
    table = lcs_table(ref, hyp)
    stated = plain_numbers(pair["hypothesis"])
    source = set(plain_numbers(pair["source"]))
    return {"rouge1_f": plain_rouge_n(hyp, ref, 1), "rouge2_f": plain_rouge_n(hyp, ref, 2),
            "rougeL_f": f1(table[-1][-1], len(hyp), len(ref)), "rougeLsum_f": lsum,
            "numbers": float(len(stated)),
            "numbers_unsupported": float(sum(n not in source for n in stated))}


# --- the tests ----------------------------------------------------------------------------

PAIRS = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]


def test_the_golden_file_covers_what_german_needs():
    text = " ".join(p["hypothesis"] + p["reference"] for p in PAIRS)
    for needed in ("Ä", "ö", "ü", "ß", "½", "%", "Juni", "-"):
        assert needed in text
    assert len(PAIRS) >= 6


@pytest.mark.parametrize("pair", PAIRS, ids=[p["id"] for p in PAIRS])
def test_the_independent_implementation_still_gives_the_frozen_values(pair):
    assert plain_scores(pair) == pytest.approx(pair["expected"], abs=1e-9)


@pytest.mark.parametrize("pair", PAIRS, ids=[p["id"] for p in PAIRS])
def test_the_harness_gives_the_frozen_values(pair):
    sample = Sample(pair["hypothesis"], (pair["reference"],), pair["source"], "de", "de")
    scores = {**METRICS["rouge"]().score(sample), **METRICS["numbers"]().score(sample)}
    for key, value in pair["expected"].items():
        assert scores[key] == pytest.approx(value, abs=1e-6), key
