"""One error path at the app's entry, global verbosity flags, typed options, and
`summarise config show` with the origin of every setting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEED

PACKAGE = Path(__file__).resolve().parents[1] / "cli"


def test_commands_leave_errors_and_the_reporter_to_the_entry():
    for path in sorted((PACKAGE / "commands").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "Reporter(" not in text, path.name
        assert "except SummariseError" not in text, path.name


def test_an_unexpected_error_is_one_line_and_a_log_with_the_traceback(cli, monkeypatch,
                                                                      tmp_path):
    import summarise.commands.extract as extract

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(extract, "_extract", broken)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    result = cli("extract", SEED)
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: internal error (RuntimeError: boom)") and "--debug" in line
    [log] = (tmp_path / "cache" / "summarise" / "logs").glob("crash-*.log")
    assert str(log) in line
    assert "Traceback" in log.read_text() and 'raise RuntimeError("boom")' in log.read_text()

    debug = cli("extract", SEED, "--debug")
    assert debug.exit_code == 1 and "Traceback" in debug.stderr and "boom" in debug.stderr


def test_ctrl_c_outside_a_batch_exits_130(cli, monkeypatch):
    import summarise.commands.extract as extract

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(extract, "_extract", interrupted)
    result = cli("extract", SEED)
    assert result.exit_code == 130 and result.stderr.strip() == "error: interrupted"


@pytest.mark.parametrize("args", [
    ("-q", "extract", "{missing}"),
    ("extract", "{missing}", "--quiet"),
    ("extract", "-q", "{missing}"),
])
def test_quiet_is_accepted_anywhere_hides_warnings_but_not_failures(cli, tmp_path, args):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    loud = cli("extract", empty)
    assert loud.exit_code == 1 and "warning: 1 of 1 document(s)" in loud.stderr
    quiet = cli(*(str(empty) if a == "{missing}" else a for a in args))
    # exit 1 needs its reason even with -q: one line per failed document, nothing else
    [line] = quiet.stderr.splitlines()
    assert quiet.exit_code == 1 and line.startswith(f"error: {empty}")


def test_quiet_run_names_each_failed_document(cli, tmp_path, model_args):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    for name in ("empty.txt", "blank.txt"):
        (inputs / name).write_text("" if name == "empty.txt" else " \n", encoding="utf-8")
    result = cli("-q", inputs, *model_args, "--lang", "de", "--length", "short",
                 "--out", tmp_path / "out")
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines), lines
    assert {name for name in ("empty.txt", "blank.txt") for line in lines if name in line} \
        == {"empty.txt", "blank.txt"}


@pytest.mark.parametrize("args", [(), ("run",), ("-q",), ("run", "--lang", "de")])
def test_no_path_is_a_short_usage_error_not_the_whole_help(cli, args):
    result = cli(*args)
    assert result.exit_code == 2
    assert "Missing argument 'PATH'" in result.output
    assert len(result.output.splitlines()) <= 6 and "--summariser" not in result.output


def test_a_path_after_a_global_flag_still_runs_the_default_command(cli, tiny_models):
    result = cli("-q", SEED, "--summariser", tiny_models["mt5"], "--dry-run")
    assert result.exit_code == 0, result.output
    assert "==> " in result.stdout and result.stderr == ""


def test_config_show_says_where_each_setting_came_from(cli, tmp_path):
    config = tmp_path / "mine.toml"
    config.write_text('[generation]\nbeams = 2\n[run]\nlangs = ["de"]\n', encoding="utf-8")
    result = cli("config", "show", "--config", config, "--preset", "llm", "--length",
                 "short", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows["generation.beams"] == {"value": 2, "from": str(config)}
    assert rows["langs"] == {"value": ["de"], "from": str(config)}
    assert rows["summariser"] == {"value": "Qwen/Qwen2.5-1.5B-Instruct", "from": "preset llm"}
    assert rows["strategy"] == {"value": "direct", "from": "preset llm"}
    assert rows["lengths"] == {"value": ["short"], "from": "flag --length"}
    assert rows["generation.dtype"] == {"value": "auto", "from": "default"}
    text = cli("config", "show", "--beams", "3")
    assert text.exit_code == 0
    [beams] = [line for line in text.stdout.splitlines() if line.startswith("generation.beams")]
    assert beams.split() == ["generation.beams", "3", "flag", "--beams"]


def test_a_config_file_value_is_no_longer_overridden_by_a_flag_default(tmp_path):
    """--dtype, --device and --source-lang used to pass their defaults, hiding the file."""
    from summarise.layers import ModelOptions, settings_from_options

    config = tmp_path / "c.toml"
    config.write_text('[generation]\ndtype = "fp32"\n[run]\nsource_lang = "de"\n',
                      encoding="utf-8")
    settings = settings_from_options(ModelOptions(config=config))
    assert (settings.generation.dtype, settings.source_lang) == ("fp32", "de")
    flagged = settings_from_options(ModelOptions(config=config, dtype="bf16"))
    assert flagged.generation.dtype == "bf16"


def test_options_come_from_the_parsed_parameters_of_run_and_eval():
    from summarise.layers import ModelOptions

    options = ModelOptions.from_params({"summariser": "m", "translator": ["de-en=x"],
                                        "beams": 2, "dataset": "ignored", "dtype": None})
    assert options == ModelOptions(summariser="m", translator=("de-en=x",), beams=2)


def test_validate_reads_no_files_and_runs_once(tmp_path, monkeypatch):
    import summarise.config as config
    from summarise import Settings

    settings = Settings(prompt_file=str(tmp_path / "missing.toml"))
    assert settings.validate() is settings  # the missing template is preflight's business
    checked = []
    real = config.parse_direction
    monkeypatch.setattr(config, "parse_direction", lambda d: checked.append(d) or real(d))
    fresh = Settings()
    fresh.validate()
    fresh.validate()
    assert checked == list(fresh.translators)  # each direction once, not twice


def test_following_the_lengths_hint_gives_a_working_config(tmp_path):
    from summarise.layers import ModelOptions, settings_from_options

    config = tmp_path / "c.toml"
    config.write_text("[lengths]\nshort = { words = 20 }\n", encoding="utf-8")
    settings = settings_from_options(ModelOptions(config=config))
    assert (settings.presets["short"].words, settings.presets["short"].sentences) == (20, 1)


@pytest.mark.parametrize("key, flag", [("beams", "--beams"), ("batch_size", "--batch-size"),
                                       ("threads", "--threads")])
def test_a_config_file_and_a_flag_accept_the_same_range(cli, tmp_path, key, flag):
    from summarise.config_schema import SCHEMA

    smallest = SCHEMA["generation"][key].min
    config = tmp_path / "c.toml"
    for value, accepted in ((smallest - 1, False), (smallest, True)):
        config.write_text(f"[generation]\n{key} = {value}\n", encoding="utf-8")
        from_file = cli("config", "show", "--config", config)
        from_flag = cli("config", "show", flag, str(value))
        assert (from_file.exit_code == 0) == accepted, from_file.output
        assert (from_flag.exit_code == 0) == accepted, from_flag.output
        if not accepted:
            assert from_file.exit_code == from_flag.exit_code == 2
            assert f"{key} = {value}" in from_file.stderr and str(config) in from_file.stderr


def test_a_library_caller_gets_the_same_range(tmp_path):
    from summarise import Settings
    from summarise.config import Generation
    from summarise.errors import UsageError

    with pytest.raises(UsageError, match="beams = 0: use 1 or more"):
        Settings(generation=Generation(beams=0)).validate()


def test_config_show_has_headers_the_files_it_looked_for_and_true_origins(cli, tmp_path):
    # beams = 1 and dtype = "auto" are the defaults: set in a file, they come from the file.
    (tmp_path / "summarise.toml").write_text(
        '[generation]\nbeams = 1\ndtype = "auto"\n[models]\n'
        'translators = { de-en = "Helsinki-NLP/opus-mt-de-en" }\n', encoding="utf-8")
    result = cli("config", "show", "--threads", "2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    user_file = tmp_path / "xdg" / "summarise" / "config.toml"
    assert lines[0].startswith("config files looked for")
    assert lines[1].strip() == f"{user_file}  (not found)"
    assert lines[2].strip() == "summarise.toml  (found)"
    header = next(line for line in lines if line.startswith("SETTING"))
    assert header.split() == ["SETTING", "VALUE", "FROM"]
    rows = {line.split()[0]: line.split(None, 2)[1:] for line in lines[lines.index(header) + 1:]}
    assert rows["generation.beams"] == ["1", "summarise.toml"]
    assert rows["generation.dtype"] == ["auto", "summarise.toml"]
    assert rows["translators.de-en"] == ["Helsinki-NLP/opus-mt-de-en", "summarise.toml"]
    assert rows["translators.en-de"] == ["Helsinki-NLP/opus-mt-en-de", "default"]
    assert rows["generation.threads"] == ["2", "flag --threads"]
    assert rows["generation.device"] == ["auto", "default"]


def test_a_flag_or_preset_that_repeats_a_value_is_still_its_origin(cli):
    rows = json.loads(cli("config", "show", "--beams", "1", "--preset", "fast",
                          "--format", "json").stdout)
    assert rows["generation.beams"] == {"value": 1, "from": "flag --beams"}
    assert rows["summariser"]["from"] == "preset fast"  # the default model, named again
    assert rows["translators.de-en"]["from"] == "preset fast"
    named = json.loads(cli("config", "show", "--prompt", "chat", "--format", "json").stdout)
    assert named["prompt"]["from"] == "flag --prompt"
    assert named["prompt_file"] == {"value": None, "from": "default"}  # not a flag given
