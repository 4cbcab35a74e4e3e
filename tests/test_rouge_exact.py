"""ROUGE-1/2/L/Lsum equal Google's rouge-score (use_stemmer=True) on ASCII English, per
document, to 1e-6: same tokens, same NLTK Porter stemmer, same LCS choice for Lsum.

rouge-score's Lsum splits on newlines only, so it is given the sentences our splitter
finds, one per line (as papers on CNN/DM prepare their texts for it).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from conftest import SHARED
from rouge_textbook import lcs_positions
from summarise.eval.baselines import lead_summary, textrank_summary
from summarise.eval.metrics import METRICS, Sample
from summarise.eval.metrics.lcs import SentenceLayout
from summarise.eval.text import sentences_of

EVAL_DATA = Path(__file__).parent / "data" / "eval"
EN_NEWS_DEV = SHARED / "eval-data" / "en-news.dev.jsonl"
VARIANTS = ("rouge1", "rouge2", "rougeL", "rougeLsum")


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _one_per_line(text: str) -> str:
    return "\n".join(sentences_of(text, "en"))


def _worst_deltas(records: list[dict], system, mode: str = "first") -> dict[str, float]:
    """Largest |ours - rouge-score| per variant over ``records`` (ASCII ones only)."""
    from rouge_score import rouge_scorer

    package = rouge_scorer.RougeScorer(list(VARIANTS), use_stemmer=True)
    ours = METRICS["rouge"](stemmer="auto")
    ours.combine = "best"
    worst = dict.fromkeys(VARIANTS, 0.0)
    for record in records:
        prediction = system(record["text"])
        references = ([record["summary"]] if mode == "first" else
                      record.get("references") or [record["summary"]])
        assert _ascii_words(prediction + "".join(references))
        theirs = package.score_multi([_one_per_line(r) for r in references],
                                     _one_per_line(prediction))
        mine = ours.score(Sample(prediction, tuple(references), record["text"], "en", "en"))
        for variant in VARIANTS:
            delta = abs(mine[f"{variant}_f"] / 100 - theirs[variant].fmeasure)
            worst[variant] = max(worst[variant], delta)
    return worst


def _ascii_words(text: str) -> bool:
    """No letter or digit outside ASCII (rouge-score drops those; punctuation such as
    curly quotes separates words in both implementations)."""
    return not any(not c.isascii() and c.isalnum() for c in text)


def _ascii(records: list[dict]) -> list[dict]:
    """Records whose text start and references have ASCII words only."""
    return [r for r in records
            if _ascii_words(r["text"][:3000] + "".join(r.get("references") or [r["summary"]]))]


SYSTEMS = {
    "lead-3": lambda text: lead_summary(text, "en", 3),
    "textrank": lambda text: textrank_summary(text, "en", 60),
}


@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_equals_rouge_score_on_the_english_news_slice(system):
    records = _ascii(_records(EVAL_DATA / "en-news.slice.jsonl"))
    assert len(records) >= 10
    for mode in ("first", "all"):
        worst = _worst_deltas(records, SYSTEMS[system], mode)
        assert max(worst.values()) < 1e-6, (mode, worst)


@pytest.mark.skipif(not EN_NEWS_DEV.is_file(),
                    reason=f"{EN_NEWS_DEV} is not beside the repository")
@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_equals_rouge_score_on_every_ascii_record_of_en_news_dev(system):
    records = _records(EN_NEWS_DEV)
    ascii_records = _ascii(records)
    assert len(ascii_records) >= 0.9 * len(records)
    worst = _worst_deltas(ascii_records, SYSTEMS[system])
    assert max(worst.values()) < 1e-6, worst


@pytest.mark.parametrize("seed", range(40))
def test_bit_parallel_union_lcs_equals_the_textbook_backtracking(seed):
    rng = random.Random(seed)
    alphabet = "abcdefgh"[:rng.randint(2, 8)]
    for _ in range(25):
        reference = [rng.choice(alphabet) for _ in range(rng.randint(0, 40))]
        # "xyz" never occur in the reference: the case that used to pick another LCS
        hypotheses = [[rng.choice(alphabet + "xyz") for _ in range(rng.randint(0, 30))]
                      for _ in range(rng.randint(1, 6))]
        expected = sorted(set().union(*(lcs_positions(reference, h)
                                        for h in hypotheses)))
        assert SentenceLayout(hypotheses).union_positions(reference) == expected
