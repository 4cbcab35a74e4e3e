"""A model folder checked before its weights load: readable files, the right kind of model.

A model that is damaged (a truncated download, a file overwritten), unreadable (a
``config.json`` that is not JSON) or of the wrong kind for its role (a translator given
as the summariser) would otherwise fail at every document, or worse, run and write the
wrong thing. Each is one line naming the flag that chose the model (``--summariser``,
``--translator de-en=``), found in a fraction of a second: only JSON files and the
headers of the safetensors files are read, never the weights themselves.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import UsageError

# The JSON files a model folder may hold that transformers reads while loading.
JSON_FILES = ("config.json", "generation_config.json", "tokenizer_config.json",
              "tokenizer.json", "special_tokens_map.json", "vocab.json",
              "model.safetensors.index.json")
# Architectures that only translate, and that ``Seq2SeqTranslator`` drives (Marian
# opus-mt, FSMT, NLLB / M2M100); mBART exists as a translator and as a summariser.
TRANSLATION_ONLY_TYPES = frozenset({"marian", "fsmt", "m2m_100", "nllb-moe"})
TRANSLATOR_TYPES = TRANSLATION_ONLY_TYPES | {"mbart"}
DAMAGED = "its files are damaged or incomplete: download it again or pass another model"


def read_json(path: Path, label: str) -> dict | None:
    """The JSON object in ``path``; None when there is no such file; a ``UsageError``
    naming ``label`` when the file cannot be read or is not a JSON object."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc).split("\n")[0]
        raise UsageError(f"{label}: {path.name} cannot be read as JSON ({reason}); "
                         f"{DAMAGED}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{label}: {path.name} holds a JSON {type(data).__name__}, not the "
                         f"object transformers expects; {DAMAGED}")
    return data


def model_config(path: Path, label: str) -> dict:
    """The folder's config.json, which every transformers model has."""
    config = read_json(path / "config.json", label)
    if config is None:
        raise UsageError(f"{label}: {path} has no config.json, so it is not a transformers "
                         "model folder; pass the folder that holds config.json and the "
                         "weights")
    return config


def check_files(path: Path, label: str) -> dict:
    """Every JSON file parses and every safetensors header is whole; returns the config."""
    config = model_config(path, label)
    for name in JSON_FILES[1:]:
        read_json(path / name, label)
    for weights in sorted(path.glob("*.safetensors")):
        check_safetensors(weights, label)
    return config


def check_safetensors(path: Path, label: str) -> None:
    """The header of a safetensors file is valid and the file holds every tensor it lists
    (a truncated or overwritten file fails here); the tensors themselves are not read."""
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(path), framework="numpy") as handle:
            handle.keys()
    except (SafetensorError, OSError) as exc:
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise UsageError(f"{label}: {path.name} is not a readable safetensors file "
                         f"({reason}); {DAMAGED}") from None


def check_summariser_role(config: dict, label: str) -> None:
    """A translation model given as the summariser would translate, not summarise, and
    its output would be labelled with a language it is not in."""
    model_type = config.get("model_type")
    if model_type in TRANSLATION_ONLY_TYPES:
        raise UsageError(f"{label} is a translation model ({model_type}), not a "
                         "summariser; pass it as --translator SRC-TGT=MODEL and give a "
                         "summarisation model as --summariser")


def check_translator_role(config: dict, label: str) -> None:
    """Only translation architectures translate when given a text alone; a summariser
    given as a translator would summarise instead, in the source language."""
    model_type = config.get("model_type")
    if model_type not in TRANSLATOR_TYPES:
        raise UsageError(f"{label} is not a translation model ({model_type or 'unknown'} "
                         "architecture; translators are Marian opus-mt, NLLB, M2M100, "
                         "mBART-50 or FSMT models); pass a translation model such as "
                         "Helsinki-NLP/opus-mt-de-en")
