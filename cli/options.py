"""Option aliases shared by the commands (``Annotated`` types), so each reads the same,
and ``shared_flags``, which declares a group of them on a command once for all."""

from __future__ import annotations

import functools
import inspect
from pathlib import Path
from typing import Annotated, get_type_hints

import typer

from .backends import TORCH, backends_help
from .config_schema import minimum
from .serveropts import (
    DEFAULT_API_KEY_ENV,
    DEFAULT_CONCURRENCY,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_RETRIES,
)

Langs = Annotated[list[str] | None, typer.Option(
    "--lang", "-l", metavar="LANG",
    help="Output language, de or en; repeat for both. [default: de and en]",
    show_default=False)]
Lengths = Annotated[list[str] | None, typer.Option(
    "--length", metavar="LENGTH", help="short (~25 words), medium (~60) or long (~120); repeat. "
    "[default: all three]", show_default=False)]
SummariserOpt = Annotated[str | None, typer.Option(
    "--summariser", "-m", metavar="MODEL",
    help="Hub id or local folder of the summariser. "
    "[default: T-Systems-onsite/mt5-small-sum-de-en-v2]", show_default=False)]
TranslatorOpt = Annotated[list[str] | None, typer.Option(
    "--translator", "-t", metavar="SRC-TGT=MODEL",
    help="Translator per direction, e.g. de-en=Helsinki-NLP/opus-mt-de-en (with --backend "
    "openai, de-en=server: the server's model translates); repeat.",
    show_default=False)]
CheckerOpt = Annotated[str | None, typer.Option(
    "--checker", metavar="MODEL",
    help="NLI model (hub id or folder) that adds an entailment score per summary sentence, "
    "e.g. MoritzLaurer/mDeBERTa-v3-base-xnli-multilingual-nli-2mil7; one more model pass "
    "per sentence. none: off. [default: off]", show_default=False)]
SourceLang = Annotated[str | None, typer.Option(
    "--source-lang", metavar="LANG",
    help="Language of the inputs: auto (detect per document), de or en. [default: auto]",
    show_default=False)]
Strategy = Annotated[str | None, typer.Option(
    "--strategy", metavar="STRATEGY",
    help="summarise-then-translate (fast), translate-then-summarise, or direct (chat and "
    "instruction models write each language themselves; no translator). "
    "[default: summarise-then-translate]", show_default=False)]
Preset = Annotated[str | None, typer.Option(
    "--preset", metavar="PRESET",
    help="Models for real use: fast (mT5 + opus-mt), llm (Qwen2.5-1.5B-Instruct, direct) or "
    "english (bart-large-cnn + opus-mt). Other flags override it.", show_default=False)]
PromptName = Annotated[str | None, typer.Option(
    "--prompt", metavar="NAME",
    help="Prompt template for chat and instruction models (`summarise prompts list`). "
    "[default: chat or instruct, by model kind]", show_default=False)]
PromptFile = Annotated[Path | None, typer.Option(
    "--prompt-file", metavar="PATH",
    help="Your own prompt template (TOML; start from `summarise prompts show chat`).",
    show_default=False)]
ModelKind = Annotated[str | None, typer.Option(
    "--model-kind", metavar="KIND",
    help="seq2seq, instruct or chat, where detection from the model's config and name is "
    "wrong. [default: auto]", show_default=False)]
Device = Annotated[str | None, typer.Option(
    "--device", metavar="DEVICE", help="auto, cpu or cuda. [default: auto]",
    show_default=False)]
Dtype = Annotated[str | None, typer.Option(
    "--dtype", metavar="DTYPE",
    help="auto (bf16 where the CPU/GPU is fast at it, else fp32), fp32, bf16, fp16. "
    "[default: auto]", show_default=False)]
BatchSize = Annotated[int | None, typer.Option(
    "--batch-size", metavar="N", min=minimum("generation", "batch_size"),
    help="Texts per model call. [default: chosen from token counts]",
    show_default=False)]
