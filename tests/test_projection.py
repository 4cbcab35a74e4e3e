"""The streamed vocabulary projection computes what ``linear`` computes, and only takes
over plain fp32 vocabulary projections on CPU."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from summarise.models.projection import (  # noqa: E402
    MIN_VOCABULARY,
    STREAMED_ROWS,
    stream_vocabulary_projection,
)


class Head(torch.nn.Module):
    """What ``stream_vocabulary_projection`` looks for: an output embedding."""

    def __init__(self, vocabulary: int, bias: bool = False, dtype=torch.float32):
        super().__init__()
        self.lm_head = torch.nn.Linear(24, vocabulary, bias=bias, dtype=dtype)

    def get_output_embeddings(self):
        return self.lm_head


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("shape", [(1, 24), (3, 1, 24), (8, 1, 24), (12, 24), (15, 1, 24),
                                   (16, 1, 24), (2, 40, 24)])
def test_same_numbers_as_linear_for_every_batch_shape(shape, bias):
    torch.manual_seed(0)
    model = Head(MIN_VOCABULARY, bias)
    x = torch.randn(*shape)
    expected = model.lm_head(x)
    assert stream_vocabulary_projection(model)
    got = model.lm_head(x)
    assert got.shape == expected.shape and got.is_contiguous()
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-5)
    rows = x.numel() // x.shape[-1]
    if rows not in STREAMED_ROWS:  # outside its rows it is linear itself
        assert torch.equal(got, expected)


@pytest.mark.parametrize("model", [
    Head(MIN_VOCABULARY - 1),  # a hidden layer, not a vocabulary
    Head(MIN_VOCABULARY, dtype=torch.bfloat16),  # its own kernels are fine
])
def test_other_projections_are_left_alone(model):
    assert not stream_vocabulary_projection(model)
    assert "forward" not in vars(model.lm_head)


def test_an_int8_model_is_left_alone():
    from summarise.models.runtime import quantize_int8

    model = quantize_int8(Head(MIN_VOCABULARY))
    assert not stream_vocabulary_projection(model)
