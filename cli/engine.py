"""Batching that keeps CPUs busy: length-sorted buckets, dynamic padding, token budgets.

Sorting by length before batching means the texts in a batch are about as long as
each other, so little compute goes to padding; the batch size follows from a budget of
padded tokens, so short inputs travel in big batches and long ones in small batches.
A second budget caps the memory a batch holds while decoding (attention caches and
logits), so that batching costs little memory next to the weights: one document at a
time needs almost nothing beyond them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")

# Padded input tokens per batch: 16 documents of 512 tokens on CPU.
TOKENS_PER_BATCH = 8192
MAX_BATCH = 64
# Decoding state one batch may hold on top of the weights. A run's weights are all
# loaded while the summariser writes (the translators load in the background then), and
# summaries and translations are not decoded at once, so both get the whole budget.
# Bigger batches are still faster per text (mT5-small decoding, ms per text and step:
# 10 texts 11, 16 texts 9; CTranslate2 int8, 8 texts 4.3, 16 texts 2.3, 32 texts 1.7);
# this budget trades that for memory.
ACTIVATION_BYTES = 384 * 2**20
LOGITS_COPIES = 8  # vocabulary-sized rows per text: logits, their fp32 copy, processors
# Measured on mT5 and Marian: the encoder pass, temporary copies and allocator slack add
# about 30 % to the caches counted below.
SLACK = 1.3


def length_sorted_batches(lengths: Sequence[int], batch_size: int | None = None,
                          tokens_per_batch: int = TOKENS_PER_BATCH,
                          row_bytes: Callable[[int], float] | None = None,
                          bytes_per_batch: int = ACTIVATION_BYTES) -> list[list[int]]:
    """Indices into ``lengths`` grouped into batches, longest first.

    With ``batch_size`` the batches have that many items; without it, a batch grows
    while ``items x longest`` stays within ``tokens_per_batch`` and, given
    ``row_bytes(longest)`` (the memory one text of that length takes while decoding),
    while ``items x row_bytes(longest)`` stays within ``bytes_per_batch``. Batches are
    then evened out where that keeps them within budget (16 texts at most 5 per batch
    become 4 x 4, not 5 + 5 + 5 + 1, whose last batch would cost as much as a full one).
    """
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))

    def fits(batch: list[int]) -> bool:
        if batch_size:
            return len(batch) <= batch_size
        longest = max(lengths[batch[0]], 1)
        return (len(batch) <= MAX_BATCH and len(batch) * longest <= tokens_per_batch
                and (row_bytes is None or len(batch) * row_bytes(longest) <= bytes_per_batch
                     or len(batch) == 1))

    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        if current and not fits([*current, index]):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    even = even_split(order, len(batches))
    return even if all(fits(batch) for batch in even) else batches


def even_split(items: Sequence[T], parts: int) -> list[list[T]]:
    """``items`` in ``parts`` consecutive runs whose sizes differ by one at most (the
    longer first): 16 in 3 are 6 + 5 + 5. Public: the benches interleave their paths'
    shares of the documents with it."""
    size, extra = divmod(len(items), max(parts, 1))
    out, start = [], 0
    for part in range(parts):
        end = start + size + (1 if part < extra else 0)
        out.append(list(items[start:end]))
        start = end
    return out


def decoding_bytes(config, dtype_bytes: int, new_tokens: Callable[[int], int],
                   logits_copies: int = LOGITS_COPIES) -> Callable[[int], float]:
    """``row_bytes`` for an encoder-decoder: every decoder layer caches keys and values
    for the input (cross-attention) and for each new token (self-attention), and each
    step makes a few vocabulary-sized rows of logits (kept in fp32)."""
    layers = (getattr(config, "num_decoder_layers", None) or getattr(config, "decoder_layers",
              None) or getattr(config, "num_layers", None) or 12)
    heads = getattr(config, "num_heads", None) or getattr(config, "decoder_attention_heads", 0)
    width = heads * getattr(config, "d_kv", 0) or getattr(config, "d_model", 0) \
        or getattr(config, "hidden_size", 1024)
    per_token = layers * 2 * width * dtype_bytes
    logits = getattr(config, "vocab_size", 32_000) * 4 * logits_copies

    def row_bytes(input_tokens: int) -> float:
        return SLACK * ((input_tokens + new_tokens(input_tokens)) * per_token + logits)

    return row_bytes
