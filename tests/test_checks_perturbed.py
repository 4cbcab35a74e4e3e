"""Each check catches its perturbation on hand-written articles that ``bench/checks.py``
never reads (the bench measures the rates on the dev eval sets), and leaves the faithful
summaries of the same articles alone."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from summarise.checks import annotate
from summarise.checks.grounding import lowest_support
from summarise.eval import perturb

ARTICLES = [json.loads(line) for line in (Path(__file__).parent / "data" / "checks" /
                                          "articles.jsonl").read_text("utf-8").splitlines()]
IDS = [a["id"] for a in ARTICLES]


def _annotate(article: dict, summary: str, lang: str | None = None):
    return annotate(summary, article["text"], lang=lang or article["lang"],
                    source_lang=article["lang"])


@pytest.mark.parametrize("article", ARTICLES, ids=IDS)
def test_faithful_summaries_pass_every_check(article):
    assert _annotate(article, article["summary"]).failed() == []


@pytest.mark.parametrize("article", ARTICLES, ids=IDS)
def test_a_changed_number_is_caught(article):
    changed = perturb.change_number(article["summary"], article["lang"], article["text"],
                                    article["lang"], random.Random(1))
    assert changed is not None and changed.summary != article["summary"]
    result = _annotate(article, changed.summary).checks["numbers"]
    assert not result["ok"]
    [found] = result["unsupported"]
    assert changed.summary[found["start"]:found["end"]] == found["text"]
    assert found["text"] not in article["summary"].split()


@pytest.mark.parametrize("article", ARTICLES, ids=IDS)
def test_a_swapped_name_is_caught(article):
    swapped = perturb.swap_name(article["summary"], article["lang"], article["text"],
                                random.Random(2))
    assert swapped is not None
    result = _annotate(article, swapped.summary).checks["names"]
    assert not result["ok"]
    stranger = next(n for n in perturb.STRANGERS if n in swapped.summary)
    assert any(stranger.casefold() in u["missing"] for u in result["unsupported"])


@pytest.mark.parametrize("article", ARTICLES, ids=IDS)
def test_a_sentence_of_another_article_gets_the_lowest_support(article):
    other = ARTICLES[(ARTICLES.index(article) + 3) % len(ARTICLES)]  # the other language's
    same_language = next(a for a in ARTICLES if a["lang"] == article["lang"] and a is not article)
    for rng_seed in range(3):
        inserted = perturb.insert_sentence(article["summary"], article["lang"],
                                           same_language["summary"], random.Random(rng_seed))
        annotation = _annotate(article, inserted.summary)
        assert lowest_support(annotation.sentences) == inserted.sentence
        assert "support" in annotation.failed()
    assert other["lang"] != article["lang"]


@pytest.mark.parametrize("article", ARTICLES, ids=IDS)
def test_a_summary_in_the_other_language_is_caught(article):
    other = next(a for a in ARTICLES if a["lang"] != article["lang"])
    result = _annotate(article, other["summary"]).checks["language"]
    assert not result["ok"]
    assert result["detected"] == other["lang"] and result["expected"] == article["lang"]


@pytest.mark.parametrize("article", ARTICLES, ids=IDS)
def test_a_sentence_written_three_times_is_caught(article):
    repeated = perturb.repeat_sentence(article["summary"], article["lang"], random.Random(3))
    result = _annotate(article, repeated.summary).checks["repetition"]
    assert not result["ok"]
    assert [r["repeats"] for r in result["repeated_sentences"]] == [repeated.sentence] * 2


def test_a_truncated_summary_fails_truncated_only():
    article = ARTICLES[0]
    annotation = annotate(article["summary"], article["text"], lang="en", source_lang="en",
                          truncated=True)
    assert annotation.failed() == ["truncated"]


def test_a_loop_of_words_is_caught_without_a_repeated_sentence():
    summary = ("The council voted to replace the bridge and the bridge and the bridge and "
               "the bridge and the bridge.")
    result = annotate(summary, ARTICLES[0]["text"], lang="en", source_lang="en"
                      ).checks["repetition"]
    assert not result["ok"]
    assert {"ngram": "the bridge and the", "times": 4} in result["ngrams"]


def test_too_short_to_tell_the_language_passes_and_says_so():
    result = annotate("Ja, 2026.", ARTICLES[3]["text"], lang="de", source_lang="de"
                      ).checks["language"]
    assert result["ok"] and result["detected"] is None and "too short" in result["note"]


def test_german_nouns_are_not_names_but_a_new_surname_is():
    source = "Die Polizei nahm am Montag einen Mann fest. Er soll Autos gestohlen haben."
    nouns = "Der Verdächtige soll mehrere Diebstähle begangen haben."
    assert annotate(nouns, source, lang="de", source_lang="de").checks["names"]["ok"]
    named = "Die Polizei nahm Peter Kowalczyk fest."
    result = annotate(named, source, lang="de", source_lang="de").checks["names"]
    assert [u["missing"] for u in result["unsupported"]] == [["peter", "kowalczyk"]]
