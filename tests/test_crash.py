"""A bug of ours ends with one line and a log file holding the traceback."""

from __future__ import annotations

import sys

import pytest


@pytest.mark.parametrize("debug", [False, True])
def test_an_internal_error_is_one_line_and_a_log_file(monkeypatch, tmp_path, capsys, debug):
    from summarise import app
    from summarise.commands import extract

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(extract, "_extract", broken)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "a.txt").write_text("Ein Text.", encoding="utf-8")
    argv = ["summarise", *(["--debug"] if debug else []), "extract", str(tmp_path / "a.txt")]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_:
        app.main()
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "internal error (ZeroDivisionError: division by zero)" in err
    logs = list((tmp_path / "cache" / "summarise" / "logs").glob("crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in err
    assert "Traceback" in logs[0].read_text()
    assert ("Traceback" in err) is debug


def test_debug_before_a_path_still_runs_the_default_command(cli, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = cli("--debug", empty)
    assert result.exit_code == 2
    assert "no input files found" in result.stderr
