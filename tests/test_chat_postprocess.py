"""What chat models wrap around a summary is stripped; over-long output is cut back
at a sentence boundary, never mid-word."""

from __future__ import annotations

import pytest
from summarise.lengths import LengthPreset
from summarise.models.base import Generated
from summarise.pipeline import fit
from summarise.postprocess import clean_chat_output, cut_back
from summarise.segment import count_words

SUMMARY_EN = "The council approved the tram extension."
SUMMARY_DE = "Der Stadtrat hat die Verlängerung der Straßenbahn beschlossen."


@pytest.mark.parametrize("raw, expected", [
    ("Here is the summary:\n\n" + SUMMARY_EN, SUMMARY_EN),
    ("Sure! Here's a summary of the text in about 25 words:\n" + SUMMARY_EN, SUMMARY_EN),
    ("Certainly. Here is a concise overview: " + SUMMARY_EN, SUMMARY_EN),
    ("Hier ist die Zusammenfassung auf Deutsch:\n" + SUMMARY_DE, SUMMARY_DE),
    ("Gerne! Hier ist eine Zusammenfassung in einem Satz: " + SUMMARY_DE, SUMMARY_DE),
    ("**Zusammenfassung:** " + SUMMARY_DE, SUMMARY_DE),
    ("Zusammenfassung (kurz): " + SUMMARY_DE, SUMMARY_DE),
    ("Summary: " + SUMMARY_EN, SUMMARY_EN),
    ("## Summary\n" + SUMMARY_EN, SUMMARY_EN),
    ("<think>The user wants one sentence.\nLet me see.</think>\n\n" + SUMMARY_EN, SUMMARY_EN),
    ("<THINK>kurz</THINK>" + SUMMARY_DE, SUMMARY_DE),
    ("the template opened the block, so only its end shows</think>\n" + SUMMARY_EN,
     SUMMARY_EN),
    ("<think>still reasoning when the tokens ran out", ""),
    ('"' + SUMMARY_EN + '"', SUMMARY_EN),
    ("„" + SUMMARY_DE + "“", SUMMARY_DE),
    ("»" + SUMMARY_DE + "«", SUMMARY_DE),
    ("Here is the summary:\n\n\"" + SUMMARY_EN + "\"", SUMMARY_EN),
    (SUMMARY_EN + "\n\nLet me know if you need anything else!", SUMMARY_EN),
    (SUMMARY_DE + "\n\nIch hoffe, das hilft dir weiter.", SUMMARY_DE),
    ("  The council\n approved   the tram extension.  ", SUMMARY_EN),
])
def test_chat_artefacts_are_stripped(raw, expected):
    assert clean_chat_output(raw) == expected


@pytest.mark.parametrize("text", [
    '"Yes," said the mayor, "we will build it."',  # quotes inside, not around
    "„Ja“, sagte die Bürgermeisterin, „wir bauen sie.“",
    "Berlin: Der Senat hat den Haushalt beschlossen.",
    "Here is where the council met: in the old town hall.",
    "Summaries of court rulings are published weekly.",
])
def test_summaries_that_only_look_like_artefacts_are_kept(text):
    assert clean_chat_output(text) == text


def _sentences(n: int, words: int = 10) -> str:
    return " ".join(f"Satz {i} hat " + " ".join(["Wort"] * (words - 3)) + "."
                    for i in range(1, n + 1))


@pytest.mark.parametrize("text, max_words, hit_limit, expected", [
    # Over the target: whole sentences go from the end.
    (_sentences(3), 25, False, _sentences(2)),
    (_sentences(3), 30, False, _sentences(3)),
    # An unfinished last sentence (token limit) goes even when short enough.
    (_sentences(2) + " Der dritte Satz bricht ab", 100, True, _sentences(2)),
    # ... but a sentence without a full stop is kept when the model stopped by itself.
    (_sentences(1) + " Ein Satz ohne Punkt", 100, False, _sentences(1) + " Ein Satz ohne Punkt"),
    # An only sentence cut by the limit loses its last, maybe partial, word: never mid-word.
    ("Der Stadtrat hat die Verlängerung der Straßenb", 100, True,
     "Der Stadtrat hat die Verlängerung der …"),
    # German abbreviations do not end sentences.
    ("Er nannte z. B. die Linie fünf. Dann ging er.", 7, False,
     "Er nannte z. B. die Linie fünf."),
])
def test_cut_back_at_sentence_boundaries(text, max_words, hit_limit, expected):
    assert cut_back(text, "de", max_words, hit_limit) == expected


def test_pipeline_fit_keeps_summaries_near_their_target():
    preset = LengthPreset("short", words=20, sentences=1)
    fitted = fit(Generated(_sentences(6), tokens=90, hit_limit=True), preset, "de")
    assert count_words(fitted.text) <= 20 * 1.4
    assert fitted.text.endswith(".")
