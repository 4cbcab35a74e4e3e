"""The model-server backend (``--backend openai``): the summariser is a chat model on
any server that speaks the OpenAI chat completions API; translators, where the strategy
needs them, stay local (the torch engine loads and runs them).

The same product as a local chat model: the prompt template from ``prompts/`` goes as
chat messages (the server applies its own chat template; the template's delimiters
still fence the document, and the control markers of common chat templates are broken
inside it), each length is an instruction plus a ``max_tokens`` budget, the answer is
cleaned as a local chat model's is, and documents longer than the server's context
window go through map-reduce (``longdoc``) sized to it.

Without the model's tokenizer, tokens are estimated from characters (``ApproximateTokens``,
one token per ``CHARS_PER_TOKEN`` characters, on the safe side for German and English
under the BPE vocabularies of current chat models); docs/servers.md says what that costs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from ..backends import OPENAI
from ..config import Settings
from ..config_schema import LANGS
from ..controltokens import neutralise
from ..errors import UsageError
from ..lengths import MODEL_STOPS, LengthPolicy, LengthPreset, budget, tokens_per_word
from ..openai_client import ServerClient
from ..postprocess import clean_chat_output
from ..prompting import template_for
from ..serveropts import public_url
from . import torch_engine
from .base import Generated
from .instruct import empty_prompt

KIND = "chat"  # a server's model is prompted with messages: a chat model
CHARS_PER_TOKEN = 3.0
# The control strings of common chat templates (ChatML, Llama 2/3, Gemma, Mistral, Phi):
# without the server's tokenizer these are what a document could use to end its turn.
CONTROL_MARKERS = tuple(sorted((
    "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|start_header_id|>",
    "<|end_header_id|>", "<|begin_of_text|>", "<|end_of_text|>", "<|eom_id|>",
    "<start_of_turn>", "<end_of_turn>", "[INST]", "[/INST]", "<<SYS>>", "<</SYS>>",
    "<|system|>", "<|user|>", "<|assistant|>", "<|end|>", "</s>", "<s>"),
    key=lambda m: (-len(m), m)))
# Keys under which servers' model listings give the context window (vLLM: max_model_len).
WINDOW_KEYS = ("max_model_len", "context_length", "max_context_length", "context_window")


class ApproximateTokens:
    """Counts tokens as a tokenizer would be asked to (``tok(texts)["input_ids"]``), from
    characters: a server's tokenizer is not here."""

    def __call__(self, texts, add_special_tokens: bool = False) -> dict:
        single = isinstance(texts, str)
        ids = [[0] * estimate_tokens(t) for t in ([texts] if single else texts)]
        return {"input_ids": ids[0] if single else ids}


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


@dataclass(frozen=True)
class ServerRef:
    """A model named by its id on a server: no files here. ``name`` is how the run names
    it (the summariser's id, or ``server`` for ``--translator SRC-TGT=server``), ``model``
    its id on the server."""

    name: str
    server: str | None  # the URL without credentials
    model: str = ""

    def manifest(self) -> dict:
        return {"name": self.model or self.name, "server": self.server}


class ServerModel:
    """A model served elsewhere, with the client that reaches it and its context window."""

    remote = True

    def __init__(self, ref: ServerRef, client: ServerClient, window: int, window_from: str):
        self.ref, self.client = ref, client
        self.window, self.window_from = window, window_from

    def manifest(self) -> dict:
        return {**self.ref.manifest(), "backend": OPENAI, "context_window": self.window,
                "context_window_from": self.window_from,
                "system_fingerprint": sorted(self.client.fingerprints)}


def server_ref(name: str, settings: Settings) -> ServerRef:
    return ServerRef(name, public_url(settings.server.api_base), settings.summariser)


def check_summariser(settings: Settings) -> str:
    """The server answers, serves ``--summariser`` and says (or is told) its context
    window: one quick GET of its model listing, before any model or document."""
    connect(settings).client.close()
    return KIND


def connect(settings: Settings, timeout: float | None = None) -> ServerModel:
    client = ServerClient(settings.server)
    listed = client.models(timeout) if timeout else client.models()
    name = settings.summariser
    entry = next((m for m in listed if m["id"] == name), None)
    if entry is None:
        served = ", ".join(str(m["id"]) for m in listed[:10]) or "none"
        client.close()
        raise UsageError(f"--summariser {name}: the server at {client.url} serves no such "
                         f"model (it serves: {served}); pass one of those")
    window, source = context_window(entry, settings.server.context_window)
    if window is None:
        client.close()
        raise UsageError(f"--summariser {name}: the server at {client.url} does not say its "
                         "context window; pass --context-window TOKENS (the window the "
                         "server runs the model with)")
    return ServerModel(ServerRef(name, client.url, name), client, window, source)


