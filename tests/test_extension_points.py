"""The hand-kept lists that ARCHITECTURE.md's recipes for a strategy, a model kind and an
input format name agree with each other, so that a recipe followed halfway fails here
instead of leaving a format that folders never pick up or a value the help hides."""

from __future__ import annotations

import typing

import pytest


def help_of(option) -> str:
    return typing.get_args(option)[1].help


def test_the_strategy_help_names_every_strategy():
    from summarise import options
    from summarise.plan import Strategy

    assert all(strategy.value in help_of(options.Strategy) for strategy in Strategy)


def test_the_model_kind_help_and_the_config_schema_name_every_kind():
    from summarise import options
    from summarise.backends import ALL_KINDS
    from summarise.config_schema import SCHEMA
    from summarise.models.kinds import KINDS

    assert tuple(KINDS) == tuple(ALL_KINDS)
    assert set(SCHEMA["models"]["kind"].allowed) == {"auto", *ALL_KINDS}
    assert all(kind in help_of(options.ModelKind) for kind in ALL_KINDS)


def folder_formats() -> dict[str, str]:
    """Extension -> format of every format a folder is read for (JSON Lines is a dataset,
    read only when named or globbed)."""
    from summarise.reading.formats import EXTENSIONS

    return {ext: fmt for ext, fmt in EXTENSIONS.items() if fmt != "jsonl"}


def test_every_folder_format_has_a_default_glob_and_every_glob_a_format():
    from summarise.reading import DEFAULT_GLOBS
    from summarise.reading.formats import EXTENSIONS

    assert sorted(DEFAULT_GLOBS) == sorted(f"*{ext}" for ext in folder_formats())
    assert all(f"*{ext}" not in DEFAULT_GLOBS for ext, fmt in EXTENSIONS.items()
               if fmt == "jsonl")


def test_the_glob_help_lists_the_default_globs():
    from summarise import options
    from summarise.reading import DEFAULT_GLOBS

    default = help_of(options.Globs).rsplit("[default: every format read: ", 1)[1]
    assert [g.strip() for g in default.rstrip("]").split(",")] == list(DEFAULT_GLOBS)


@pytest.mark.parametrize("fmt", sorted(set(folder_formats().values())))
def test_every_format_has_a_line_mode_and_is_named_in_the_unsupported_message(fmt):
    from summarise import reading
    from summarise.reading.formats import SUPPORTED

    assert fmt in reading._LINE_MODES  # noqa: SLF001 - the list the recipe names
    names = {"text": ".txt", "markdown": ".md", "html": ".html", "pdf": "PDF",
             "docx": ".docx"}
    assert names[fmt] in SUPPORTED
