"""lead-k and the graph baseline: language-aware sentences, length targets, determinism."""

from __future__ import annotations

import pytest
from conftest import SEED
from summarise.errors import UsageError
from summarise.eval.baselines import lead, rank_sentences, textrank_summary
from summarise.eval.datasets import Record
from summarise.eval.systems import LeadBaseline, TextRankBaseline, make_system
from summarise.segment import count_words, split_sentences


@pytest.mark.parametrize(("text", "sentences"), [
    ("Das gilt z. B. für Dr. Müller. Er kommt.", ["Das gilt z. B. für Dr. Müller.", "Er kommt."]),
    ("Putin kommt am 18. Juni nach Pjöngjang. Dann reist er weiter.",
     ["Putin kommt am 18. Juni nach Pjöngjang.", "Dann reist er weiter."]),
    # pysbd alone reads consecutive ordinals as a numbered list and cuts before each
    ("Er reist am 18. Juni nach Nordkorea, bevor er am 19. und 20. Juni Vietnam besucht. Gut.",
     ["Er reist am 18. Juni nach Nordkorea, bevor er am 19. und 20. Juni Vietnam besucht.",
      "Gut."]),
    ("Er sagte: »Wir kommen am 18. Juni.« Dann ging er. „Gut so“, meinte sie.",
     ["Er sagte: »Wir kommen am 18. Juni.«", "Dann ging er.", "„Gut so“, meinte sie."]),
    ("Im Jahr 2024. Dann kam er.", ["Im Jahr 2024.", "Dann kam er."]),
    ("Titel ohne Punkt\nErster Satz. Zweiter Satz.",
     ["Titel ohne Punkt", "Erster Satz.", "Zweiter Satz."]),
])
def test_german_sentence_splitting(text, sentences):
    assert split_sentences(text, "de") == sentences


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_lead_k_takes_the_first_k_whole_sentences(k):
    text = SEED.read_text(encoding="utf-8")
    assert lead(text, "de", k) == split_sentences(text, "de")[:k]


def test_lead_reads_past_its_first_window_on_long_sentences():
    sentence = "Das ist ein langer Satz " + "mit vielen Wörtern " * 60 + "am Ende."
    text = " ".join([sentence] * 4)
    assert lead(text, "de", 2) == split_sentences(text, "de")[:2]
    assert lead("Nur ein Satz.", "de", 3) == ["Nur ein Satz."]


@pytest.mark.parametrize("target", [25, 60, 120])
def test_textrank_fits_the_word_target_in_document_order(target):
    text = SEED.read_text(encoding="utf-8")
    summary = textrank_summary(text, "de", target)
    sentences = split_sentences(text, "de")
    chosen = split_sentences(summary, "de")
    assert chosen and all(s in sentences for s in chosen)
    assert [sentences.index(s) for s in chosen] == sorted(sentences.index(s) for s in chosen)
    assert count_words(summary) <= target or len(chosen) == 1
    assert summary == textrank_summary(text, "de", target)


def test_central_sentence_ranks_highest():
    sentences = [["putin", "besucht", "nordkorea"], ["putin", "nordkorea", "waffen"],
                 ["nordkorea", "waffen", "putin"], ["wetter", "heute", "sonnig"]]
    ranks = rank_sentences(sentences)
    assert min(range(4), key=lambda i: ranks[i]) == 3
    assert sum(ranks) == pytest.approx(1.0)


def _record(lang="de", summary_lang="de") -> Record:
    return Record("doc", lang, SEED.read_text(encoding="utf-8"), summary_lang, ("ref",))


def test_lead_baseline_files_one_text_under_every_length():
    predictions = list(LeadBaseline(2).predict([_record()], {"short": 25, "long": 120},
                                               lambda *a: None))
    assert [p.length for p in predictions] == ["short", "long"]
    assert predictions[0].text == predictions[1].text


def test_textrank_baseline_writes_in_the_record_language_per_length():
    predictions = list(TextRankBaseline().predict([_record(summary_lang="en")],
                                                  {"short": 25, "long": 120}, lambda *a: None))
    assert {p.lang for p in predictions} == {"en"}
    assert count_words(predictions[0].text) < count_words(predictions[1].text)


@pytest.mark.parametrize(("name", "message"), [("lead-0", "K >= 1"), ("lexrank", "unknown")])
def test_bad_system_names(name, message):
    with pytest.raises(UsageError, match=message):
        make_system(name)


ARTICLE = ("Aarhus\nAarhus ist die zweitgrößte Stadt Dänemarks. Sie liegt in Jütland.\n"
           "Geschichte\nDie Stadt wurde im 8. Jahrhundert gegründet. Wikinger lebten dort.\n"
           "Etymologie\nDer Name bedeutet Flussmündung.")


def test_lead_and_textrank_leave_heading_lines_out():
    assert lead(ARTICLE, "de", 4) == [
        "Aarhus ist die zweitgrößte Stadt Dänemarks.", "Sie liegt in Jütland.",
        "Die Stadt wurde im 8. Jahrhundert gegründet.", "Wikinger lebten dort."]
    extract = textrank_summary(ARTICLE, "de", 200)
    assert not {"Aarhus", "Geschichte", "Etymologie"} & set(extract.splitlines())
    assert "Der Name bedeutet Flussmündung." in extract.splitlines()


@pytest.mark.parametrize(("line", "heading"), [
    ("Geschichte", True), ("Early life and career", True), ("Er kam.", False),
    ("Folgende Punkte:", False), ("Ein sehr langer Satz ohne Punkt am Ende der Zeile, der "
                                  "weit mehr als zehn Wörter hat und weitergeht", False),
])
def test_heading_lines(line, heading):
    from summarise.eval.baselines import is_heading

    assert is_heading(line) is heading


def test_a_text_of_headings_only_is_kept():
    assert lead("Nur eine Zeile", "de", 3) == ["Nur eine Zeile"]
