"""chrF++ and BLEU through sacreBLEU: corpus scores exactly as sacreBLEU computes them.

The headline figure is sacreBLEU's corpus score (``corpus_score``: n-gram statistics
summed over all documents, then one score), the number papers report.  Each document
also gets its own score from its own statistics (sacreBLEU's ``sentence_score``), and
their mean is kept under its own label: it is what the bootstrap intervals and
``summarise compare`` resample.  References are handed to sacreBLEU as it expects them
(one stream per reference position, ``None`` where a document has fewer), so its
multi-reference rules and its ``nrefs`` apply unchanged.
"""

from __future__ import annotations

from functools import cached_property

from .base import Key, Metric, Sample


class SacreMetric(Metric):
    """Base: one sacreBLEU metric object for the corpus score, one for documents."""

    corpus_key: Key

    def _corpus_metric(self):
        raise NotImplementedError

    def _document_metric(self):
        return self._corpus_metric()

    @cached_property
    def _corpus(self):
        return self._corpus_metric()

    def corpus_metric(self):
        """A fresh sacreBLEU metric object for corpus scores (sacreBLEU's paired tests)."""
        return self._corpus_metric()

    @cached_property
    def _document(self):
        return self._document_metric()

    def score(self, sample: Sample) -> dict[str, float]:
        documents, _ = self.score_corpus([sample])
        return documents[0]

    def score_corpus(self, samples: list[Sample]) -> tuple[list[dict[str, float]], dict]:
        """Per-document scores and the corpus figure ``{key, nrefs, signature}``."""
        hypotheses = [s.hypothesis for s in samples]
        width = max(len(s.references) for s in samples)
        streams = [[s.references[i] if i < len(s.references) else None for s in samples]
                   for i in range(width)]
        metric = self._corpus
        stats = metric._extract_corpus_statistics(hypotheses, streams)
        corpus = metric._aggregate_and_compute(stats).score
        documents = [{self.key: self._document._aggregate_and_compute([row]).score}
                     for row in stats]
        nrefs = "var" if metric.num_refs == -1 else metric.num_refs
        return documents, {self.key: corpus, "nrefs": nrefs,
                           "signature": metric.get_signature().format(short=False)}

    def settings(self) -> str:
        fields = self._corpus.get_signature().format(short=False).split("|")
        kept = [f for f in fields if not f.startswith("nrefs:")]  # per run: in `corpus`
        return "|".join([*kept, self._document_settings()])

    def _document_settings(self) -> str:
        return "doc:sentence_score"


class ChrF(SacreMetric):
    """chrF++ (character n-grams up to 6 plus word uni- and bigrams), x100."""

    name = "chrf"
    version = "2"
    keys = (Key("chrf", "chrF++ (mean of documents)", short="chrF++ doc-mean"),)
    corpus_key = Key("chrf", "chrF++ (corpus, sacreBLEU)", short="chrF++ corpus")
    plotted = ("chrf",)

    def _corpus_metric(self):
        from sacrebleu.metrics import CHRF

        return CHRF(word_order=2)


class Bleu(SacreMetric):
    """BLEU (13a tokens, exponential smoothing); a document's own BLEU uses effective
    order, as ``sacrebleu.sentence_bleu`` does (noisy on one summary: read the corpus)."""

    name = "bleu"
    version = "2"
    keys = (Key("bleu", "BLEU (mean of documents)", short="BLEU doc-mean"),)
    corpus_key = Key("bleu", "BLEU (corpus, sacreBLEU)", short="BLEU corpus")
    breakdown_columns = ()

    def _corpus_metric(self):
        from sacrebleu.metrics import BLEU

        return BLEU()

    def _document_metric(self):
        from sacrebleu.metrics import BLEU

        return BLEU(effective_order=True)

    def _document_settings(self) -> str:
        return "doc:sentence_score,effective-order"
