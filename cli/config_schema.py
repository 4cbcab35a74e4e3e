"""What a config file may say: its sections, keys, the type of each value and, where
the choice is closed, the values allowed.

A typo (``sumariser``) is an error with a "did you mean", not a silently ignored key;
a value of the wrong type (``beams = "two"``) is an error naming the key, the value and
the type expected, before anything runs.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from dataclasses import dataclass

from .backends import BACKENDS
from .modelkind import KINDS
from .plan import Strategy

LANGS = ("de", "en")
# What kind of summariser a model is (see models/kinds.py); "auto" detects it.
MODEL_KINDS = ("auto", *KINDS)
DTYPES = ("auto", "fp32", "bf16", "fp16", "float32", "bfloat16", "float16")
QUANTIZE = ("none", "int8")



@dataclass(frozen=True)
class Key:
    """One setting: its type (``list``: a list of strings; ``dict``: a table of strings),
    the values allowed where the choice is closed, and the smallest number allowed. The
    command-line flags take their ``min`` from here (``minimum``), so a config file and a
    flag accept the same values."""

    type: type
    allowed: Collection[str] | None = None  # a live view where a registry holds the names
    min: int | None = None


SCHEMA: dict[str, dict[str, Key]] = {
    "models": {"summariser": Key(str), "kind": Key(str, MODEL_KINDS),
               "translators": Key(dict), "checker": Key(str)},
    "generation": {"beams": Key(int, min=1), "no_repeat_ngram_size": Key(int, min=0),
                   "repetition_penalty": Key(float),
                   "batch_size": Key(int, min=1), "device": Key(str),
                   "dtype": Key(str, DTYPES), "threads": Key(int, min=1),
                   "backend": Key(str, BACKENDS.keys()),
                   "quantize": Key(str, QUANTIZE)},
    # --backend openai: the server (serveropts.ServerOptions); the key is never a setting
    "server": {"api_base": Key(str), "api_key_env": Key(str), "concurrency": Key(int, min=1),
               "request_timeout": Key(float, min=1), "retries": Key(int, min=0),
               "context_window": Key(int, min=256)},
    "run": {"langs": Key(list, LANGS), "lengths": Key(list),
            "source_lang": Key(str, ("auto", *LANGS)),
            "strategy": Key(str, tuple(s.value for s in Strategy)),
            "prompt": Key(str), "prompt_file": Key(str)},
}
LENGTH_KEYS = {"words": int, "sentences": int}  # [lengths] NAME = { words = N, ... }
SECTIONS = (*SCHEMA, "lengths")
TYPE_NAMES = {int: "an integer", float: "a number", str: "a string", bool: "true or false",
              list: "a list of strings", dict: "a table of strings"}


def minimum(section: str, key: str) -> int:
    """The smallest value ``[section] key`` takes, for the flag that sets the same value."""
    return SCHEMA[section][key].min


def check_config(data: dict) -> list[str]:
    """Every problem in a parsed config file, one line each (empty: all is well)."""
    problems = []
    for section, body in data.items():
        if section not in SECTIONS:
            problems.append(f"unknown section or key {section!r}"
                            f"{_suggest_anywhere(section, is_table=isinstance(body, dict))}")
        elif not isinstance(body, dict):
            problems.append(f"{section} = {body!r} must be a [{section}] table")
        elif section == "lengths":
            problems += [_check_length(name, spec) for name, spec in body.items()]
        else:
            problems += [_check_value(section, key, value) for key, value in body.items()]
    return [problem for problem in problems if problem]


def _check_value(section: str, key: str, value) -> str | None:
    known = SCHEMA[section]
    if key not in known:
        hint = difflib.get_close_matches(key, known, n=1)
        suggestion = f"; did you mean {hint[0]}?" if hint else f"; known: {', '.join(known)}"
        return f"[{section}] {key} is not a setting{suggestion}"
    spec = known[key]
    if not _is(value, spec.type):
        return (f"[{section}] {key} = {_show(value)} is {_type_of(value)}; "
                f"expected {TYPE_NAMES[spec.type]}")
    if spec.allowed is not None:
        items = value if isinstance(value, list) else [value]
        wrong = [item for item in items if item not in spec.allowed]
        if wrong:
            return f"[{section}] {key} = {_show(value)}: use {' or '.join(spec.allowed)}"
    if spec.min is not None and value < spec.min:
        return f"[{section}] {key} = {_show(value)} is too small; use {spec.min} or more"
    return None


def _check_length(name: str, spec) -> str | None:
    if not isinstance(spec, dict) or "words" not in spec:
        return f"[lengths] {name} = {_show(spec)} needs words = N (and optionally sentences = N)"
    for key, value in spec.items():
        if key not in LENGTH_KEYS:
            return f"[lengths] {name}.{key} is not a setting; use words and sentences"
        if not _is(value, int) or value < 1:
            return (f"[lengths] {name}.{key} = {_show(value)} is {_type_of(value)}; expected "
                    "a positive integer")
    return None


def _is(value, expected: type) -> bool:
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is float:  # 1 and 1.0 alike
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected is list:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if expected is dict:
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    return isinstance(value, expected)


def _type_of(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    for kind, name in ((int, "an integer"), (float, "a number"), (str, "a string"),
                       (list, "a list"), (dict, "a table")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _show(value) -> str:
    return repr(value) if not isinstance(value, bool) else str(value).lower()


def _suggest_anywhere(name: str, is_table: bool) -> str:
    """A top-level typo may be a section (``[model]``) or a key written outside its
    section (``sumariser = ...``): suggest the nearest of either. A name that is both
    (``lengths``: the top-level ``[lengths]`` table and ``lengths`` under ``[run]``) is
    the section when the typo was written as a table, the key otherwise."""
    keys = {key: f"{key} under [{section}]" for section, keys in SCHEMA.items()
            for key in keys}
    sections = {section: f"[{section}]" for section in SECTIONS}
    places = {**keys, **sections} if is_table else {**sections, **keys}
    hint = difflib.get_close_matches(name, places, n=1)
    return f"; did you mean {places[hint[0]]}?" if hint else \
        f"; sections: {', '.join(f'[{s}]' for s in SECTIONS)}"
