"""Batching that keeps CPUs busy: length-sorted buckets, dynamic padding, token budgets.

Sorting by length before batching means the texts in a batch are about as long as
each other, so little compute goes to padding; the batch size follows from a budget of
padded tokens, so short inputs travel in big batches and long ones in small batches.
"""

from __future__ import annotations

from collections.abc import Sequence

# Padded input tokens per batch: 16 documents of 512 tokens on CPU.
TOKENS_PER_BATCH = 8192
MAX_BATCH = 64


def length_sorted_batches(lengths: Sequence[int], batch_size: int | None = None,
                          tokens_per_batch: int = TOKENS_PER_BATCH) -> list[list[int]]:
    """Indices into ``lengths`` grouped into batches, longest first.

    With ``batch_size`` the batches have that many items; without it, a batch grows
    while ``items x longest`` stays within ``tokens_per_batch``.
    """
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        if current:
            longest = lengths[current[0]]
            full = (len(current) >= batch_size if batch_size
                    else (len(current) + 1) * max(longest, 1) > tokens_per_batch
                    or len(current) >= MAX_BATCH)
            if full:
                batches.append(current)
                current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches
