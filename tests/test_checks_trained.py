"""Issue 23's first "Checked by": on the trained fixtures, which copy a document's leading
sentences, every summary sentence is grounded to the source sentence it copies (offsets
exact), with maximal support, and no check fails.  The oracle is the document's own
sentences, located in it independently of the grounding code."""

from __future__ import annotations

import pytest
from conftest import CORPUS
from summarise.fixtures.fidelity import held_out_documents
from summarise.fixtures.leads import sentences_of
from summarise.segment import split_sentences


@pytest.fixture(scope="module")
def documents():
    return held_out_documents(sentences_of(CORPUS), 8, seed=23)


def _offsets(text: str, lang: str) -> list[tuple[int, int]]:
    """Each sentence of ``text`` and where it starts, found by plain ``str.find``."""
    spans, position = [], 0
    for sentence in split_sentences(text, lang):
        start = text.index(sentence, position)
        spans.append((start, start + len(sentence)))
        position = start + len(sentence)
    return spans


def test_lead_summaries_are_grounded_to_the_sentences_they_copy(trained_models, documents):
    from summarise import Settings
    from summarise.checks import annotate
    from summarise.config import Generation
    from summarise.lengths import PRESETS
    from summarise.models import ModelRegistry

    settings = Settings(summariser=str(trained_models["summariser"]),
                        generation=Generation(dtype="fp32", threads=1, no_repeat_ngram_size=0))
    summariser = ModelRegistry(settings).summariser()
    presets = [PRESETS["short"], PRESETS["medium"]]
    checked = 0
    for lang in ("de", "en"):
        texts = [text for doc_lang, text in documents if doc_lang == lang]
        assert texts
        for text, row in zip(texts, summariser.summarise(texts, lang, presets), strict=True):
            spans = _offsets(text, lang)
            for preset, generated in zip(presets, row, strict=True):
                annotation = annotate(generated.text, text, lang=lang, source_lang=lang,
                                      truncated=generated.hit_limit)
                sentences = annotation.to_dict()["sentences"]
                assert len(sentences) == preset.sentences
                for number, sentence in enumerate(sentences):
                    start, end = spans[number]
                    # the fixture copies it (with runs of spaces written as one)
                    assert sentence["text"].split() == text[start:end].split()
                    assert sentence["sources"] == [[start, end]]
                    assert sentence["support"] == 1.0
                assert annotation.failed() == [], annotation.to_dict()["checks"]
                checked += 1
    assert checked == 2 * len(documents)