Beams = Annotated[int | None, typer.Option(
    "--beams", metavar="N", min=minimum("generation", "beams"),
    help="Beam search width; 1 is greedy and fastest. [default: the model's profile, else 1]",
    show_default=False)]
Threads = Annotated[int | None, typer.Option(
    "--threads", metavar="N", min=minimum("generation", "threads"),
    help="CPU threads. [default: all cores this process may use]",
    show_default=False)]
Backend = Annotated[str | None, typer.Option(
    "--backend", metavar="BACKEND",
    help=f"{backends_help()}. [default: {TORCH}]",
    show_default=False)]
Quantize = Annotated[str | None, typer.Option(
    "--quantize", metavar="MODE",
    help="none, or int8: int8 weights on CPU (torch: dynamic quantisation of linear layers; "
    "ctranslate2: int8 compute). Faster, slightly different words. [default: none]",
    show_default=False)]
ApiBase = Annotated[str | None, typer.Option(
    "--api-base", metavar="URL",
    help="With --backend openai: the server's OpenAI-compatible API, e.g. "
    "http://127.0.0.1:8000/v1 (docs/servers.md).", show_default=False)]
ApiKeyEnv = Annotated[str | None, typer.Option(
    "--api-key-env", metavar="VAR",
    help="With --backend openai: the environment variable holding the API key (local "
    f"servers need none). [default: {DEFAULT_API_KEY_ENV}]", show_default=False)]
Concurrency = Annotated[int | None, typer.Option(
    "--concurrency", metavar="N", min=minimum("server", "concurrency"),
    help="With --backend openai: requests in flight at once. "
    f"[default: {DEFAULT_CONCURRENCY}, for a local server]", show_default=False)]
RequestTimeout = Annotated[float | None, typer.Option(
    "--request-timeout", metavar="SECONDS", min=minimum("server", "request_timeout"),
    help="With --backend openai: the longest wait for one answer before it is tried again. "
    f"[default: {DEFAULT_REQUEST_TIMEOUT:g}]", show_default=False)]
Retries = Annotated[int | None, typer.Option(
    "--retries", metavar="N", min=minimum("server", "retries"),
    help="With --backend openai: tries again after a connection error, timeout, 429 or 5xx "
    f"(backing off, or as Retry-After says). [default: {DEFAULT_RETRIES}]",
    show_default=False)]
ContextWindow = Annotated[int | None, typer.Option(
    "--context-window", metavar="TOKENS", min=minimum("server", "context_window"),
    help="With --backend openai: the served model's context window, where the server's "
    "model listing does not say it (vLLM does). [default: the listing's]",
    show_default=False)]
ConfigFile = Annotated[Path | None, typer.Option(
    "--config", metavar="FILE", help="TOML config file applied over ./summarise.toml and "
    "~/.config/summarise/config.toml.", show_default=False)]
AllowPickle = Annotated[bool, typer.Option(
    "--allow-pickle", help="Also load pickle (*.bin) weights. Only for models you trust.")]
TextField = Annotated[str, typer.Option(
    "--text-field", metavar="FIELD",
    help="For JSON Lines inputs: the field holding the text (a dotted name such as "
    "article.body reaches into nested objects). A record's `id` names its output and "
    "`lang` declares its language.")]
Globs = Annotated[list[str] | None, typer.Option(
    "--glob", metavar="PATTERN",
    help="File patterns to take from folders (case-insensitive); repeat; replaces the "
    "default. JSON Lines datasets are read only when named or globbed (--glob '*.jsonl'). "
    "[default: every format read: *.txt, *.text, *.md, *.markdown, *.html, *.htm, *.xhtml, "
    "*.pdf, *.docx]",
    show_default=False)]
Executor = Annotated[str, typer.Option(
    "--executor", metavar="EXECUTOR",
    help="local (this process) or ray (Ray Data actors on a local Ray or a cluster; "
    "pip install 'summarise[ray]').")]
