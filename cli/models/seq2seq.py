"""Encoder-decoder summarisers (mT5/T5 with a task prefix, BART, PEGASUS).

The expensive part of an encoder-decoder is reading the document; the encoder output
is computed once per batch and handed to ``generate()`` for every requested length.
"""

from __future__ import annotations

from ..config import Generation
from ..engine import decoding_bytes, length_sorted_batches
from ..lengths import LengthPreset, budget, tokens_per_word
from .base import Generated
from .runtime import LoadedModel, release_memory

# Task prefixes of the families that were trained with one.
PREFIXES = {"t5": "summarize: ", "mt5": "summarize: ", "umt5": "summarize: "}
# Trained input window when the tokenizer does not say (relative-position models).
DEFAULT_WINDOW = 512


def input_window(loaded: LoadedModel) -> int:
    """Most input tokens the model was built or trained for."""
    limit = getattr(loaded.tokenizer, "model_max_length", None) or 0
    if 0 < limit < 100_000:
        return int(limit)
    for key in ("max_position_embeddings", "n_positions"):
        value = getattr(loaded.config, key, None)
        if value:
            return int(value)
    return DEFAULT_WINDOW


def generate_kwargs(generation: Generation, min_new: int, max_new: int) -> dict:
    kwargs = {"max_new_tokens": max_new, "min_new_tokens": min(min_new, max_new),
              "num_beams": generation.beams, "do_sample": False}
    if generation.no_repeat_ngram_size:
        kwargs["no_repeat_ngram_size"] = generation.no_repeat_ngram_size
    return kwargs


class Seq2SeqSummariser:
    """A summariser that writes in the language it reads (mT5, BART, PEGASUS)."""

    can_write_other_language = False

    def __init__(self, loaded: LoadedModel, generation: Generation):
        self.loaded = loaded
        self.generation = generation
        self.name = loaded.ref.name
        self.tokenizer = loaded.tokenizer
        self.prefix = PREFIXES.get(loaded.config.model_type, "")
        self.max_input_tokens = input_window(loaded)

    def count_tokens(self, texts: list[str]) -> list[int]:
        encoded = self.loaded.tokenizer([self.prefix + t for t in texts])["input_ids"]
        return [len(ids) for ids in encoded]

    def summarise(self, texts: list[str], lang: str, presets: list[LengthPreset],
                  out_lang: str | None = None) -> list[list[Generated]]:
        import torch
        from transformers.modeling_outputs import BaseModelOutput

        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        ratio = tokens_per_word(tokenizer, lang)
        budgets = [budget(p, ratio, self.generation) for p in presets]
        rows: list[list[Generated]] = [[] for _ in texts]
        prompts = [self.prefix + t for t in texts]
        lengths = [min(n, self.max_input_tokens) for n in self.count_tokens(texts)]
        longest_output = max(b.max_new_tokens for b in budgets)
        memory = decoding_bytes(self.loaded.config, getattr(self.loaded.dtype, "itemsize", 4),
                                lambda _: longest_output)
        for batch in length_sorted_batches(lengths, self.generation.batch_size, row_bytes=memory):
            enc = tokenizer([prompts[i] for i in batch], return_tensors="pt", padding=True,
                            truncation=True, max_length=self.max_input_tokens)
            enc = enc.to(self.loaded.device)
            with torch.inference_mode():
                hidden = model.get_encoder()(**enc).last_hidden_state
                for spend in budgets:
                    # generate() expands encoder outputs in place for beams: pass a fresh one.
                    out = model.generate(
                        encoder_outputs=BaseModelOutput(last_hidden_state=hidden),
                        attention_mask=enc["attention_mask"],
                        **generate_kwargs(self.generation, spend.min_new_tokens,
                                          spend.max_new_tokens))
                    for i, seq in zip(batch, out, strict=True):
                        rows[i].append(decode(tokenizer, seq, spend.max_new_tokens))
            release_memory()
        return rows


def decode(tokenizer, sequence, max_new_tokens: int, prompt_len: int = 0,
           keep: int | None = None) -> Generated:
    """Text of one generated sequence (its first ``keep`` tokens if given), and whether it
    ran into the token limit."""
    ids = sequence[prompt_len:]
    ids = ids.tolist() if hasattr(ids, "tolist") else list(ids)  # a tensor, or plain ids
    specials = set(tokenizer.all_special_ids)
    content = [t for t in ids if t not in specials][:keep]
    eos = tokenizer.eos_token_id
    hit_limit = eos not in ids and len(content) >= max_new_tokens - 1
    text = tokenizer.decode(content, skip_special_tokens=True, clean_up_tokenization_spaces=True)
    return Generated(text=" ".join(text.split()), tokens=len(content), hit_limit=hit_limit,
                     ids=tuple(content))
