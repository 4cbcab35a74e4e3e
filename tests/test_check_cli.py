"""``summarise check FILE``: summaries written anywhere, checked against their sources
(issue 23, item 4): JSON Lines out, the eval readers in, ``--fail-on``, clear errors, and
no model library imported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from summarise.checks import CHECK_NAMES
from summarise.commands.check import LISTED_CHECKS
from test_cold_start import heavy_modules_after

ARTICLES = Path(__file__).parent / "data" / "checks" / "articles.jsonl"
BRIDGE = json.loads(ARTICLES.read_text("utf-8").splitlines()[0])
INVENTED = BRIDGE["summary"].replace("18 million", "23 million")


def _records() -> list[dict]:
    return [{"id": "faithful", "text": BRIDGE["text"], "summary": BRIDGE["summary"],
             "lang": "en"},
            {"id": "invented", "text": BRIDGE["text"], "summary": INVENTED}]  # lang detected


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_writes_one_object_per_record_with_offsets_into_the_text(cli, tmp_path):
    result = cli("check", _write_jsonl(tmp_path / "in.jsonl", _records()))
    assert result.exit_code == 0, result.output
    out = _lines(result.stdout)
    assert [o["id"] for o in out] == ["faithful", "invented"]
    assert all(set(o) == {"id", "checks", "sentences"} for o in out)
    assert out[0]["checks"]["numbers"]["ok"] and not out[1]["checks"]["numbers"]["ok"]
    assert out[1]["checks"]["numbers"]["unsupported"][0]["text"] == "23 million"
    first = out[0]["sentences"][0]
    quoted = [BRIDGE["text"][start:end] for start, end in first["sources"]]
    assert quoted == ["The city council of Riverton voted on Tuesday to replace the Old Mill "
                      "Bridge, which was built in 1931.", "The new bridge will cost 18 "
                      "million dollars and should open in 2027."]
    assert first["support"] == 1.0


def test_out_writes_checks_jsonl_and_fail_on_exits_1(cli, tmp_path):
    source = _write_jsonl(tmp_path / "in.jsonl", _records())
    result = cli("check", source, "--out", tmp_path / "checked", "--fail-on", "numbers")
    assert result.exit_code == 1
    written = _lines((tmp_path / "checked" / "checks.jsonl").read_text("utf-8"))
    assert [o["id"] for o in written] == ["faithful", "invented"]  # every record written
    assert "record invented failed: numbers" in result.output
    assert "faithful" not in result.output
    assert result.stdout == ""
    assert cli("check", source, "--fail-on", "names,language").exit_code == 0


def test_parquet_and_save_to_disk_folders_are_read_like_jsonl(cli, tmp_path):
    pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed ([datasets] extra)")
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist([{**r, "lang": "en"} for r in _records()])
    pq.write_table(table, tmp_path / "in.parquet")
    folder = tmp_path / "saved"
    folder.mkdir()
    with pa.OSFile(str(folder / "data-00000-of-00001.arrow"), "wb") as sink:
        with pa.ipc.new_stream(sink, table.schema) as stream:
            stream.write_table(table)
    (folder / "state.json").write_text(json.dumps({
        "_data_files": [{"filename": "data-00000-of-00001.arrow"}], "_split": None}))
    expected = _lines(cli("check", _write_jsonl(tmp_path / "in.jsonl", _records())).stdout)
    for path in (tmp_path / "in.parquet", folder):
        result = cli("check", path)
        assert result.exit_code == 0, result.output
        assert _lines(result.stdout) == expected


@pytest.mark.parametrize(("rows", "message"), [
    ([{"text": "Ein Text."}], "line 1: needs a non-empty string 'summary'"),
    ([{"text": "Some text here.", "summary": "x", "lang": "fr"}], "'lang' must be de or en"),
    ([{"text": "Some text.", "summary": "Some.", "lang": "en", "summary_lang": "it"}],
     "'summary_lang' must be de or en"),
])
def test_a_bad_record_is_one_line_naming_file_and_line(cli, tmp_path, rows, message):
    path = _write_jsonl(tmp_path / "bad.jsonl", rows)
    result = cli("check", path)
    assert result.exit_code == 2
    assert message in result.output and str(path) in result.output
    assert "Traceback" not in result.output


def test_not_json_and_missing_file_and_unknown_check_are_usage_errors(cli, tmp_path):
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "a", "summary"\n', encoding="utf-8")
    result = cli("check", broken)
    assert result.exit_code == 2 and f"{broken} line 1: not valid JSON" in result.output
    result = cli("check", tmp_path / "absent.jsonl")
    assert result.exit_code == 2 and "no such file" in result.output
    result = cli("check", _write_jsonl(tmp_path / "in.jsonl", _records()), "--fail-on",
                 "numbers,invented")
    assert result.exit_code == 2
    assert "--fail-on invented: unknown check" in result.output


def test_help_lists_every_check():
    assert LISTED_CHECKS == CHECK_NAMES


def test_check_imports_no_model_library(tmp_path):
    code, heavy = heavy_modules_after("check", str(_write_jsonl(tmp_path / "in.jsonl",
                                                                _records())))
    assert code == 0
    assert heavy == []
