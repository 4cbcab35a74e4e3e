"""`summarise extract`: what a user sees is exactly the text the summariser is given."""

from __future__ import annotations

import json

import pytest
from reading_samples import (
    ENGLISH,
    GERMAN,
    HTML_PAGE,
    NAV,
    SCRIPT,
    STYLE,
    build_hostile_folder,
    make_docx,
    make_pdf,
    wrap,
)


def test_german_article_reads_the_same_from_cp1252_utf16_and_utf8(cli, tmp_path):
    build_hostile_folder(tmp_path)
    outputs = set()
    for name in ("de_cp1252.txt", "de_utf16.txt", "de_utf8.txt"):
        result = cli("extract", tmp_path / name)
        assert result.exit_code == 0, result.output
        outputs.add(result.stdout)
    assert outputs == {GERMAN + "\n"}
    assert all(ch in GERMAN for ch in "äöüßÄÜ€„“è")  # the sample really has them


def test_html_pdf_and_docx_give_their_text(cli, tmp_path):
    (tmp_path / "page.html").write_text(HTML_PAGE)
    make_pdf(tmp_path / "report.pdf", wrap(ENGLISH, 70))
    make_docx(tmp_path / "memo.docx", [GERMAN])
    result = cli("extract", tmp_path / "page.html", tmp_path / "report.pdf",
                 tmp_path / "memo.docx")
    assert result.exit_code == 0, result.output
    html, pdf, docx = result.stdout.split("\n\n==> ")
    assert html.startswith(f"==> {tmp_path / 'page.html'} <==\n")
    assert GERMAN in html and SCRIPT not in html and STYLE not in html and NAV not in html
    assert pdf == f"{tmp_path / 'report.pdf'} <==\n{ENGLISH}"
    assert docx == f"{tmp_path / 'memo.docx'} <==\nBericht\n\n{GERMAN}\n"


def test_json_lines_output_carries_id_source_format_and_text(cli, tmp_path):
    (tmp_path / "a.txt").write_bytes(GERMAN.encode("utf-16"))
    (tmp_path / "b.md").write_text(f"# Title\n\n{ENGLISH}")
    result = cli("extract", tmp_path, "--format", "json")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["format"], r["encoding"]) for r in records] == [
        ("a", "text", "utf-16"), ("b", "markdown", "utf-8")]
    assert records[0]["text"] == GERMAN and records[1]["text"] == f"Title\n\n{ENGLISH}"
    assert records[0]["words"] > 20 and len(records[0]["sha256"]) == 64


def test_bad_files_are_listed_on_stderr_and_the_rest_is_printed(cli, tmp_path):
    good, bad = build_hostile_folder(tmp_path / "in")
    result = cli("extract", tmp_path / "in", "--format", "json")
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == len(good)
    failed = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    for name in bad:
        assert sum(f"{tmp_path / 'in' / name}: " in line for line in failed) == 1, name
    assert "Traceback" not in result.output


def test_jsonl_records_and_their_failures(cli, tmp_path):
    data = tmp_path / "data.jsonl"
    data.write_text(json.dumps({"id": "x", "body": ENGLISH}) + "\n{broken\n")
    result = cli("extract", data, "--text-field", "body")
    assert result.exit_code == 1
    assert result.stdout == f"==> {data}:1 <==\n{ENGLISH}\n"
    assert f"{data}:2: is not valid JSON" in result.stderr


def test_stdin(cli):
    result = cli("extract", "-", input=ENGLISH)
    assert (result.exit_code, result.stdout) == (0, ENGLISH + "\n")


@pytest.mark.parametrize(("args", "message"), [
    (["extract", "missing.txt"], "missing.txt: no such file or folder"),
    (["extract", ".", "--format", "xml"], "--format 'xml'"),
    (["extract", "."], "no input files found"),
])
def test_usage_errors_exit_2(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_run_reports_every_bad_file_and_summarises_the_rest(cli, model_args, tmp_path):
    good, bad = build_hostile_folder(tmp_path / "in")
    for name in good[2:]:  # two good documents are enough here; model time is the cost
        (tmp_path / "in" / name).unlink()
    good = good[:2]
    out = tmp_path / "out"
    result = cli("run", tmp_path / "in", "--lang", "en", "--length", "short", "--out", out,
                 "--text-field", "text", *model_args)
    assert result.exit_code == 1, result.output
    manifest = json.loads((out / "run.json").read_text())
    failed = {entry["source"]: entry["reason"] for entry in manifest["failures"]}
    assert set(failed) == {str(tmp_path / "in" / name) for name in bad}
    for name in good:
        output = json.loads((out / name).with_suffix(".json").read_text())
        assert output["summaries"][0]["text"].strip()
    assert "Traceback" not in result.output


def test_json_shows_the_language_a_run_would_take(cli, tmp_path):
    (tmp_path / "de.txt").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "en.txt").write_text(ENGLISH, encoding="utf-8")
    declared = tmp_path / "declared.jsonl"
    declared.write_text(json.dumps({"id": "d", "lang": "en", "text": GERMAN}) + "\n",
                        encoding="utf-8")
    result = cli("extract", tmp_path, "--glob", "*.txt", "--glob", "*.jsonl",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    records = {r.get("record_id", r["id"]): r for r in map(json.loads, result.stdout.splitlines())}
    assert (records["de"]["lang"], records["de"]["lang_declared"]) == ("de", False)
    assert (records["en"]["lang"], records["en"]["lang_declared"]) == ("en", False)
    assert records["de"]["lang_confidence"] > 0.9
    # A record's own lang wins, as in a run, even over what the text looks like.
    assert (records["d"]["lang"], records["d"]["lang_declared"]) == ("en", True)
