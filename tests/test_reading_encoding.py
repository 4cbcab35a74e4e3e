"""Bytes to text: every encoding a German or English file turns up in reads the same."""

from __future__ import annotations

import codecs

import pytest
from reading_samples import ENGLISH, GERMAN
from summarise.errors import DocumentError
from summarise.reading.encoding import decode


@pytest.mark.parametrize(("raw", "encoding"), [
    (GERMAN.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + GERMAN.encode("utf-8"), "utf-8"),
    (GERMAN.encode("utf-16"), "utf-16"),  # with BOM, native order
    (codecs.BOM_UTF16_BE + GERMAN.encode("utf-16-be"), "utf-16"),
    (GERMAN.encode("utf-16-le"), "utf-16-le"),  # no BOM: told by its NUL bytes
    (GERMAN.encode("utf-32"), "utf-32"),
    (GERMAN.encode("cp1252"), "cp1252"),
], ids=["utf8", "utf8-bom", "utf16-bom", "utf16be-bom", "utf16le-no-bom", "utf32", "cp1252"])
def test_german_text_reads_the_same_in_every_encoding(raw, encoding):
    decoded = decode(raw, "article.txt")
    assert decoded.text == GERMAN
    assert decoded.encoding == encoding


def test_latin1_file_reads_as_its_text():
    text = "Müller & Söhne: Größe, Maß und Übersicht. " * 3
    assert decode(text.encode("latin-1"), "a.txt").text == text


@pytest.mark.parametrize("text", ["Bär", "Grüße aus Köln", ENGLISH.replace("euros", "€")])
def test_short_or_mostly_ascii_cp1252_is_not_mistaken_for_an_asian_code_page(text):
    assert decode(text.encode("cp1252"), "a.txt").text == text


def test_utf8_with_a_stray_cp1252_byte_keeps_its_utf8_characters():
    raw = "Grüße aus Köln und München. ".encode() * 3 + b"Preis: 5 \x80."
    assert decode(raw, "a.txt").text == "Grüße aus Köln und München. " * 3 + "Preis: 5 €."


def test_declared_encoding_is_used_when_it_fits():
    raw = "Ärger über Öl".encode("iso8859_15")
    assert decode(raw, "page.html", declared="iso-8859-15").text == "Ärger über Öl"


@pytest.mark.parametrize(("raw", "reason"), [
    (bytes(range(256)) * 4, "binary"),
    (b"\x81\x8d\x8f\x90\x9d" * 40, "cannot tell its text encoding"),
    (codecs.BOM_UTF8 + b"caf\xe9 \xff\xfe", "byte-order mark but is not valid UTF-8"),
    (b"text\x01\x02\x03\x04\x05\x06" * 5, "binary"),
], ids=["nul-bytes", "undecodable", "broken-bom", "control-characters"])
def test_bytes_that_are_not_text_are_refused_with_the_path_and_a_reason(raw, reason):
    with pytest.raises(DocumentError) as caught:
        decode(raw, "bad.txt")
    message = str(caught.value)
    assert message.startswith("bad.txt: ")
    assert reason in message
    assert "; " in message  # what to do
