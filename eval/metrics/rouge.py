"""ROUGE-1/2/L/Lsum: small pure scoring functions plus the ``Rouge`` metric over them.

The functions follow Lin (2004) as implemented by Google's rouge-score: on plain-ASCII
English with its stemmer (NLTK Porter) every score equals rouge-score's, ROUGE-Lsum
included (same LCS choice; rouge-score's Lsum given the same sentences, one per line).
What differs by design is the tokenizer outside ASCII (``text.tokenize`` keeps every
script's letters), German stemming, and ROUGE-Lsum's sentences, which come from the
language-aware splitter instead of newlines.

ROUGE-L is the LCS over the whole summary; ROUGE-Lsum is the summary-level union LCS
over sentences (the "rougeLsum" of papers on CNN/DM).  Both are reported because tools
that mix them up are a known source of irreproducible numbers.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from ..text import Analyzer, describe_stemmers
from .base import Key, ReferenceMetric
from .lcs import SentenceLayout, lcs_length


class Score(NamedTuple):
    precision: float
    recall: float
    fmeasure: float


ZERO = Score(0.0, 0.0, 0.0)


def fmeasure(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def rouge_n(reference: list[str], hypothesis: list[str], n: int) -> Score:
    """Clipped n-gram overlap: precision over the hypothesis, recall over the reference."""
    ref, hyp = ngrams(reference, n), ngrams(hypothesis, n)
    overlap = sum(min(count, hyp[gram]) for gram, count in ref.items())
    precision = overlap / max(1, sum(hyp.values()))
    recall = overlap / max(1, sum(ref.values()))
    return Score(precision, recall, fmeasure(precision, recall))


def rouge_l(reference: list[str], hypothesis: list[str]) -> Score:
    if not reference or not hypothesis:
        return ZERO
    lcs = lcs_length(reference, hypothesis)
    precision, recall = lcs / len(hypothesis), lcs / len(reference)
    return Score(precision, recall, fmeasure(precision, recall))


def rouge_lsum(reference: list[list[str]], hypothesis: list[list[str]] | SentenceLayout
               ) -> Score:
    """Summary-level LCS: per reference sentence, the union of its LCS with every
    hypothesis sentence; each token is counted at most as often as it occurs on both sides.

    ``hypothesis`` may come laid out already (one layout serves every reference).
    """
    layout = hypothesis if isinstance(hypothesis, SentenceLayout) else SentenceLayout(
        hypothesis)
    ref_total = sum(map(len, reference))
    hyp_total = layout.size
    if not ref_total or not hyp_total:
        return ZERO
    ref_left = Counter(t for sentence in reference for t in sentence)
    hyp_left = layout.counts()
    hits = 0
    for sentence in reference:
        for token in (sentence[i] for i in layout.union_positions(sentence)):
            if ref_left[token] > 0 and hyp_left[token] > 0:
                hits += 1
                ref_left[token] -= 1
                hyp_left[token] -= 1
    precision, recall = hits / hyp_total, hits / ref_total
    return Score(precision, recall, fmeasure(precision, recall))


VARIANTS = ("rouge1", "rouge2", "rougeL", "rougeLsum")
_LABELS = {"rouge1": "ROUGE-1", "rouge2": "ROUGE-2", "rougeL": "ROUGE-L",
           "rougeLsum": "ROUGE-Lsum"}
_PARTS = {"p": "P", "r": "R", "f": "F1"}


class Rouge(ReferenceMetric):
    """ROUGE-1/2/L/Lsum precision, recall and F1 (x100), best reference by each F1."""

    name = "rouge"
    version = "3"  # 3: German umlauts folded only in the last syllable of suffixed stems
    uses_stemmer = True
    keys = tuple(Key(f"{v}_{part}", f"{_LABELS[v]} {label}")
                 for v in VARIANTS for part, label in _PARTS.items())
    groups = {f"{v}_f": (f"{v}_p", f"{v}_r", f"{v}_f") for v in VARIANTS}
    headline = plotted = tuple(f"{v}_f" for v in VARIANTS)
    breakdown_columns = ("rouge1_f", "rouge2_f", "rougeLsum_f")

    def __init__(self, stemmer: str = "auto"):
        self.stemmer = stemmer
        self._analyzers: dict[str, Analyzer] = {}

    def settings(self) -> str:
        return f"stem={describe_stemmers(self.stemmer)}"

    def analyse(self, text: str, lang: str) -> tuple[list[str], list[list[str]]]:
        if lang not in self._analyzers:
            self._analyzers[lang] = Analyzer.for_lang(lang, self.stemmer)
        analyzer = self._analyzers[lang]
        return analyzer.tokens(text), analyzer.sentence_tokens(text)

    def analyse_hypothesis(self, text: str, lang: str) -> tuple[list[str], SentenceLayout]:
        tokens, sentences = self.analyse(text, lang)
        return tokens, SentenceLayout(sentences)

    def compare(self, hypothesis, reference) -> dict[str, float]:
        (hyp_tokens, hyp_sentences), (ref_tokens, ref_sentences) = hypothesis, reference
        scores = {"rouge1": rouge_n(ref_tokens, hyp_tokens, 1),
                  "rouge2": rouge_n(ref_tokens, hyp_tokens, 2),
                  "rougeL": rouge_l(ref_tokens, hyp_tokens),
                  "rougeLsum": rouge_lsum(ref_sentences, hyp_sentences)}
        return {f"{variant}_{part}": 100 * value
                for variant, score in scores.items()
                for part, value in zip("prf", score, strict=True)}
