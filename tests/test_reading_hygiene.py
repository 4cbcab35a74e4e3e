"""Text hygiene: what a summariser is given does not depend on how the file was typed."""

from __future__ import annotations

import pytest
from summarise.reading import clean_text


@pytest.mark.parametrize(("raw", "clean"), [
    # hyphenation at line ends is undone, real hyphens are kept
    ("Die Zusammen-\nfassung liegt vor.", "Die Zusammenfassung liegt vor."),
    ("Der Nord-\nSüd-Konflikt", "Der Nord-Süd-Konflikt"),
    ("eine E-\nMail", "eine E-Mail"),
    ("Haupt-\nund Nebensatz", "Haupt- und Nebensatz"),
    ("state-of-the-\nart methods", "state-of-the-art methods"),
    ("a well-known fact; again a well-\nknown fact", "a well-known fact; again a well-known fact"),
    ("in den Jahren 2019-\n2020", "in den Jahren 2019-2020"),
    ("Zusam\u00admen\u00ad\nfassung", "Zusammenfassung"),  # soft hyphens, one at a line end
    # Unicode: NFC, ligatures from PDFs, invisible and control characters
    ("Cafe\u0301 und Re\u0301sume\u0301", "Café und Résumé"),
    ("ﬁnale Auﬂage", "finale Auflage"),
    ("zero\u200bwidth, \ufeffbom, bell\x07, rtl\u200fmark", "zerowidth, bom, bell, rtlmark"),
    # whitespace: runs collapse, paragraph breaks stay one blank line
    ("a  b\t\tc\u00a0d \u2009e", "a b c d e"),
    ("Erster Absatz.\r\n\r\n\r\n\r\nZweiter Absatz.", "Erster Absatz.\n\nZweiter Absatz."),
    ("  \n Seite eins.\fSeite zwei. \n ", "Seite eins.\n\nSeite zwei."),
])
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_hard_wrapped_lines_are_joined_but_headings_and_lists_are_not():
    raw = ("Einleitung\n"
           "Die Stadtverwaltung hat am Dienstag neue Pläne für den Ausbau des\n"
           "öffentlichen Nahverkehrs vorgestellt und dabei betont, dass die\n"
           "Wohngebiete im Norden besser an die Innenstadt angebunden werden.\n"
           "- erster Punkt\n"
           "- zweiter Punkt")
    assert clean_text(raw).split("\n") == [
        "Einleitung",
        "Die Stadtverwaltung hat am Dienstag neue Pläne für den Ausbau des öffentlichen "
        "Nahverkehrs vorgestellt und dabei betont, dass die Wohngebiete im Norden besser an "
        "die Innenstadt angebunden werden.",
        "- erster Punkt",
        "- zweiter Punkt",
    ]


@pytest.mark.parametrize(("mode", "expected"), [
    ("join", "Kurze Zeile Zweite Zeile"),  # Markdown: a line break inside a paragraph is soft
    ("keep", "Kurze Zeile\nZweite Zeile"),  # HTML, DOCX: every line is a block
    ("guess", "Kurze Zeile\nZweite Zeile"),  # plain text: a short line is a heading
])
def test_line_modes(mode, expected):
    assert clean_text("Kurze Zeile\nZweite Zeile", mode) == expected


def test_cleaning_is_idempotent():
    raw = "Die Zusammen-\nfassung  des\u00a0Berichts.\n\n\nNord-\nSüd. ﬁn\u00ad"
    once = clean_text(raw)
    assert clean_text(once) == once
