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


# --- DatasetDict folders (load_dataset(name).save_to_disk) and --split ---------------------

SPLITS = {"train": slice(0, 2), "test": slice(2, None)}


def _save_dataset_dict(folder: Path, writer: str) -> Path:
    """A DatasetDict folder (dataset_dict.json and one save_to_disk folder per split),
    written by the datasets library, or in its layout by pyarrow where it is absent."""
    rows = _rows()
    if writer == "datasets":
        datasets = pytest.importorskip(
            "datasets", reason="the datasets library is not installed ([datasets] extra)")
        datasets.DatasetDict({name: datasets.Dataset.from_list(rows[part])
                              for name, part in SPLITS.items()}).save_to_disk(str(folder))
        return folder
    folder.mkdir()
    (folder / "dataset_dict.json").write_text(json.dumps({"splits": list(SPLITS)}))
    for name, part in SPLITS.items():
        split = folder / name
        split.mkdir()
        table = pa.Table.from_pylist(rows[part])
        with pa.OSFile(str(split / "data-00000-of-00001.arrow"), "wb") as sink:
            with pa.ipc.new_stream(sink, table.schema) as stream:
                stream.write_table(table)
        (split / "state.json").write_text(json.dumps({
            "_data_files": [{"filename": "data-00000-of-00001.arrow"}], "_split": name}))
    return folder


def _test_split_twin(tmp_path: Path) -> Path:
    """The JSONL of only the rows in the test split."""
    twin = _jsonl_twin(tmp_path)
    lines = twin.read_text(encoding="utf-8").splitlines(keepends=True)[SPLITS["test"]]
    path = tmp_path / "test-twin.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    return message


@pytest.mark.parametrize("writer", ["datasets", "pyarrow"])
def test_a_dataset_dict_folder_is_read_by_split(cli, tmp_path, writer):
    expected = _overall(cli, _test_split_twin(tmp_path), tmp_path / "jsonl")
    assert expected["n"] == 4
    folder = _save_dataset_dict(tmp_path / "dict", writer)
    got = _overall(cli, folder, tmp_path / "out", *FIELDS, "--split", "test")
    assert got == pytest.approx(expected)


@pytest.mark.parametrize("writer", ["datasets", "pyarrow"])
def test_a_wrong_split_names_the_splits_present(cli, tmp_path, writer):
    folder = _save_dataset_dict(tmp_path / "dict", writer)
    message = _one_line_error(cli("eval", folder, "--system", "lead-2", *FIELDS,
                                  "--split", "validation"))
    assert "validation" in message and "train, test" in message and str(folder) in message
    assert "JSON Lines" not in message


def test_a_dataset_dict_without_split_asks_for_one(cli, tmp_path):
    folder = _save_dataset_dict(tmp_path / "dict", "pyarrow")
    message = _one_line_error(cli("eval", folder, "--system", "lead-2", *FIELDS))
    assert "--split" in message and "train, test" in message


def test_split_on_a_single_split_folder_is_honoured_or_refused(cli, tmp_path):
    folder = _save_dataset_dict(tmp_path / "dict", "pyarrow") / "test"  # _split: test
    expected = _overall(cli, _test_split_twin(tmp_path), tmp_path / "jsonl")
    assert _overall(cli, folder, tmp_path / "out", *FIELDS, "--split", "test") == (
        pytest.approx(expected))
    message = _one_line_error(cli("eval", folder, "--system", "lead-2", *FIELDS,
                                  "--split", "train"))
    assert "only the split 'test'" in message and "JSON Lines" not in message


def test_split_on_a_folder_without_split_names_is_refused(cli, tmp_path):
    folder = _save_to_disk(tmp_path / "saved", "pyarrow")  # _split: None
    message = _one_line_error(cli("eval", folder, "--system", "lead-2", *FIELDS,
                                  "--split", "test"))
    assert "without split names" in message and "JSON Lines" not in message


def test_split_on_a_parquet_file_or_jsonl_file_is_refused(cli, tmp_path):
    import pyarrow.parquet

    parquet = tmp_path / "set.parquet"
    pyarrow.parquet.write_table(pa.Table.from_pylist(_rows()), parquet)
    message = _one_line_error(cli("eval", parquet, "--system", "lead-2", *FIELDS,
                                  "--split", "test"))
    assert "parquet file without splits" in message
    message = _one_line_error(cli("eval", _jsonl_twin(tmp_path), "--system", "lead-2",
                                  "--split", "test"))
    assert "JSON Lines" in message and "--split" in message


def test_a_plain_folder_is_never_called_a_jsonl_file(cli, tmp_path):
    folder = tmp_path / "plain"
    folder.mkdir()
    for extra in ((), ("--split", "test")):
        message = _one_line_error(cli("eval", folder, "--system", "lead-2", *extra))
        assert "JSON Lines" not in message and "dataset_dict.json" in message
