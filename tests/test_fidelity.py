"""Every fast path writes what torch fp32 writes, measured on the trained fixtures.

On random weights every engine disagrees with every other (flat distributions), so a
real bug (a wrong decoder start token or task prefix after conversion, a layer that
should not be quantised) would look like a healthy run; on trained models a healthy
fast path agrees almost everywhere.

Thresholds: CTranslate2 fp32 runs the same arithmetic in another library, so greedy
outputs must be identical (100 %). bf16 and int8 round weights or activations: the
trained fixtures' next-token margins are wide, so rounding flips a token rarely, and
a flip early in an output changes the rest of it (greedy decoding follows its own
tokens); 95 % token agreement leaves room for a few such flips among the ~2,000
tokens compared, while a wrong prefix, start token or quantised output layer drops it
far below (to ~0-40 %).
"""

from __future__ import annotations

import pytest
from conftest import CORPUS
from summarise.fixtures.fidelity import (
    REFERENCE,
    compare,
    engine_outputs,
    held_out_documents,
    held_out_pairs,
)
from summarise.fixtures.leads import sentences_of

DOCUMENTS = 8  # x 3 lengths: 24 summaries (~2,400 tokens)
PAIRS = 30  # sentences per translation direction
THRESHOLDS = {  # engine -> (least token agreement, least share of identical outputs)
    "ct2-fp32": (1.0, 1.0),
    "torch-bf16": (0.95, 0.0),
    "torch-int8": (0.95, 0.0),
    "ct2-int8": (0.95, 0.0),
}


@pytest.fixture(scope="module")
def inputs():
    return held_out_documents(sentences_of(CORPUS), DOCUMENTS), held_out_pairs(PAIRS)


@pytest.fixture(scope="module")
def reference(trained_models, inputs):
    return engine_outputs(REFERENCE, trained_models, *inputs)


@pytest.fixture(scope="module")
def outputs(trained_models, inputs, tmp_path_factory):
    """Each engine's outputs, computed once (CTranslate2 converts into a session cache)."""
    import os

    os.environ["SUMMARISE_CT2_CACHE"] = str(tmp_path_factory.getbasetemp() / "ct2")
    return {}


@pytest.mark.parametrize("part", ["summaries", "de-en", "en-de"])
@pytest.mark.parametrize("engine", list(THRESHOLDS))
def test_fast_path_agrees_with_torch_fp32(trained_models, inputs, reference, outputs, engine,
                                          part):
    if engine.startswith("ct2"):
        pytest.importorskip("ctranslate2")
    if engine not in outputs:
        outputs[engine] = engine_outputs(engine, trained_models, *inputs)
    least_agreement, least_identical = THRESHOLDS[engine]
    result = compare(reference, outputs[engine])[part]
    assert result.outputs > 0
    assert result.token_agreement >= least_agreement, result
    assert result.exact_rate >= least_identical, result


def test_reference_outputs_are_not_degenerate(reference):
    """A fidelity check only means something if the reference wrote real outputs that
    stop: a model that writes nothing would agree with every engine."""
    for part, outputs in reference.items():
        lengths = [len(ids) for ids in outputs]
        assert min(lengths) >= 3, part
        # Distinct across inputs: summaries come document by document, one per length;
        # compare documents by their first output.
        per_input = len(outputs) // DOCUMENTS if part == "summaries" else 1
        firsts = [tuple(ids) for ids in outputs[::per_input]]
        assert len(set(firsts)) == len(firsts), part
