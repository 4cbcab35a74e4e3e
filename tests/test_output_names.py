"""Which files a folder gives, and the output name each gets: a name depends only on the
path a document came from, never on what else is on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reading_samples import ENGLISH, HTML_PAGE, make_docx, make_pdf, wrap
from summarise.errors import UsageError
from summarise.reading import discover, find_sources


def ids(paths: list[Path], *globs: str) -> list[str]:
    return [s.id for s in (discover(paths, globs) if globs else discover(paths))]


def outputs(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json")
                  if p.name != "run.json")


def test_a_folder_keeps_its_names_when_another_path_joins_it(tmp_path):
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    for name in ("a.txt", "sub/b.md"):
        (docs / name).write_text(ENGLISH)
    (tmp_path / "other.txt").write_text(ENGLISH)
    alone = ids([docs])
    assert alone == ["a", "sub/b"]
    assert ids([docs, tmp_path / "other.txt"]) == [*alone, "other"]
    assert ids([tmp_path / "other.txt", docs]) == ["other", *alone]


def test_folders_are_mirrored_under_their_own_name_only_when_names_would_collide(tmp_path):
    for folder in ("news", "blog"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.txt").write_text(ENGLISH)
    (tmp_path / "blog" / "b.txt").write_text(ENGLISH)
    (tmp_path / "c.txt").write_text(ENGLISH)
    # news/a and blog/a would both be "a": both folders are mirrored, the lone file is not.
    assert ids([tmp_path / "news", tmp_path / "blog", tmp_path / "c.txt"]) == [
        "news/a", "blog/a", "blog/b", "c"]
    # A file given directly that clashes with a folder's file: the folder moves, not the file.
    assert ids([tmp_path / "blog", tmp_path / "news" / "a.txt"]) == ["blog/a", "blog/b", "a"]


def test_two_folders_of_the_same_name_are_refused_naming_both(tmp_path):
    for parent in ("x", "y"):
        (tmp_path / parent / "docs").mkdir(parents=True)
        (tmp_path / parent / "docs" / "a.txt").write_text(ENGLISH)
    with pytest.raises(UsageError, match=r"x/docs/a.txt and .*y/docs/a.txt would both be"):
        discover([tmp_path / "x" / "docs", tmp_path / "y" / "docs"])


def test_a_folder_gives_every_format_but_json_lines_and_glob_narrows_it(tmp_path):
    for name in ("a.txt", "b.md", "c.html", "d.htm", "e.pdf", "f.docx", "g.jsonl", "h.csv"):
        (tmp_path / name).write_text("x")
    assert ids([tmp_path]) == ["a", "b", "c", "d", "e", "f"]
    assert ids([tmp_path], "*.pdf") == ["e"]
    assert ids([tmp_path], "*.jsonl") == ["g"]  # a dataset, read when asked for
    assert ids([tmp_path / "g.jsonl"]) == ["g"]  # or named


def test_no_files_found_says_how_to_read_json_lines(tmp_path):
    (tmp_path / "feed.jsonl").write_text("{}\n")
    with pytest.raises(UsageError, match=r"--glob '\*\.jsonl'"):
        find_sources([tmp_path])


def test_run_help_says_which_formats_a_folder_gives(cli):
    text = " ".join(cli("run", "--help").output.split())
    assert "txt, md, html/htm, pdf, docx" in text
    assert "JSON Lines only when named" in text


def test_a_folder_of_pdf_docx_and_html_gives_three_outputs(cli, model_args, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    make_pdf(folder / "report.pdf", wrap(ENGLISH))
    make_docx(folder / "letter.docx", [ENGLISH])
    (folder / "page.html").write_text(HTML_PAGE, encoding="utf-8")
    out = tmp_path / "out"
    result = cli(folder, "--lang", "en", "--length", "short", "--out", out, "-q", *model_args)
    assert result.exit_code == 0, result.output
    assert outputs(out) == ["letter.json", "page.json", "report.json"]
    formats = {json.loads((out / name).read_text())["meta"]["format"]
               for name in outputs(out)}
    assert formats == {"pdf", "docx", "html"}


def test_a_rerun_with_one_more_path_skips_everything_already_done(cli, model_args, tmp_path):
    folder = tmp_path / "D"
    (folder / "sub").mkdir(parents=True)
    for name in ("a.txt", "sub/b.txt"):
        (folder / name).write_text(f"{ENGLISH} {name}.", encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text(f"{ENGLISH} Other.", encoding="utf-8")
    out = tmp_path / "X"
    common = ("--lang", "en", "--length", "short", "--out", out, *model_args)
    first = cli(folder, *common)
    assert first.exit_code == 0, first.output
    before = {name: (out / name).read_bytes() for name in outputs(out)}
    assert sorted(before) == ["a.json", "sub/b.json"]

    second = cli(folder, other, *common)
    assert second.exit_code == 0, second.output
    assert "1 summarised, 2 up to date (skipped)" in second.output
    assert outputs(out) == ["a.json", "other.json", "sub/b.json"]
    assert {name: (out / name).read_bytes() for name in before} == before
