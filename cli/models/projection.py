"""The vocabulary projection on CPU in fp32, for batch sizes where PyTorch's is slow.

At every decoding step an encoder-decoder multiplies a few rows (one per text in the
batch) by its output embedding, a matrix of vocabulary x width (250,112 x 512 for mT5,
half a gigabyte in fp32), and that product is most of the step. For 7 to 15 rows the
BLAS kernel PyTorch's CPU ``linear`` lands on (``x @ W.T``, MKL) is up to twice as slow
as the same product written ``(W @ x.T).T``; for 2-5 rows it is the other way round, and
elsewhere they are within 10 %. Measured on this project's 2-core machines, ms per
product for the 250,112-token vocabulary, linear / streamed: 2 rows 28 / 54, 8 rows
74 / 50, 12 rows 102 / 55, 14 rows 129 / 59, 16 rows 61 / 58, 32 rows 78 / 82; Marian's
58,101 tokens the same pattern (12 rows 25.7 / 13.0). The two forms differ in the
last bits, as a batch of rows already differs from one row at a time.
"""

from __future__ import annotations

# A projection this wide is a vocabulary (the widest hidden layer of the models we
# load is a few thousand).
MIN_VOCABULARY = 16_384
# The row counts where the streamed product is the faster one (see above).
STREAMED_ROWS = range(7, 16)


def streamed_projection_forward(self, x):
    """``linear(x)``, computed as ``(W @ x.T).T`` for 7 to 15 rows."""
    import torch

    rows = x.numel() // x.shape[-1]
    if rows not in STREAMED_ROWS or x.dtype != torch.float32:
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
