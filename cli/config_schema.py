"""What a config file may say: its sections, keys, the type of each value and, where
the choice is closed, the values allowed.

A typo (``sumariser``) is an error with a "did you mean", not a silently ignored key;
a value of the wrong type (``beams = "two"``) is an error naming the key, the value and
the type expected, before anything runs.
"""

from __future__ import annotations

import difflib

from .plan import Strategy

LANGS = ("de", "en")
BACKENDS = ("torch", "ctranslate2")
# What kind of summariser a model is (see models/kinds.py); "auto" detects it.
MODEL_KINDS = ("auto", "seq2seq", "instruct", "chat")
DTYPES = ("auto", "fp32", "bf16", "fp16", "float32", "bfloat16", "float16")
QUANTIZE = ("none", "int8")

# section -> key -> (expected type, allowed values or None). ``list`` means a list of
# strings; ``dict`` a table of strings.
SCHEMA: dict[str, dict[str, tuple[type, tuple | None]]] = {
    "models": {"summariser": (str, None), "kind": (str, MODEL_KINDS),
               "translators": (dict, None)},
    "generation": {"beams": (int, None), "no_repeat_ngram_size": (int, None),
                   "repetition_penalty": (float, None),
                   "batch_size": (int, None), "device": (str, None), "dtype": (str, DTYPES),
                   "threads": (int, None), "force_lengths": (bool, None),
                   "backend": (str, BACKENDS), "quantize": (str, QUANTIZE)},
    "run": {"langs": (list, LANGS), "lengths": (list, None),
            "source_lang": (str, ("auto", *LANGS)),
            "strategy": (str, tuple(s.value for s in Strategy)),
            "prompt": (str, None), "prompt_file": (str, None)},
}
LENGTH_KEYS = {"words": int, "sentences": int}  # [lengths] NAME = { words = N, ... }
SECTIONS = (*SCHEMA, "lengths")
TYPE_NAMES = {int: "an integer", float: "a number", str: "a string", bool: "true or false",
              list: "a list of strings", dict: "a table of strings"}


def check_config(data: dict) -> list[str]:
    """Every problem in a parsed config file, one line each (empty: all is well)."""
    problems = []
    for section, body in data.items():
        if section not in SECTIONS:
            problems.append(f"unknown section or key {section!r}{_suggest_anywhere(section)}")
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
    expected, allowed = known[key]
    if not _is(value, expected):
        return (f"[{section}] {key} = {_show(value)} is {_type_of(value)}; "
                f"expected {TYPE_NAMES[expected]}")
    if allowed is not None:
        items = value if isinstance(value, list) else [value]
        wrong = [item for item in items if item not in allowed]
        if wrong:
            return f"[{section}] {key} = {_show(value)}: use {' or '.join(allowed)}"
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


def _suggest_anywhere(name: str) -> str:
    """A top-level typo may be a section (``[model]``) or a key written outside its
    section (``sumariser = ...``): suggest the nearest of either."""
    places = {section: f"[{section}]" for section in SECTIONS}
    places.update({key: f"{key} under [{section}]" for section, keys in SCHEMA.items()
                   for key in keys})
    hint = difflib.get_close_matches(name, places, n=1)
    return f"; did you mean {places[hint[0]]}?" if hint else \
        f"; sections: {', '.join(f'[{s}]' for s in SECTIONS)}"
