"""Grounding and the shape of ``annotate``'s output (issue 23's output contract), on small
hand-written examples whose offsets were counted by hand."""

from __future__ import annotations

import json

import pytest
from summarise.checks import CHECK_NAMES, annotate
from summarise.checks.grounding import align_sentences, ground
from summarise.checks.words import _locate_ignoring_space, sentence_spans

SOURCE_DE = ("Angela Merkel besuchte am Montag Paris. Dort traf sie den Präsidenten "
             "Emmanuel Macron.\nDie Gespräche dauerten 3,5 Stunden. Danach flog sie nach "
             "Berlin zurück.")


def test_sentence_offsets_are_exact_golden():
    spans = sentence_spans(SOURCE_DE, "de")
    assert [(s.start, s.end) for s in spans] == [(0, 39), (40, 86), (87, 122), (123, 158)]
    assert all(SOURCE_DE[s.start:s.end] == s.text for s in spans)


def test_offsets_survive_a_sentence_the_splitter_rejoined():
    """Where the splitter joins two pieces of a sentence with one space and the text had
    a line break or several spaces, the sentence is found by its other characters."""
    source = "Vorher. Er kam am 18.\n  Juni nach Hause. Danach nichts."
    rejoined = "Er kam am 18. Juni nach Hause."
    assert source.find(rejoined) < 0
    start, end = _locate_ignoring_space(source, rejoined, 7)
    assert (start, end) == (8, 40)
    assert source[start:end] == "Er kam am 18.\n  Juni nach Hause."


def test_copied_sentence_is_grounded_to_itself_with_full_support():
    sentences = ground("Die Gespräche dauerten 3,5 Stunden.", "de", SOURCE_DE, "de")
    assert len(sentences) == 1
    assert sentences[0].support == 1.0
    assert sentences[0].sources == [(87, 122)]


def test_fused_sentence_points_to_both_sources():
    summary = "Merkel traf in Paris Emmanuel Macron."
    (sentence,) = ground(summary, "de", SOURCE_DE, "de")
    assert sentence.support == 1.0
    assert sentence.sources == [(0, 39), (40, 86)]


def test_support_is_the_share_of_content_words_found():
    # content words: gespräch, dauert, 4, stund -> "4" is not in the source: 3 of 4
    (sentence,) = ground("Die Gespräche dauerten 4 Stunden.", "de", SOURCE_DE, "de")
    assert sentence.support == pytest.approx(0.75)
    (foreign,) = ground("Olaf Scholz war auch da.", "de", SOURCE_DE, "de")
    assert foreign.support == 0.0 and foreign.sources == []


def test_annotation_follows_the_output_contract():
    summary = "Merkel traf in Paris Emmanuel Macron. Die Gespräche dauerten 3,5 Stunden."
    annotation = annotate(summary, SOURCE_DE, lang="de", source_lang="de")
    out = json.loads(json.dumps(annotation.to_dict()))
    assert set(out) == {"checks", "sentences"}
    assert list(out["checks"]) == [n for n in CHECK_NAMES if n != "entailment"]
    assert all(isinstance(result["ok"], bool) for result in out["checks"].values())
    assert annotation.failed() == []
    assert [s["sources"] for s in out["sentences"]] == [[[0, 39], [40, 86]], [[87, 122]]]
    assert all(set(s) == {"text", "support", "sources"} for s in out["sentences"])


def test_translated_summary_is_grounded_through_its_via_summary():
    via = "Merkel traf in Paris Emmanuel Macron. Die Gespräche dauerten 3,5 Stunden."
    summary = "Merkel met Emmanuel Macron in Paris. The talks lasted 3.5 hours."
    annotation = annotate(summary, SOURCE_DE, lang="en", source_lang="de", via=via)
    sentences = annotation.to_dict()["sentences"]
    assert [s["sources"] for s in sentences] == [[[0, 39], [40, 86]], [[87, 122]]]
    assert [s["support"] for s in sentences] == [1.0, 1.0]
    assert annotation.failed() == []


def test_alignment_is_monotone_and_merges_by_length():
    # equal counts and similar lengths: one to one, in order
    assert align_sentences([40, 80, 30], [44, 85, 28]) == {0: [0], 1: [1], 2: [2]}
    # a long sentence translated as two
    assert align_sentences([40, 120], [42, 60, 62]) == {0: [0], 1: [1, 2]}


def test_checker_adds_entailment_per_sentence():
    class Halves:
        def score(self, premises, hypotheses):
            assert len(premises) == len(hypotheses)
            return [1.0 if "Macron" in h else 0.2 for h in hypotheses]

    summary = "Merkel traf in Paris Emmanuel Macron. Die Gespräche dauerten 3,5 Stunden."
    annotation = annotate(summary, SOURCE_DE, lang="de", source_lang="de", checker=Halves())
    out = annotation.to_dict()
    assert [s["entailment"] for s in out["sentences"]] == [1.0, 0.2]
    assert annotation.failed() == ["entailment"]
    assert out["checks"]["entailment"]["unsupported"][0]["sentence"] == 1