RayAddress = Annotated[str | None, typer.Option(
    "--ray-address", metavar="ADDRESS",
    help="With --executor ray: auto (the cluster `ray start` made here) or ray://HOST:10001. "
    "[default: start a Ray on this machine]", show_default=False)]
Workers = Annotated[int | None, typer.Option(
    "--workers", metavar="N", min=1,
    help="With --executor ray: actors, each holding its own models. [default: as many as the "
    "cluster's CPUs (or GPUs) allow]", show_default=False)]
WorkerCpus = Annotated[float | None, typer.Option(
    "--worker-cpus", metavar="N", min=0.0,
    help="With --executor ray: CPUs per actor (its torch threads). [default: 1]",
    show_default=False)]
WorkerGpus = Annotated[float | None, typer.Option(
    "--worker-gpus", metavar="N", min=0.0,
    help="With --executor ray: GPUs per actor, e.g. 1 (or 0.5 to share one). [default: 0]",
    show_default=False)]
BatchDocs = Annotated[int | None, typer.Option(
    "--batch-docs", metavar="N", min=1,
    help="Documents per batch (one model pass). Local and ray runs with the same batches "
    "write the same bytes. [default: 16]",
    show_default=False)]

Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Only errors on stderr.")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="More detail on stderr.")]
Debug = Annotated[bool, typer.Option(
    "--debug", help="Print the traceback of an unexpected error (it always goes to a log).")]
# Accepted anywhere on the command line: the app moves them before the command name.
VERBOSITY_FLAGS = ("--quiet", "-q", "--verbose", "-v", "--debug")


# name: (alias, default). The model and generation flags of every command that runs
# models (run, eval, config show); they reach the command as ``ModelOptions``.
MODEL_FLAGS = {
    "summariser": (SummariserOpt, None), "translator": (TranslatorOpt, None),
    "strategy": (Strategy, None), "preset": (Preset, None), "prompt": (PromptName, None),
    "prompt_file": (PromptFile, None), "model_kind": (ModelKind, None),
    "device": (Device, None), "dtype": (Dtype, None), "batch_size": (BatchSize, None),
    "beams": (Beams, None), "threads": (Threads, None), "backend": (Backend, None),
    "quantize": (Quantize, None), "api_base": (ApiBase, None),
    "api_key_env": (ApiKeyEnv, None), "concurrency": (Concurrency, None),
    "request_timeout": (RequestTimeout, None), "retries": (Retries, None),
    "context_window": (ContextWindow, None), "config": (ConfigFile, None),
    "allow_pickle": (AllowPickle, False), "checker": (CheckerOpt, None),
}
# Where the work runs (run, eval); read with ``job.executor_from_params``.
EXECUTOR_FLAGS = {
    "executor": (Executor, "local"), "ray_address": (RayAddress, None),
    "workers": (Workers, None), "worker_cpus": (WorkerCpus, None),
    "worker_gpus": (WorkerGpus, None), "batch_docs": (BatchDocs, None),
}


def shared_flags(*groups: dict):
    """Add the flags of ``groups`` to a command, after its own.

    Typer builds options from the signature, so the flags are appended to it; the
    command itself does not take them as arguments but reads them from ``ctx.params``
    (``ModelOptions.from_params``), so three commands do not repeat sixteen lines.
    """
    names = {name for group in groups for name in group}

    def decorate(command):
        hints = get_type_hints(command, include_extras=True)
        own = [p.replace(annotation=hints.get(p.name, p.annotation))
               for p in inspect.signature(command).parameters.values()]
        added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                   annotation=alias)
                 for group in groups for name, (alias, default) in group.items()]

        @functools.wraps(command)
        def with_flags(*args, **kwargs):
            return command(*args, **{k: v for k, v in kwargs.items() if k not in names})

        params = own + added
        with_flags.__signature__ = inspect.Signature(params)
        with_flags.__annotations__ = {p.name: p.annotation for p in params}
        return with_flags

    return decorate
