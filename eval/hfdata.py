"""Hugging Face datasets as evaluation input: a ``save_to_disk`` folder, a Parquet or
Arrow file, or (on a connected machine) a hub id.

Local sets are read with pyarrow directly (``save_to_disk`` writes Arrow IPC streams
listed in ``state.json``), so no network and no ``datasets`` import is needed.  A
``DatasetDict`` (what ``load_dataset(name).save_to_disk`` writes) is a folder with
``dataset_dict.json`` listing its splits and one such folder per split; ``--split``
picks one.  ``--split`` on a set with a single split is honoured when it names that
split and refused otherwise, never ignored.  A hub id
goes through ``datasets.load_dataset`` after a quick check that the hub answers, so an
offline machine gets one line at once instead of retries.  Rows become the records of
``datasets.py`` with ``--text-field`` / ``--summary-field`` naming their columns (e.g.
``article`` / ``highlights`` for ``cnn_dailymail``); a row without ``lang`` gets the
language detected from its text.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..errors import UsageError

INSTALL = "pip install 'summarise[datasets]'"
LOCAL_SUFFIXES = (".parquet", ".arrow")
HUB_TIMEOUT = 5.0


DICT_FILE = "dataset_dict.json"


def is_local_set(path: Path) -> bool:
    """A ``save_to_disk`` folder (one ``Dataset`` or a ``DatasetDict``), or a
    Parquet/Arrow file."""
    return (path.is_dir() and ((path / "state.json").is_file()
                               or (path / DICT_FILE).is_file())) or (
        path.is_file() and path.suffix in LOCAL_SUFFIXES)


def split_names(path: Path) -> list[str]:
    """The splits a ``DatasetDict`` folder lists in ``dataset_dict.json``."""
    try:
        splits = json.loads((path / DICT_FILE).read_text(encoding="utf-8"))["splits"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{path / DICT_FILE}: not a readable dataset_dict.json "
                         f"({type(exc).__name__}: {exc}); save the set again with "
                         "save_to_disk") from None
    if not isinstance(splits, list) or not all(isinstance(s, str) for s in splits):
        raise UsageError(f"{path / DICT_FILE}: 'splits' must be a list of names")
    return splits


def choose_split(path: Path, split: str | None) -> Path:
    """The folder of one split: ``path`` itself for a single ``Dataset``, the split's
    subfolder for a ``DatasetDict``.  A split that is not there is a ``UsageError``
    naming the splits present."""
    if path.is_file():
        if split is not None:
            raise UsageError(f"--split {split}: {path} is a single {path.suffix[1:]} file "
                             "without splits; leave out --split")
        return path
    if not (path / DICT_FILE).is_file():
        own = _own_split(path)
        if split is not None and split != own:
            holds = f"only the split {own!r}" if own else "one dataset without split names"
            raise UsageError(f"--split {split}: {path} holds {holds}; leave out --split or "
                             "give the folder of the whole DatasetDict")
        return path
    splits = split_names(path)
    if split is None:
        if len(splits) == 1:
            return path / splits[0]
        raise UsageError(f"{path} holds the splits {', '.join(splits)}; choose one with "
                         "--split NAME")
    if split not in splits:
        raise UsageError(f"--split {split}: {path} has no such split; it holds "
                         f"{', '.join(splits) or 'none'}")
    folder = path / split
    if not (folder / "state.json").is_file():
        raise UsageError(f"{folder}: split {split!r} is listed in {DICT_FILE} but its folder "
                         "has no state.json; save the set again with save_to_disk")
    return folder


def _own_split(folder: Path) -> str | None:
    """The split name a single ``save_to_disk`` folder records (``_split``), if any."""
    try:
        split = json.loads((folder / "state.json").read_text(encoding="utf-8")).get("_split")
    except (OSError, ValueError, AttributeError):
        return None
    return split if isinstance(split, str) else None


def looks_like_hub_id(name: str) -> bool:
    """``cnn_dailymail`` or ``owner/name``: no file suffix, at most one slash."""
    return (name.count("/") <= 1 and not Path(name).suffix and not name.startswith(".")
            and all(part for part in name.split("/")))


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.ipc
        import pyarrow.parquet
    except ImportError:
        raise UsageError(f"reading Parquet/Arrow datasets needs pyarrow: {INSTALL}") from None
    return pyarrow


def _arrow_table(file: Path):
    pa = _pyarrow()
    try:
        with pa.memory_map(str(file)) as source:
            return pa.ipc.open_stream(source).read_all()
    except pa.ArrowInvalid:
        with pa.memory_map(str(file)) as source:
            return pa.ipc.open_file(source).read_all()


def read_local(path: Path, split: str | None = None) -> tuple[list[dict], str]:
    """Rows of a local set (of ``split`` for a ``DatasetDict``) and the sha256 of its
    data files."""
    path = choose_split(path, split)
    pa = _pyarrow()
    try:
        if path.is_dir():
            state = json.loads((path / "state.json").read_text(encoding="utf-8"))
            files = [path / entry["filename"] for entry in state.get("_data_files", [])]
            if not files:
                raise UsageError(f"{path}: state.json lists no data files")
            tables = [_arrow_table(f) for f in files]
            table = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
        elif path.suffix == ".parquet":
            files = [path]
            table = pa.parquet.read_table(path)
        else:
            files = [path]
            table = _arrow_table(path)
    except (OSError, ValueError, KeyError, pa.ArrowException) as exc:
        raise UsageError(f"{path}: not a readable Hugging Face dataset ({exc})") from None
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.read_bytes())
    return table.to_pylist(), digest.hexdigest()


def _offline() -> bool:
    return any(os.environ.get(name, "").lower() in ("1", "true", "yes", "on")
               for name in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"))


def read_hub(name: str, config: str | None, split: str) -> tuple[list[dict], str]:
    """Rows of a hub dataset's split, and the sha256 of their JSON."""
    where = f"{name}" + (f" ({config})" if config else "")
    fix = (f"on a connected machine save it with datasets.load_dataset({name!r}"
           + (f", {config!r}" if config else "") + f", split={split!r}).save_to_disk(DIR) "
           "and pass DIR")
    if _offline():
        raise UsageError(f"{where} is not a local file or folder and the Hugging Face Hub "
                         f"is offline (HF_HUB_OFFLINE); {fix}")
    try:
        from huggingface_hub import HfApi

        HfApi().dataset_info(name, timeout=HUB_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - any failure here means: not reachable
        raise UsageError(f"{where} is not a local file or folder and the Hugging Face Hub "
                         f"cannot be reached or does not know it ({type(exc).__name__}); "
                         f"{fix}") from None
    try:
        import datasets
    except ImportError:
        raise UsageError(f"loading {where} from the hub needs the datasets library: "
                         f"{INSTALL}") from None
    try:
        rows = datasets.load_dataset(name, config, split=split).to_list()
    except Exception as exc:  # noqa: BLE001 - the library raises many kinds
        raise UsageError(f"{where}: datasets.load_dataset failed ({exc})") from None
    data = json.dumps(rows, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
    return rows, hashlib.sha256(data).hexdigest()


def to_records(rows: list[dict], text_field: str, summary_field: str) -> list[dict]:
    """Rows as the JSON records ``datasets.py`` reads (id, lang, text, summary, ...)."""
    from ..config import LANGS
    from ..langdetect import detect_language

    records = []
    for index, row in enumerate(rows):
        record = {k: v for k, v in row.items() if k not in (text_field, summary_field)}
        record["text"] = row.get(text_field)
        if summary_field in row:
            record["summary"] = row[summary_field]
        record["id"] = str(row.get("id", index))
        if record.get("lang") not in LANGS:
            language = row.get("language")
            record["lang"] = language if language in LANGS else (
                detect_language(record["text"]).lang if isinstance(record["text"], str)
                else None)
        records.append(record)
    return records
