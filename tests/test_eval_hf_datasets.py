"""Hugging Face datasets as eval input, offline: Parquet and save_to_disk sets the test
writes give the same scores as the JSONL they came from; a hub id fails at once, in one
line, when the hub is offline."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed ([datasets] extra)")

DE_NEWS = Path(__file__).parent / "data" / "eval" / "de-news-20min.jsonl"
FAST = ("--bootstrap", "100", "--metric", "rouge", "--metric", "chrf", "--length", "short")


def _rows() -> list[dict]:
    """The German slice with the columns named as in cnn_dailymail, id as a number."""
    records = [json.loads(line) for line in DE_NEWS.read_text(encoding="utf-8").splitlines()]
    return [{"id": i, "article": r["text"], "highlights": r["summary"], "lang": "de",
             "title": r.get("title", "")} for i, r in enumerate(records)]


def _jsonl_twin(tmp_path: Path) -> Path:
    path = tmp_path / "twin.jsonl"
    path.write_text("".join(json.dumps({"id": str(r["id"]), "lang": "de", "text": r["article"],
                                        "summary": r["highlights"]}, ensure_ascii=False) + "\n"
                            for r in _rows()), encoding="utf-8")
    return path


def _save_to_disk(folder: Path, writer: str) -> Path:
    """A save_to_disk folder, written by the datasets library itself, or in its layout
    (an Arrow IPC stream listed in state.json) by pyarrow where the library is absent."""
    if writer == "datasets":
        datasets = pytest.importorskip(
            "datasets", reason="the datasets library is not installed ([datasets] extra)")
        datasets.Dataset.from_list(_rows()).save_to_disk(str(folder))
        return folder
    folder.mkdir()
    table = pa.Table.from_pylist(_rows())
    with pa.OSFile(str(folder / "data-00000-of-00001.arrow"), "wb") as sink:
        with pa.ipc.new_stream(sink, table.schema) as stream:
            stream.write_table(table)
    (folder / "state.json").write_text(json.dumps({
        "_data_files": [{"filename": "data-00000-of-00001.arrow"}], "_split": None}))
    (folder / "dataset_info.json").write_text("{}")
    return folder


def _overall(cli, dataset: Path, out: Path, *extra) -> dict:
    result = cli("eval", dataset, "--system", "lead-2", "--out", out, *FAST, *extra)
    assert result.exit_code == 0, result.output
    scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    return {"rouge1": scores["aggregate"]["overall"]["rouge1_f"]["mean"],
            "chrf": scores["corpus"]["chrf"], "n": len(scores["documents"])}


FIELDS = ("--text-field", "article", "--summary-field", "highlights")


def test_parquet_scores_like_the_jsonl_it_holds(cli, tmp_path):
    import pyarrow.parquet

    expected = _overall(cli, _jsonl_twin(tmp_path), tmp_path / "jsonl")
    parquet = tmp_path / "set.parquet"
    pyarrow.parquet.write_table(pa.Table.from_pylist(_rows()), parquet)
    assert _overall(cli, parquet, tmp_path / "parquet", *FIELDS) == pytest.approx(expected)


@pytest.mark.parametrize("writer", ["datasets", "pyarrow"])
def test_save_to_disk_folder_scores_like_the_jsonl_it_holds(cli, tmp_path, writer):
    expected = _overall(cli, _jsonl_twin(tmp_path), tmp_path / "jsonl")
    folder = _save_to_disk(tmp_path / "saved", writer)
    assert _overall(cli, folder, tmp_path / "out", *FIELDS) == pytest.approx(expected)


def test_a_missing_column_names_the_field(cli, tmp_path):
    import pyarrow.parquet

    parquet = tmp_path / "set.parquet"
    pyarrow.parquet.write_table(pa.Table.from_pylist(_rows()), parquet)
    result = cli("eval", parquet, "--system", "lead-2", *FAST)  # columns are article/...
    assert result.exit_code == 2 and "row 1" in result.stderr and "'text'" in result.stderr


@pytest.mark.parametrize("args", [
    ("cnn_dailymail", "--dataset-config", "3.0.0", "--split", "test"),
    ("mlsum", "--dataset-config", "de"),
])
def test_a_hub_id_offline_fails_at_once_in_one_line(cli, monkeypatch, args):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    started = time.perf_counter()
    result = cli("eval", *args, "--system", "lead-3")
    assert time.perf_counter() - started < 5
    assert result.exit_code == 2 and "Traceback" not in result.output
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "offline" in message and "save_to_disk" in message and args[0] in message
