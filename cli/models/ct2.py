"""CTranslate2 backend (``--backend ctranslate2``): the same models, run by a C++ engine.

A transformers checkpoint is converted once into a cache folder keyed by model,
revision and compute type, then loaded by ``ctranslate2.Translator``; on CPU it computes
in int8 by default, which is where most of its speed comes from. Tokenizers stay the
Hugging Face ones, so texts are split and decoded exactly as with the PyTorch backend.
CTranslate2's API has no encoder reuse and reports no per-step scores, so lengths share
runs by ``sharedpass.cascade``: one run serves every length its stop allows.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..backends import CTRANSLATE2
from ..budget import charge_call, owned_by
from ..config import Generation
from ..engine import decoding_bytes, length_sorted_batches
from ..errors import ModelUnavailable, UsageError
from ..lengths import MODEL_STOPS, LengthPolicy, LengthPreset, TokenBudget, tokens_per_word
from .base import Generated
from .hub import ModelRef
from .seq2seq import Seq2SeqSummariser, decode, output_window
from .sharedpass import cascade, shareable
from .translator import Seq2SeqTranslator

CONVERTED_MARK = "summarise-converted.txt"  # written last: a folder without it is unfinished
# Vocabulary-sized rows per text in CTranslate2's decoding, for ``decoding_bytes``: it
# keeps no copies for logits processors. Measured (mT5-small int8, 500 tokens in, 336
# out): 23.8 MB per text; the estimate is 29 MB with 2 copies, 37 MB with HF's 8.
CT2_LOGITS_COPIES = 2
DTYPE_COMPUTE = {"fp32": "float32", "float32": "float32", "bf16": "bfloat16",
                 "bfloat16": "bfloat16", "fp16": "float16", "float16": "float16"}


def cache_root() -> Path:
    """``$SUMMARISE_CT2_CACHE``, else ``$XDG_CACHE_HOME/summarise/ct2`` (~/.cache/...)."""
    explicit = os.environ.get("SUMMARISE_CT2_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser()
    return base / "summarise" / "ct2"


def _fingerprint(folder: Path) -> str:
    """Names, sizes and times of a local folder's files: a changed model gets a new key."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:12]


def cache_dir(ref: ModelRef, compute_type: str) -> Path:
    """Where the conversion of ``ref`` for ``compute_type`` lives."""
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "--", ref.name.strip("./~")) or "model"
    version = ref.revision or f"local-{_fingerprint(ref.path)}"
    return cache_root() / f"{slug[-80:]}--{version[:40]}--{compute_type}"


def compute_type(generation: Generation, device: str) -> str:
    """int8 on CPU unless a dtype is asked for; ``--quantize int8`` always means int8."""
    if generation.quantize == "int8":
        return "int8_float16" if device == "cuda" else "int8"
    if generation.dtype == "auto":
        return "float16" if device == "cuda" else "int8"
    if generation.dtype not in DTYPE_COMPUTE:
        raise UsageError(f"--dtype {generation.dtype!r}: use auto, fp32, bf16 or fp16")
    return DTYPE_COMPUTE[generation.dtype]


