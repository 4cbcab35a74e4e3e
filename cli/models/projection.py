"""The vocabulary projection on CPU in fp32: one matrix product per decoding step.

At every decoding step an encoder-decoder multiplies a few rows (one per text in the
batch) by its output embedding, a matrix of vocabulary x width (250,112 x 512 for mT5,
half a gigabyte in fp32). PyTorch's CPU ``linear`` computes ``x @ W.T``; for 5 to 15
rows the BLAS kernel it lands on is up to twice as slow as the same product written
``(W @ x.T).T``, which streams the big matrix once. Measured on this project's 2-core
machines (``bench/README.md``), per step: 8 rows 70 -> 49 ms, 12 rows 122 -> 52 ms; one
row and 16 or more rows about equal. Both forms give the same numbers as batching
already does (differences of a few 1e-6 from one row at a time), and are identical for
one row.
"""

from __future__ import annotations

# A projection this wide is a vocabulary (the widest hidden layer of the models we
# load is a few thousand).
MIN_VOCABULARY = 16_384
# Above this many rows (a prompt read at once) the ordinary kernel is as fast.
MAX_ROWS = 64


def streamed_projection_forward(self, x):
    """``linear(x)`` computed as ``(W @ x.T).T`` for a few rows."""
    import torch

    rows = x.numel() // x.shape[-1]
    if rows > MAX_ROWS or x.dtype != torch.float32:
        return torch.nn.functional.linear(x, self.weight, self.bias)
    out = (self.weight @ x.reshape(rows, x.shape[-1]).T).T.contiguous()
    if self.bias is not None:
        out = out + self.bias
    return out.reshape(*x.shape[:-1], self.weight.shape[0])


def stream_vocabulary_projection(model) -> bool:
    """Make the model's output projection use the streamed product, if it is a plain
    fp32 ``Linear`` onto a vocabulary; True when it was changed. The module keeps its
    weight (shared with the input embedding where tied), only its forward changes."""
    import types

    import torch

    head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    if (type(head) is not torch.nn.Linear or head.weight.dtype != torch.float32
            or head.weight.device.type != "cpu" or head.out_features < MIN_VOCABULARY):
        return False
    head.forward = types.MethodType(streamed_projection_forward, head)
    return True
