"""chrF++/BLEU through sacreBLEU, length and novelty metrics, and the registry."""

from __future__ import annotations

import pytest
from summarise.eval.metrics import DEFAULT_METRICS, METRICS, Metric, Sample, build_metrics
from summarise.eval.metrics.novelty import novel_rate

SOURCE = "Der Hund bellt laut im Garten. Die Katze schläft auf dem Sofa."


def _sample(hypothesis: str, references=("Der Hund bellt laut.",), target=None,
            source=SOURCE, lang="de") -> Sample:
    return Sample(hypothesis, tuple(references), source, lang, "de", target)


def test_registry_has_one_class_per_metric_with_distinct_keys():
    keys = [k.name for m in build_metrics() for k in m.keys]
    assert len(keys) == len(set(keys))
    assert set(DEFAULT_METRICS) == set(METRICS)
    assert all(issubclass(cls, Metric) and cls.name == name for name, cls in METRICS.items())


def test_unknown_metric_is_named():
    with pytest.raises(ValueError, match="meteor"):
        build_metrics(["rouge", "meteor"])


@pytest.mark.parametrize("name", ["chrf", "bleu"])
def test_document_scores_are_sacrebleus_sentence_scores(name):
    from sacrebleu.metrics import BLEU, CHRF

    reference = "Der Hund bellt laut im Garten."
    other = "Eine völlig andere Referenz ohne Bezug."
    hypothesis = "Der Hund bellt im Garten."
    sacre = CHRF(word_order=2) if name == "chrf" else BLEU(effective_order=True)
    metric = METRICS[name]()
    for references in ([reference], [other, reference]):
        expected = sacre.sentence_score(hypothesis, references).score
        assert metric.score(_sample(hypothesis, references))[name] == pytest.approx(expected)
    assert "version:" in metric.signature() and "nrefs" not in metric.signature()


CORPUS = [("Der Hund bellt im Garten.", ("Der Hund bellt laut im Garten.", "Ein Hund bellt.")),
          ("Die Katze schläft.", ("Die Katze schläft auf dem Sofa.",)),
          ("Es regnet seit 3 Tagen in Zürich.", ("Seit drei Tagen regnet es.",
                                                 "In Zürich regnet es.", "Regen."))]


@pytest.mark.parametrize("name", ["chrf", "bleu"])
def test_corpus_scores_are_sacrebleus_corpus_scores_with_every_reference(name):
    import sacrebleu

    hypotheses = [h for h, _ in CORPUS]
    streams = [[refs[i] if i < len(refs) else None for _, refs in CORPUS] for i in range(3)]
    expected = (sacrebleu.corpus_chrf(hypotheses, streams, word_order=2) if name == "chrf"
                else sacrebleu.corpus_bleu(hypotheses, streams))
    documents, corpus = METRICS[name]().score_corpus(
        [_sample(h, refs) for h, refs in CORPUS])
    assert corpus[name] == pytest.approx(expected.score, abs=1e-9)
    assert corpus["nrefs"] == "var" and "nrefs:var" in corpus["signature"]
    assert len(documents) == 3 and documents[0][name] != corpus[name]
    _, single = METRICS[name]().score_corpus([_sample(h, refs[:1]) for h, refs in CORPUS])
    assert single["nrefs"] == 1


def test_chrf_keeps_umlauts():
    metric = METRICS["chrf"]()
    assert metric.score(_sample("Größe über Äpfel", ["Größe über Äpfel"]))["chrf"] == 100
    assert metric.score(_sample("Grosse uber Apfel", ["Größe über Äpfel"]))["chrf"] < 100


@pytest.mark.parametrize(("hypothesis", "target", "words", "within"), [
    ("eins zwei drei vier", 4, 4, 100.0),
    ("eins zwei", 4, 2, 100.0),       # 0.5x the target is still within
    ("eins", 4, 1, 0.0),
    ("eins zwei drei vier fünf", 4, 5, 100.0),  # 1.25x
    ("a b c d e f", 4, 6, 0.0),       # 1.5x
    ("", 4, 0, 0.0),
])
def test_length_hand_computed(hypothesis, target, words, within):
    scores = METRICS["length"]().score(_sample(hypothesis, ["ein zwei drei"], target,
                                               source="w " * 12))
    assert scores["words"] == words
    assert scores["target_words"] == target
    assert scores["reference_words"] == 3
    assert scores["within_target"] == within
    assert scores["compression"] == pytest.approx(12 / max(1, words))


@pytest.mark.parametrize(("summary", "source", "n", "rate"), [
    ("a b c d", "a b c d", 1, 0.0),
    ("a b x y", "a b c d", 1, 50.0),
    ("a b c d", "a b c d", 2, 0.0),
    ("a b d c", "a b c d", 2, 200 / 3),  # "b d" and "d c" are new, "a b" is not
    ("a a", "a", 1, 0.0),
    ("", "a b", 1, 0.0),
])
def test_novel_ngram_rate_hand_computed(summary, source, n, rate):
    assert novel_rate(summary.split(), source.split(), n) == pytest.approx(rate)


def test_novelty_is_case_insensitive_and_keeps_umlauts():
    scores = METRICS["novelty"]().score(_sample("Die KATZE schläft.", source=SOURCE))
    assert scores["novel_1"] == 0.0
    scores = METRICS["novelty"]().score(_sample("Die Katze schlaft.", source=SOURCE))
    assert scores["novel_1"] == pytest.approx(100 / 3)
