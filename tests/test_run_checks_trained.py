"""The checks of a run on the trained fixtures, which copy a document's lead sentences and
translate the lexicon's sentences word for word: every summary sentence, in the source's
language or translated into the other, is grounded to exactly the source sentence it comes
from, with full support, and no check of a source-language summary fails (issue 23's
first check). Held-out news documents test the copies; the same led by a held-out lexicon
sentence (which the translators translate) test grounding through a translation: a
one-sentence summary's translation points at the lead sentence."""

from __future__ import annotations

import pytest
from conftest import CORPUS
from summarise.fixtures.fidelity import held_out_documents, held_out_pairs
from summarise.fixtures.leads import sentences_of
from summarise.segment import split_sentences


@pytest.fixture(scope="module")
def results(trained_models):
    from summarise import Pipeline, Settings
    from summarise.config import Generation
    from summarise.documents import Document

    settings = Settings(summariser=str(trained_models["summariser"]),
                        translators={"de-en": str(trained_models["de-en"]),
                                     "en-de": str(trained_models["en-de"])},
                        generation=Generation(dtype="fp32", threads=1, no_repeat_ngram_size=0),
                        langs=("de", "en"), lengths=("short", "medium"))
    news = held_out_documents(sentences_of(CORPUS), 6, seed=23)
    pairs = held_out_pairs(8, seed=2323)
    # A lexicon sentence (which the translators translate) leading a news document (whose
    # lead the summariser copies).
    lexicon = [(lang, f"{pair[lang]} {text}") for pair, (lang, text)
               in zip(pairs, held_out_documents(sentences_of(CORPUS), 8, seed=2323),
                      strict=True)]
    documents = news + lexicon
    produced = Pipeline(settings).run([Document(f"doc{i}", f"doc{i}", text, lang=lang)
                                       for i, (lang, text) in enumerate(documents)])
    done = list(zip(documents, produced, strict=True))
    return {"news": done[:len(news)], "lexicon": done[len(news):]}


def spans(text: str, lang: str) -> list[tuple[int, int]]:
    """Where each of the text's sentences is, found independently of the checks."""
    found, start = [], 0
    for sentence in split_sentences(text, lang):
        start = text.index(sentence, start)
        found.append((start, start + len(sentence)))
        start += len(sentence)
    return found


def test_source_language_summaries_point_at_the_sentences_they_copy(results):
    for (lang, text), result in results["news"]:
        leads = spans(text, lang)
        for summary in (s for s in result.summaries if s.lang == lang):
            assert len(summary.sentences) >= 1
            for number, sentence in enumerate(summary.sentences):
                assert sentence["sources"] == [list(leads[number])], (result.id, sentence)
                a, b = leads[number]
                assert " ".join(text[a:b].split()) == sentence["text"]
                assert sentence["support"] == 1.0


def test_no_check_fails_on_a_copied_lead(results):
    for (lang, _), result in results["news"]:
        for summary in (s for s in result.summaries if s.lang == lang):
            assert [n for n, c in summary.checks.items() if not c["ok"]] == [], summary.checks


def test_translated_summaries_point_into_the_source_through_their_original(results):
    """Where the summariser copied the lead exactly (it does not always on lexicon text),
    the translation of that summary points at the lead too."""
    copied = 0
    for (lang, text), result in results["lexicon"]:
        lead = spans(text, lang)[0]
        own = next(s for s in result.summaries if s.lang == lang and s.length == "short")
        if own.text != " ".join(text[lead[0]:lead[1]].split()):
            continue
        copied += 1
        translated = next(s for s in result.summaries if s.lang != lang and s.length == "short")
        assert translated.route != own.route and translated.text != own.text
        assert [s["sources"] for s in translated.sentences] == [[list(lead)]], result.id
    assert copied >= 2, "too few exact copies to test grounding through a translation"
