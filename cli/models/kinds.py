"""Which kind of summariser a model is, read from its files before any weights load.

- ``seq2seq``: an encoder-decoder trained to summarise, with a task prefix (mT5/T5
  "summarize: ") or none (BART, PEGASUS). It writes in the language it reads and takes
  no prompt.
- ``instruct``: an encoder-decoder tuned on instructions (flan-t5, mt0): prompt text in,
  summary out. Its config is an ordinary T5/mT5 config, so it is recognised by its name
  (``flan-*``, ``mt0*``, ``t0*``, as a hub id or folder name), or named with
  ``--model-kind instruct`` (``[models] kind = "instruct"`` in a config file).
- ``chat``: a decoder-only model with a chat template (Qwen2, Llama, Gemma, Mistral ...).

``--model-kind`` overrides the detection where it is wrong (a fine-tuned mt0 in a folder
called ``my-model``), within what the architecture allows.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..backends import TORCH, backend_named
from ..errors import UsageError
from ..modelkind import KINDS, ModelKind
from ..plan import Plan, plain_summariser_refused
from .hub import SUMMARISER_FLAG, with_value
from .modelfiles import check_summariser_role, model_config

# Architectures whose config.json may not say is_encoder_decoder explicitly.
ENCODER_DECODER_TYPES = frozenset({
    "t5", "mt5", "umt5", "longt5", "switch_transformers", "bart", "mbart", "pegasus",
    "pegasus_x", "bigbird_pegasus", "led", "marian", "m2m_100", "fsmt", "prophetnet",
    "encoder-decoder"})
_INSTRUCT_NAME = re.compile(r"^(flan[-_]|mt0|t0)", re.IGNORECASE)
_CHAT_NAME = re.compile(r"(instruct|chat|[-_]it\b)", re.IGNORECASE)
CHAT_EXAMPLE = "Qwen/Qwen2.5-1.5B-Instruct"


def a_kind(kind: str) -> str:
    """"a chat model", "an instruct model": for messages."""
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind} model"


def read_config(path: Path, name: str) -> dict:
    """The summariser's config.json as a dict; a folder without one, or one that is not
    JSON, is a ``UsageError`` naming ``--summariser`` (not a model of some other kind)."""
    return model_config(path, with_value(SUMMARISER_FLAG, name))


def is_encoder_decoder(config: dict) -> bool:
    return bool(config.get("is_encoder_decoder")) or config.get("model_type") in \
        ENCODER_DECODER_TYPES


def has_chat_template(path: Path) -> bool:
    """True when the tokenizer files carry a chat template (own file or in the config)."""
    if (path / "chat_template.jinja").is_file() or (path / "chat_template.json").is_file():
        return True
    try:
        data = json.loads((path / "tokenizer_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(data.get("chat_template"))


def named_like_instruct(*names: str) -> bool:
    """flan-t5-base, mt0-small, T0_3B ... as a hub id or as a folder name."""
    return any(_INSTRUCT_NAME.match(Path(str(n).rstrip("/")).name) for n in names if n)


def detect_kind(config: dict, names: tuple[str, ...], requested: str = "auto") -> ModelKind:
    """The kind from architecture and name; ``requested`` (not ``auto``) wins if it fits."""
    enc_dec = is_encoder_decoder(config)
    label = f"{names[0]} ({config.get('model_type', 'unknown architecture')})"
    if requested not in ("auto", None):
        if requested not in KINDS:
            raise UsageError(f"--model-kind {requested!r}: use auto, {', '.join(KINDS)}")
        if enc_dec and requested == "chat":
            raise UsageError(f"--model-kind chat: {label} is an encoder-decoder; use "
                             "--model-kind instruct (flan-t5, mt0) or seq2seq")
        if not enc_dec and requested != "chat":
            raise UsageError(f"--model-kind {requested}: {label} is decoder-only; only "
                             "--model-kind chat fits it")
        return ModelKind(requested)
    if not enc_dec:
        return ModelKind.CHAT
    return ModelKind.INSTRUCT if named_like_instruct(*names) else ModelKind.SEQ2SEQ


def guess_kind(name: str, requested: str = "auto") -> ModelKind:
    """The kind by name alone, for a model not on this machine (``--dry-run``)."""
    if requested not in ("auto", None):
        return ModelKind(requested)
    if named_like_instruct(name):
        return ModelKind.INSTRUCT
    return ModelKind.CHAT if _CHAT_NAME.search(name) else ModelKind.SEQ2SEQ


def kind_of(name: str, path: Path, requested: str = "auto") -> ModelKind:
    """The kind of the model in ``path`` (named ``name`` by the user), checked for use
    as the summariser."""
    config = read_config(path, name)
    check_summariser_role(config, with_value(SUMMARISER_FLAG, name))
    kind = detect_kind(config, (name, str(path)), requested)
    if kind is ModelKind.CHAT and not has_chat_template(path):
        raise UsageError(
            f"model {name} is a decoder-only language model without a chat template "
            f"(tokenizer_config.json or chat_template.jinja); summarise needs an "
            f"instruction-tuned chat model such as {CHAT_EXAMPLE}")
    return kind


def check_backend_runs(kind: str, settings, name: str) -> None:
    """Refuse a summariser kind the backend does not run (its ``kinds`` in
    ``cli/backends.py``): before loading, and again where the summariser is built."""
    backend = backend_named(settings.generation.backend)
    if not backend.runs(kind):
        runs = " and ".join(backend.kinds)
        raise UsageError(f"--backend {backend.name} runs {runs} summarisers only, and {name} "
                         f"is {a_kind(kind)}; use --backend {TORCH}")


def check_fits(kind: ModelKind, settings, name: str, plans: list[Plan]) -> None:
    """Refuse a strategy or prompt option the model kind cannot honour, before loading;
    ``plans``: the routes the run may take."""
    check_backend_runs(kind, settings, name)
    if kind is not ModelKind.SEQ2SEQ:
        return
    hint = ("pass --model-kind instruct if it is an instruction-tuned model (flan-t5, mt0) "
            "under another name")
    if any(plan.needs_multilingual_summariser for plan in plans):
        raise plain_summariser_refused(name, hint)
    if settings.prompted:
        raise UsageError(
            f"{name} is a plain summariser that takes no prompt; drop --prompt/--prompt-file "
            f"(or prompt / prompt_file under [run] in a config file), or " + hint)
