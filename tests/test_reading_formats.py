"""Each supported format gives its words, and only its words, as clean text."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from reading_samples import (
    ENGLISH,
    FOOTER,
    GERMAN,
    HTML_PAGE,
    NAV,
    SCRIPT,
    STYLE,
    make_docx,
    make_pdf,
    wrap,
)
from summarise.documents import Document, Failure, Source
from summarise.reading import read_source


def read_one(path: Path, **kwargs) -> Document:
    items = read_source(Source(path, path.stem), **kwargs)
    assert len(items) == 1 and isinstance(items[0], Document), items
    return items[0]


def refusal(path: Path) -> str:
    """The reason of the one ``Failure`` reading a whole file gives."""
    [failure] = read_source(Source(path, path.stem))
    assert isinstance(failure, Failure) and failure.source == str(path), failure
    return failure.reason


def test_html_page_gives_the_article_without_script_style_navigation_or_footer(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(HTML_PAGE, encoding="utf-8")
    document = read_one(page)
    assert GERMAN in document.text
    assert "Weitere Informationen folgen in der nächsten Woche" in document.text
    for furniture in (SCRIPT, STYLE, NAV.split()[0], FOOTER, "<p>", "&"):
        assert furniture not in document.text
    assert document.meta["format"] == "html"


@pytest.mark.parametrize("markup", [
    f"<p>{ENGLISH}</p><script>trackVisitor()</script>",  # a bare fragment
    f"<html><body><nav>Startseite</nav><div>{ENGLISH}</div></body></html>",
], ids=["fragment", "tiny-page"])
def test_small_html_still_gives_its_text(tmp_path, markup):
    page = tmp_path / "small.htm"
    page.write_text(markup)
    text = read_one(page).text
    assert ENGLISH in text and SCRIPT not in text and "Startseite" not in text


def test_html_in_a_legacy_encoding_follows_its_meta_charset(tmp_path):
    page = tmp_path / "alt.html"
    page.write_bytes(f'<html><head><meta charset="windows-1252"></head><body><p>{GERMAN}</p>'
                     "</body></html>".encode("cp1252"))
    assert read_one(page).text == GERMAN


def test_markdown_loses_its_markup_but_keeps_its_words(tmp_path):
    source = tmp_path / "notes.md"
    source.write_text(
        "---\ntitle: Notiz\n---\n# Neue *Linien*\n\n"
        "Die [Stadt](https://example.org) plant **drei** neue Linien; die Zusammen-\n"
        "fassung folgt.<script>track()</script>\n\n- Linie 7 nach Norden\n"
        "- Linie 8 zum `Bahnhof`\n\n"
        f"| Linie | Ziel |\n|---|---|\n| 7 | Nord |\n\n{GERMAN}\n")
    text = read_one(source).text
    assert text.startswith("Neue Linien\n\nDie Stadt plant drei neue Linien; die "
                           "Zusammenfassung folgt.\n\nLinie 7 nach Norden\n\nLinie 8 zum Bahnhof")
    assert "7 | Nord" in text and GERMAN in text
    for markup in ("#", "*", "[", "](", "`", "---", "title:", "https://", "track", "<"):
        assert markup not in text


def test_pdf_text_layer_is_read_with_its_lines_rejoined(tmp_path):
    lines = wrap(GERMAN, 70)
    pdf = make_pdf(tmp_path / "report.pdf", lines)
    document = read_one(pdf)
    assert document.text == GERMAN
    assert document.meta == {"format": "pdf"}


def test_docx_paragraphs_and_tables_are_read_in_order(tmp_path):
    path = make_docx(tmp_path / "report.docx", [GERMAN, ENGLISH],
                     table=[["Linie", "Ziel"], ["7", "Nord"]])
    assert read_one(path).text == f"Bericht\n\n{GERMAN}\n\n{ENGLISH}\n\nLinie | Ziel\n\n7 | Nord"


@pytest.mark.parametrize(("name", "maker", "fmt"), [
    ("renamed-pdf.txt", lambda p: make_pdf(p, wrap(ENGLISH)), "pdf"),
    ("renamed-docx.txt", lambda p: make_docx(p, [ENGLISH]), "docx"),
    ("no-extension", lambda p: p.write_text(f"<!DOCTYPE html><html><p>{ENGLISH}</p></html>"),
     "html"),
    ("README", lambda p: p.write_text(ENGLISH), "text"),
])
def test_content_decides_when_the_name_does_not(tmp_path, name, maker, fmt):
    path = tmp_path / name
    maker(path)
    document = read_one(path)
    assert document.meta["format"] == fmt
    assert "tram lines" in document.text


def zip_bytes(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("sheet.xlsx", b"PK\x03\x04 not really a workbook", "unsupported file type '.xlsx'"),
    ("real.xlsx", zip_bytes({"xl/workbook.xml": "<workbook/>"}), "is an Excel workbook"),
    ("bundle.txt", zip_bytes({"a.txt": "hello"}), "is a ZIP archive"),
    ("data.csv", b"a,b\n1,2\n", "unsupported file type '.csv'"),
    ("fake.pdf", ENGLISH.encode(), "not a PDF"),
    ("fake.docx", ENGLISH.encode(), "not a Word document"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", "is not a readable PDF"),
    ("broken.docx", b"PK\x03\x04\x14\x00garbage", "damaged ZIP"),
    ("old.txt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "old Microsoft Office file"),
    ("script.html", b"<html><script>var x = 1;</script></html>", "no readable text"),
])
def test_wrong_or_unsupported_files_are_refused_with_a_reason(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    message = refusal(path)
    assert message.startswith(f"{path}: ") and reason in message


def test_pdf_without_a_text_layer_asks_for_ocr(tmp_path):
    path = make_pdf(tmp_path / "scan.pdf", [])
    assert re.search("no text layer.*OCR", refusal(path))


def write_jsonl(path: Path, lines: list) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
                    encoding="utf-8")
    return path


def test_jsonl_gives_a_document_per_good_record_and_a_failure_per_bad_one(tmp_path):
    path = write_jsonl(tmp_path / "data.jsonl", [
        {"id": "a1", "text": GERMAN, "lang": "de-DE"},
        {"text": ENGLISH},                                # no id: named by its line
        "{not json",
        {"id": "b2", "body": ENGLISH},                    # no text field
        {"id": "c3", "text": 42},
        {"id": "a1", "text": ENGLISH},                    # id used twice
        {"id": "d4", "text": "Zu kurz."},
        {"id": "e5", "text": ENGLISH, "lang": "fr"},
        "",
        ["a list"],
        {"id": "../../etc/passwd", "text": ENGLISH, "lang": "English"},
    ])
    items = read_source(Source(path, "data"))
    documents = [i for i in items if isinstance(i, Document)]
    failures = {i.source: i.reason for i in items if isinstance(i, Failure)}
    assert [(d.id, d.lang) for d in documents] == [
        ("data/a1", "de"), ("data/2", None), ("data/etc_passwd", "en")]
    assert documents[0].text == GERMAN and documents[0].source == f"{path}:1"
    assert documents[0].meta["record_id"] == "a1" and documents[0].meta["line"] == 1
    expected = {3: "not valid JSON", 4: "no 'text' field", 5: "is a number, not text",
                6: "already used on line 1", 7: "too short", 8: "neither German nor English",
                10: "not a JSON object"}
    assert set(failures) == {f"{path}:{n}" for n in expected}
    for line, reason in expected.items():
        assert failures[f"{path}:{line}"].startswith(f"{path}:{line}: ")
        assert reason in failures[f"{path}:{line}"]


def test_jsonl_text_field_can_reach_into_nested_records(tmp_path):
    path = write_jsonl(tmp_path / "nested.jsonl", [{"id": 7, "article": {"body": ENGLISH}}])
    [document] = read_source(Source(path, "nested"), text_field="article.body")
    assert (document.id, document.text) == ("nested/7", ENGLISH)


@pytest.mark.parametrize(("lines", "reason"), [
    (["just some text", "and more"], "is not JSON Lines"),
    (["", "   "], "no records"),
])
def test_jsonl_file_without_any_record_is_one_failure(tmp_path, lines, reason):
    path = write_jsonl(tmp_path / "bad.jsonl", lines)
    assert re.search(reason, refusal(path))
