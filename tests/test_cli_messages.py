"""Messages and output a user reads: exit codes in --help, offline pulls, failure lines,
grammar, numbers-only documents, and tables that survive a pipe."""

from __future__ import annotations

import re

from summarise.langdetect import NO_LANGUAGE, detect_language
from summarise.models.kinds import a_kind

NUMBERS = " ".join(f"{n},5 %" for n in range(1990, 2020)) + "\n"


def test_run_help_lists_every_exit_code(cli):
    result = cli("run", "--help")
    help_text = " ".join(result.stdout.split())
    for code, meaning in (("0", "all documents done"), ("1", "some failed"),
                          ("2", "usage error"), ("130", "interrupted"),
                          ("143", "stopped by SIGTERM")):
        assert re.search(rf"\b{code} {meaning}", help_text), (code, help_text)


def test_models_pull_offline_names_hf_hub_offline_not_itself(cli):
    result = cli("models", "pull", "nobody/no-such-model")
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "HF_HUB_OFFLINE" in message and "nobody/no-such-model" in message
    assert "models pull" not in message


def test_kinds_take_the_right_article():
    assert [a_kind(k) for k in ("instruct", "chat", "seq2seq")] == [
        "an instruct model", "a chat model", "a seq2seq model"]


def test_numbers_only_text_has_no_language():
    assert detect_language(NUMBERS).lang == NO_LANGUAGE
    assert detect_language("Die Stadt plant neue Straßenbahnlinien im Norden.").lang == "de"


def test_each_failure_line_names_its_file_once(cli, model_args, tmp_path):
    (tmp_path / "numbers.txt").write_text(NUMBERS, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    result = cli(tmp_path / "numbers.txt", tmp_path / "empty.txt", *model_args)
    assert result.exit_code == 1
    failed = [line for line in result.stderr.splitlines() if "failed: " in line]
    assert len(failed) == 2
    for line, name in zip(failed, ("numbers.txt", "empty.txt"), strict=True):
        assert line.count(name) == 1, line
    assert "no language detected" in failed[0] and "'zxx'" not in failed[0]


def test_piped_eval_table_keeps_full_headers_and_names(cli):
    result = cli("eval", "--seeds", "--system", "lead-3", "--bootstrap", "200")
    assert result.exit_code == 0, result.output
    assert "…" not in result.stdout
    assert "ROUGE-Lsum F1" in result.stdout and "de/medium" in result.stdout
    assert "chrF++ (mean of documents)" in result.stdout  # the full label, not the short one