def context_window(entry: dict, given: int | None) -> tuple[int | None, str]:
    """``--context-window`` if given, else what the listing says."""
    if given:
        return given, "--context-window"
    for key in WINDOW_KEYS:
        value = entry.get(key)
        if isinstance(value, int) and value > 0:
            return value, f"the server's model listing ({key})"
    return None, ""


def load_model(ref, settings: Settings, notify=None):
    if isinstance(ref, ServerRef):
        return connect(settings, timeout=settings.server.request_timeout)
    return torch_engine.load_model(ref, settings, notify)  # a local translator


def summariser(loaded, settings: Settings, kind: str, lengths: LengthPolicy = MODEL_STOPS):
    """``lengths`` is not used: the chat completions API has no minimum length, so a
    server writes until its model stops or ``max_tokens`` (a bench's ``ForcedLengths``
    cannot apply; the benches run local models)."""
    return ServerSummariser(loaded, settings)


def translator(loaded, generation, lengths: LengthPolicy = MODEL_STOPS):
    if isinstance(loaded, ServerModel):  # --translator SRC-TGT=server
        from .server_translation import ServerTranslator

        return ServerTranslator(loaded, CONTROL_MARKERS, estimate_tokens)
    return torch_engine.translator(loaded, generation, lengths)


class ServerSummariser:
    """Summaries written by a served chat model, many requests in flight at once."""

    can_write_other_language = True
    kind = KIND

    def __init__(self, loaded: ServerModel, settings: Settings):
        self.loaded, self.client = loaded, loaded.client
        self.template = template_for(settings, KIND)
        self.generation = settings.generation
        self.concurrency = settings.server.concurrency
        self.name = loaded.ref.name
        self.tokenizer = ApproximateTokens()
        self.markers = CONTROL_MARKERS
        self.max_input_tokens = max(64, loaded.window - self.answer_room(settings))
        self._overhead: int | None = None
        self._note: Callable[[str], None] | None = None

    def watch_progress(self, note: Callable[[str], None]) -> None:
        """Say on the progress line, while a batch's requests run, how many are in
        flight and how fast the server writes."""
        self._note = note

    def answer_room(self, settings: Settings) -> int:
        """Tokens kept in the window for the longest answer the run asks for."""
        lengths = [settings.presets[name] for name in settings.lengths] or [
            LengthPreset("probe", 100, 5)]
        ratio = max(tokens_per_word(self.tokenizer, lang) for lang in LANGS)
        return max(budget(p, ratio, floor=0).max_new_tokens for p in lengths)

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Prompt tokens per text: the messages around no document, plus the document."""
        if self._overhead is None:
            empty = empty_prompt(self.template)
            self._overhead = estimate_tokens(empty.system + empty.user) + 8  # roles, turns
        return [self._overhead + estimate_tokens(neutralise(t, self.markers)) for t in texts]

    def summarise(self, texts: list[str], lang: str, presets: list[LengthPreset],
                  out_lang: str | None = None) -> list[list[Generated]]:
        out_lang = out_lang or lang
        ratio = tokens_per_word(self.tokenizer, out_lang)
        payloads = [self.payload(text, lang, out_lang, preset, ratio)
                    for text in texts for preset in presets]
        answers = iter(self.client.ask_all(payloads, self._note))
        return [[self.generated(next(answers)) for _ in presets] for _ in texts]

    def payload(self, text: str, lang: str, out_lang: str, preset: LengthPreset,
                ratio: float) -> dict:
        prompt = self.template.render(text, out_lang, lang, preset, self.markers)
        spend = budget(preset, ratio, floor=0)
        # Greedy, as local models decode: the same document gives the same summary on a
        # server that honours temperature 0.
        return {"model": self.name, "messages": prompt.messages(),
                "max_tokens": spend.max_new_tokens, "temperature": 0}

    def generated(self, completion) -> Generated:
        text = clean_chat_output(completion.text)
        tokens = completion.completion_tokens or estimate_tokens(completion.text)
        return Generated(text=text, tokens=int(tokens),
                         hit_limit=completion.finish_reason == "length")

    def status(self) -> str:
        return self.client.status()