def convert(ref: ModelRef, compute: str, notify=None) -> Path:
    """The converted model folder, converting it first if it is not in the cache yet.

    The conversion runs in a child process, so the memory it takes (the whole model in
    fp32, twice) is given back before decoding starts.
    """
    target = cache_dir(ref, compute)
    if (target / CONVERTED_MARK).is_file():
        return target
    if notify:
        notify(f"converting {ref.name} to CTranslate2 ({compute}); this happens once, "
               f"into {target}")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".converting-", dir=target.parent))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "summarise.models.ct2", str(ref.path), str(work / "model"),
             compute], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tail = "\n".join(done.stderr.strip().splitlines()[-5:])
            raise ModelUnavailable(f"model {ref.name} could not be converted to CTranslate2 "
                                   f"(use --backend torch for it):\n{tail}")
        (work / "model" / CONVERTED_MARK).write_text(
            f"{ref.name}\nrevision {ref.revision}\nfrom {ref.path}\n", encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)  # an unfinished earlier attempt
        os.replace(work / "model", target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _convert_here(source: str, output: str, compute: str) -> None:
    """Child-process side of ``convert``."""
    from ctranslate2.converters import TransformersConverter
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    warnings.filterwarnings("ignore")
    TransformersConverter(source, low_cpu_mem_usage=True).convert(output, quantization=compute)


@dataclass
class CT2Model:
    """A converted model and the Hugging Face tokenizer and config it came with."""

    ref: ModelRef
    model: object  # ctranslate2.Translator
    tokenizer: object
    config: object
    device: str
    compute_type: str
    path: Path
    vocabulary: list[str]  # CTranslate2's token for each model id
    backend: str = CTRANSLATE2

    def __post_init__(self):
        self._ids = {token: index for index, token in enumerate(self.vocabulary)}

    def tokens(self, ids: list[int]) -> list[str]:
        """Model ids as the converted model names them (ids past the tokenizer included)."""
        return [self.vocabulary[i] for i in ids]

    def ids(self, tokens: list[str]) -> list[int]:
        return [self._ids[token] for token in tokens]

    def manifest(self) -> dict:
        return {**self.ref.manifest(), "architecture": self.config.model_type,
                "backend": self.backend, "device": self.device,
                "compute_type": self.compute_type, "converted": str(self.path)}


def load(ref: ModelRef, generation: Generation, notify=None) -> CT2Model:
    """Convert once (cached), then load with threads and compute type for this machine."""
    try:
        import ctranslate2
    except ImportError:
        raise UsageError("--backend ctranslate2 needs the ctranslate2 package: "
                         "pip install 'summarise[ctranslate2]'") from None
    from transformers import AutoConfig, AutoTokenizer
    from transformers.utils import logging as hf_logging

    from .runtime import choose_device, default_threads

    hf_logging.set_verbosity_error()  # our own messages say what matters
    warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
    device = choose_device(generation.device)
    if device == "cuda" and not ctranslate2.get_cuda_device_count():
        raise UsageError("--device cuda with --backend ctranslate2: this ctranslate2 build "
                         "sees no CUDA device")
    compute = compute_type(generation, device)
    supported = ctranslate2.get_supported_compute_types(device)
    if compute not in supported:
        raise UsageError(f"CTranslate2 cannot compute in {compute} on {device} here; "
                         f"it can in: {', '.join(sorted(supported))}")
    config = AutoConfig.from_pretrained(ref.path, trust_remote_code=False)
    if not config.is_encoder_decoder:
        raise UsageError(f"model {ref.name} ({config.model_type}): --backend ctranslate2 "
                         "runs encoder-decoder models only; use --backend torch")
    path = convert(ref, compute, notify)
    threads = generation.threads or default_threads()
    model = ctranslate2.Translator(str(path), device=device, compute_type=compute,
                                   inter_threads=1, intra_threads=threads)
    tokenizer = AutoTokenizer.from_pretrained(ref.path, trust_remote_code=False)
    return CT2Model(ref, model, tokenizer, config, device, compute, path, _vocabulary(path))


def _suppressed(loaded: CT2Model) -> list[list[str]] | None:
    """The checkpoint's banned token sequences (``bad_words_ids``), as CTranslate2 wants."""
    from transformers import GenerationConfig

    try:
        banned = GenerationConfig.from_pretrained(loaded.ref.path).bad_words_ids
    except OSError:  # no generation_config.json
        banned = getattr(loaded.config, "bad_words_ids", None)
    if not banned:
        return None
    size = len(loaded.vocabulary)  # the converter drops some ids (Marian's <pad>, the last)
    return [loaded.tokens(list(seq)) for seq in banned if max(seq) < size] or None


def _vocabulary(folder: Path) -> list[str]:
    """The converted model's target vocabulary, in id order."""
    import json

    for name in ("shared_vocabulary.json", "target_vocabulary.json"):
        if (folder / name).is_file():
            return json.loads((folder / name).read_text(encoding="utf-8"))
    for name in ("shared_vocabulary.txt", "target_vocabulary.txt"):
        if (folder / name).is_file():
            return (folder / name).read_text(encoding="utf-8").splitlines()
    raise ModelUnavailable(f"the CTranslate2 model in {folder} has no vocabulary file; "
                           "delete the folder so that it is converted again")


def _options(generation: Generation) -> dict:
    return {"beam_size": generation.beams or 1,
            "no_repeat_ngram_size": generation.no_repeat_ngram_size or 0,
            "repetition_penalty": generation.repetition_penalty or 1.0,
            "return_end_token": True}


def _to_generated(loaded: CT2Model, tokens: list[str], max_new: int,
                  keep: int | None = None) -> Generated:
    return decode(loaded.tokenizer, loaded.ids(tokens), max_new, keep=keep)


class CT2Summariser(Seq2SeqSummariser):
    """Seq2SeqSummariser's prefix, window and token counts, with CTranslate2 decoding."""

    def __init__(self, loaded: CT2Model, generation: Generation,
                 lengths: LengthPolicy = MODEL_STOPS):
        super().__init__(loaded, generation, lengths)
        self.suppress = _suppressed(loaded)

    def _pieces(self, texts: list[str], prefix: str) -> list[list[str]]:
        tokenizer = self.loaded.tokenizer
        encoded = tokenizer(self.inputs(texts, prefix), truncation=True,
                            max_length=self.max_input_tokens)["input_ids"]
        return [self.loaded.tokens(ids) for ids in encoded]

    def summarise(self, texts: list[str], lang: str, presets: list[LengthPreset],
                  out_lang: str | None = None) -> list[list[Generated]]:
        ratio = tokens_per_word(self.loaded.tokenizer, lang)
        budgets = [self.lengths.summary(p, ratio, limit=output_window(self.loaded.config))
                   for p in presets]
        rows: list[list[Generated | None]] = [[None] * len(presets) for _ in texts]
        every = list(range(len(texts)))
        for prefix, wanted in self.by_prefix(presets).items():
            inputs = self._pieces(texts, prefix)
            spends = [budgets[s] for s in wanted]
            run = self._runner(inputs)
            # Across all texts, so that the rows a later length must run again (they
            # stopped before its minimum) make one batch, not a small one per batch.
            outputs = (cascade(run, spends, len(texts), (self.loaded.tokenizer.eos_token_id,))
                       if shareable(spends, self.generation.beams)
                       else [run(every, spend) for spend in spends])
            for slot, written in zip(wanted, outputs, strict=True):
                for i, ids in enumerate(written):
                    rows[i][slot] = decode(self.loaded.tokenizer, ids,
                                           budgets[slot].max_new_tokens)
        return rows  # type: ignore[return-value]  (every slot is filled above)

    def _runner(self, inputs: list[list[str]]):
        """``run(rows, budget)`` for ``cascade``: those inputs decoded in length-sorted
        batches, each row's model ids in the order asked."""
        def run(picked: list[int], spend: TokenBudget) -> list[list[int]]:
            memory = decoding_bytes(self.loaded.config, 4, lambda _: spend.max_new_tokens,
                                    logits_copies=CT2_LOGITS_COPIES)
            written: dict[int, list[int]] = {}
            sizes = [len(inputs[r]) for r in picked]
            for batch in length_sorted_batches(sizes, self.generation.batch_size,
                                               row_bytes=memory):
                started = time.perf_counter()
                results = self.loaded.model.translate_batch(
                    [inputs[picked[b]] for b in batch], max_decoding_length=spend.max_new_tokens,
                    min_decoding_length=spend.min_new_tokens, suppress_sequences=self.suppress,
                    max_input_length=0, **_options(self.generation))
                with owned_by([picked[b] for b in batch]):  # --doc-timeout, per call here
                    charge_call(time.perf_counter() - started)
                for b, result in zip(batch, results, strict=True):
                    written[picked[b]] = self.loaded.ids(result.hypotheses[0])
            return [written[r] for r in picked]

        return run


class CT2Translator(Seq2SeqTranslator):
    """Seq2SeqTranslator's sentence grouping and batching, with CTranslate2 decoding."""

    def __init__(self, loaded: CT2Model, generation: Generation,
                 lengths: LengthPolicy = MODEL_STOPS):
        super().__init__(loaded, generation, lengths)
        self.suppress = _suppressed(loaded)

    def generate(self, segments: list[str], src: str, tgt: str, max_new: int,
                 keep: list[int | None]) -> list[Generated]:
        tokenizer = self.loaded.tokenizer
        codes = self._codes()
        prefix = None
        if codes:
            tokenizer.src_lang = codes[src]
            prefix = [[codes[tgt]] for _ in segments]
        pieces = [self.loaded.tokens(ids) for ids in tokenizer(segments)["input_ids"]]
        exact = [k for k in keep if k is not None]
        longest = max(exact) if exact else max_new
        started = time.perf_counter()
        results = self.loaded.model.translate_batch(
            pieces, target_prefix=prefix, max_decoding_length=longest,
            min_decoding_length=longest if exact else 1, suppress_sequences=self.suppress,
            max_input_length=0, **_options(self.generation))
        charge_call(time.perf_counter() - started)  # --doc-timeout, per call here
        return [_to_generated(self.loaded, r.hypotheses[0], max_new, keep=k)
                for r, k in zip(results, keep, strict=True)]


__all__ = ["CT2Summariser", "CT2Translator", "convert", "load"]

if __name__ == "__main__":  # python -m summarise.models.ct2 SOURCE OUTPUT COMPUTE_TYPE
    _convert_here(*sys.argv[1:4])


# The engine that ``cli/backends.py`` registers as ``--backend ctranslate2``.


def load_model(ref: ModelRef, settings, notify=None) -> CT2Model:
    return load(ref, settings.generation, notify)


def summariser(loaded: CT2Model, settings, kind: str,
               lengths: LengthPolicy = MODEL_STOPS) -> CT2Summariser:
    """Only seq2seq reaches here: the backend declares ``kinds=("seq2seq",)``."""
    return CT2Summariser(loaded, settings.generation, lengths)


def translator(loaded: CT2Model, generation: Generation,
               lengths: LengthPolicy = MODEL_STOPS) -> CT2Translator:
    return CT2Translator(loaded, generation, lengths)
