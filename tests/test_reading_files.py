"""Bad files and odd folder entries become one-line reasons; folders are walked safely."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from reading_samples import ENGLISH, GERMAN, build_hostile_folder
from summarise.documents import Document, Failure, Source
from summarise.errors import UsageError
from summarise.reading import discover, read_source

REASONS = {
    "empty.txt": "is empty",
    "blank.txt": "only whitespace",
    "image.txt": "PNG image",
    "noise.txt": "binary",
    "undecodable.txt": "cannot tell its text encoding",
    "short.txt": "too short to summarise",
    "broken.txt": "broken symbolic link",
    "loop.txt": "symbolic link loop",
    "dir.txt": "is a folder, not a file",
}


def reason_for(path: Path) -> str:
    [failure] = read_source(Source(path, path.stem))
    assert isinstance(failure, Failure) and failure.source == str(path)
    return failure.reason


def test_every_bad_entry_of_a_folder_is_found_and_gets_its_reason(tmp_path):
    good, bad = build_hostile_folder(tmp_path / "in")
    assert sorted(REASONS) == bad
    sources = {s.path.name: s for s in discover([tmp_path / "in"])}
    assert set(sources) == {*good, *bad}
    for name in bad:
        message = reason_for(sources[name].path)
        assert message.startswith(f"{sources[name].path}: "), message
        assert REASONS[name] in message, message
        assert "; " in message and "\n" not in message  # one line that says what to do
    for name in good:
        [document] = read_source(sources[name])
        assert GERMAN in document.text or "tram lines" in document.text


def test_german_copies_in_any_encoding_give_the_same_text(tmp_path):
    build_hostile_folder(tmp_path)
    texts = {name: read_source(Source(tmp_path / name, "x"))[0].text
             for name in ("de_utf8.txt", "de_utf8_bom.txt", "de_cp1252.txt", "de_utf16.txt")}
    assert set(texts.values()) == {GERMAN}


def test_unreadable_file_is_reported(tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text(ENGLISH)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("summarise.reading.files.open", refuse, raising=False)
    assert "permission denied" in reason_for(path)


def test_fifo_is_refused_instead_of_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert "not a regular file" in reason_for(fifo)


def test_stdin_is_read_and_sniffed(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(GERMAN.encode("cp1252"))))
    [document] = read_source(Source(Path("-"), "stdin"))
    assert (document.text, document.source) == (GERMAN, "<stdin>")


def test_walk_skips_hidden_entries_matches_case_insensitively_and_survives_link_loops(
        tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    for name in ("a.txt", "B.TXT", "sub/c.md", "sub/deeper/d.txt", "e.pdf", ".hidden.txt",
                 "f.csv"):
        (tmp_path / name).write_text(ENGLISH)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text(ENGLISH)
    os.symlink(tmp_path, tmp_path / "sub" / "deeper" / "up")  # a folder loop
    ids = [s.id for s in discover([tmp_path])]
    # The loop is not walked, but listed (whatever its name) so that reading reports it.
    assert ids == ["B", "a", "e", "sub/c", "sub/deeper/d", "sub/deeper/up"]  # no f.csv
    assert [s.id for s in discover([tmp_path], ("*.pdf", "deeper/*.txt"))] == [
        "e", "sub/deeper/d", "sub/deeper/up"]


def test_files_given_explicitly_are_taken_whatever_their_type(tmp_path):
    for name in ("x.xlsx", "notes"):
        (tmp_path / name).write_bytes(b"data")
    os.symlink("gone", tmp_path / "dangling.txt")
    paths = [tmp_path / "x.xlsx", tmp_path / "notes", tmp_path / "dangling.txt", Path("-")]
    assert [s.id for s in discover(paths)] == ["x", "notes", "dangling", "stdin"]
    with pytest.raises(UsageError, match="no such file"):
        discover([tmp_path / "typo.txt"])


def test_a_good_document_keeps_its_id_and_records_format_and_encoding(tmp_path):
    path = tmp_path / "article.txt"
    path.write_bytes(GERMAN.encode("cp1252"))
    [document] = read_source(Source(path, "folder/article"))
    assert isinstance(document, Document)
    assert (document.id, document.source) == ("folder/article", str(path))
    assert document.meta == {"format": "text", "encoding": "cp1252"}
