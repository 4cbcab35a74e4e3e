"""Loading a model onto a device, once, with a dtype that is fast where it runs."""

from __future__ import annotations

import ctypes
import gc
import os
import sys
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..config import Generation
from .hub import ModelRef
from .projection import stream_vocabulary_projection


@lru_cache(maxsize=1)
def cpu_has_fast_bf16() -> bool:
    """AMX or AVX512-BF16: bf16 matmuls then run about 2x faster than fp32 on CPU."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


def choose_device(requested: str) -> str:
    import torch

    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested == "cuda" and not torch.cuda.is_available():
        from ..errors import UsageError

        raise UsageError("--device cuda was asked for, but torch sees no CUDA device")
    return requested


def choose_dtype(requested: str, device: str):
    """fp32 unless asked; ``auto`` picks bf16 on GPUs and on CPUs with bf16 units."""
    import torch

    names = {"fp32": torch.float32, "float32": torch.float32, "bf16": torch.bfloat16,
             "bfloat16": torch.bfloat16, "fp16": torch.float16, "float16": torch.float16}
    if requested in names:
        return names[requested]
    if requested != "auto":
        from ..errors import UsageError

        raise UsageError(f"--dtype {requested!r}: use auto, fp32, bf16 or fp16")
    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.bfloat16 if cpu_has_fast_bf16() else torch.float32


def default_threads() -> int:
    """Every core this process may use (affinity-aware: containers, taskset), unless
    OMP_NUM_THREADS says otherwise (several processes sharing a machine)."""
    if os.environ.get("OMP_NUM_THREADS", "").isdigit():
        return max(1, int(os.environ["OMP_NUM_THREADS"]))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def set_threads(threads: int | None) -> None:
    """Use every core we were given, or exactly ``threads``."""
    import torch

    torch.set_num_threads(max(1, threads or default_threads()))


def release_memory() -> None:
    """Give memory freed by finished batches back to the system. glibc keeps freed blocks
    for reuse, and the next model's batches, of other sizes, would be stacked on top."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (musl): nothing to trim
        return
    if hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


@dataclass
class LoadedModel:
    ref: ModelRef
    model: object
    tokenizer: object
    device: str
    dtype: object

    @property
    def config(self):
        return self.model.config

    def manifest(self) -> dict:
        return {**self.ref.manifest(), "architecture": self.config.model_type,
                "device": self.device, "dtype": str(self.dtype).removeprefix("torch.")}


def load(ref: ModelRef, generation: Generation, allow_pickle: bool = False) -> LoadedModel:
    """Load weights (safetensors unless pickle allowed) and tokenizer; never remote code."""
    import torch
    from transformers import (
        AutoConfig,
        AutoModelForCausalLM,
        AutoModelForSeq2SeqLM,
    )
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()  # our own messages say what matters
    device = choose_device(generation.device)
    quantize = generation.quantize == "int8"
    if quantize and device != "cpu":
        from ..errors import UsageError

        raise UsageError("--quantize int8 with --backend torch runs on CPU only; on a GPU "
                         "use --dtype fp16/bf16, or --backend ctranslate2")
    dtype = torch.float32 if quantize else choose_dtype(generation.dtype, device)
    config = AutoConfig.from_pretrained(ref.path, trust_remote_code=False)
    auto = AutoModelForSeq2SeqLM if config.is_encoder_decoder else AutoModelForCausalLM
    model = _from_pretrained(auto, ref, dtype, allow_pickle)
    model.to(device).eval()
    if quantize:
        model = quantize_int8(model)
        dtype = "int8-dynamic"
    else:
        stream_vocabulary_projection(model)  # fp32 on CPU only; else unchanged
    tokenizer = load_tokenizer(ref.path)
    torch.set_grad_enabled(False)
    return LoadedModel(ref, model, tokenizer, device, dtype)


def _from_pretrained(auto, ref: ModelRef, dtype, allow_pickle: bool):
    """The weights: safetensors, or with ``--allow-pickle`` a pickle read only by torch's
    weights-only unpickler, which refuses anything but tensors (nothing in it is run)."""
    import pickle

    from ..errors import ModelUnavailable

    try:
        return auto.from_pretrained(ref.path, dtype=dtype, trust_remote_code=False,
                                    use_safetensors=None if allow_pickle else True,
                                    weights_only=True)
    except pickle.UnpicklingError:
        raise ModelUnavailable(
            f"model {ref.name}: its pickle weights (*.bin) hold more than tensors, so torch's "
            "weights-only unpickler refused them and nothing in them was run; use a revision "
            "of the model with safetensors instead.") from None


def load_tokenizer(path: Path):
    """A model folder's tokenizer alone (``--dry-run`` needs no weights); no remote code."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(path, trust_remote_code=False)


def quantize_int8(model):
    """Dynamic int8 quantisation of every Linear layer (weights int8, activations quantised
    on the fly): about 4x smaller Linear weights and faster matmuls on CPUs without bf16.
    Outputs change slightly; the benchmark reports the token agreement with fp32."""
    import torch
    from torch.ao.quantization import quantize_dynamic

    from .unmap import file_mappings, own_buffers, own_parameters

    mappings = file_mappings()
    linear = torch.nn.Linear
    # quantize_dynamic matches the exact type: a subclass of Linear stays float.
    quantised = {id(m.weight) for m in model.modules() if type(m) is linear}
    kept = {id(p) for m in model.modules() if type(m) is not linear
            for p in m.parameters(recurse=False)}  # a tied embedding is also a head
    # What outlives quantising (embeddings, norms, the biases the int8 layers keep) gets
    # memory of its own first, read from the file: quantising a tied head then reads
    # the copy, and the mapped pages of the embedding are never touched.
    own_parameters((p for p in model.parameters() if id(p) not in quantised or id(p) in kept),
                   mappings)
    with warnings.catch_warnings():  # torch.ao.quantization announces its move to torchao
        warnings.simplefilter("ignore")
        model = quantize_dynamic(model, {linear}, dtype=torch.qint8, inplace=True)
    own_buffers(model, mappings)
    gc.collect()  # loading leaves reference cycles that still hold views of the file
    return model
