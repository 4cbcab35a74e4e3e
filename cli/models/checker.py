"""``--checker MODEL``: a model's view of whether each summary sentence follows from the
source, as an entailment probability, next to the lexical grounding of ``summarise.checks``.

The lexical checks are fast and always on; they see shared words, not meaning (a negated
sentence shares every word with its source). A natural language inference (NLI) model
reads a premise and a hypothesis and says whether the first entails the second, so it
catches what word overlap cannot, at the price of one encoder pass per summary sentence.
It is off unless ``--checker`` names a model.

The premise of a summary sentence is chosen by ``summarise.checks.annotate``: the source
sentences grounding found supporting it, joined (the whole source when it found none).
That is the shape XNLI-trained models learnt from (a sentence or short paragraph as
premise), and supporting sentences almost always fit the window (512 tokens for
mDeBERTa); a longer premise is read up to the window (``NliChecker._encode``).

Supported: sequence-classification NLI models whose ``config.json`` names an
``entailment`` class in ``id2label``, such as the multilingual XNLI-trained
``MoritzLaurer/mDeBERTa-v3-base-xnli-multilingual-nli-2mil7`` (MIT; main holds
``model.safetensors`` and ``spm.model``:
https://huggingface.co/MoritzLaurer/mDeBERTa-v3-base-xnli-multilingual-nli-2mil7/tree/main).
Its card calls it as ``tokenizer(premise, hypothesis, truncation=True)`` and takes the
softmax of the logits, labels ``entailment, neutral, contradiction``
(https://huggingface.co/MoritzLaurer/mDeBERTa-v3-base-xnli-multilingual-nli-2mil7); which
index is ``entailment`` is read from the model's own ``id2label``, never assumed, since
other NLI models order their classes otherwise or have two (``entailment`` /
``not_entailment``). SEAHORSE's attribution models (mT5 seq2seq, prompted
``"premise: ARTICLE hypothesis: SUMMARY"``: https://huggingface.co/google/seahorse-large-q4)
are not supported: their card does not say which output token means "attributable", and
guessing it would score with the wrong sign; such a model is refused before it loads.
"""

from __future__ import annotations

from ..errors import UsageError

CHECKER_FLAG = "--checker"
ENTAILMENT = "entailment"
# A tokenizer's model_max_length when its folder sets none (transformers' "very large").
NO_LIMIT = 10**6


def entailment_index(id2label: dict, label: str) -> int:
    """The class index whose name is ``entailment`` in a config's ``id2label`` (JSON keys
    are strings, a loaded config's are ints); a ``UsageError`` naming ``label`` when the
    model has no such class, so that its scores would mean something else."""
    found = [int(index) for index, name in (id2label or {}).items()
             if str(name).strip().lower() == ENTAILMENT]
    if len(found) != 1:
        names = ", ".join(str(name) for name in (id2label or {}).values()) or "none"
        raise UsageError(f"{label}: its config.json has no single 'entailment' class in "
                         f"id2label (its labels: {names}), so its scores cannot be read as "
                         "entailment; pass an NLI model such as "
                         "MoritzLaurer/mDeBERTa-v3-base-xnli-multilingual-nli-2mil7")
    return found[0]


def check_checker_role(config: dict, label: str) -> int:
    """From config.json alone (no weights): the model classifies a pair of texts and one of
    its classes is entailment. Returns that class's index."""
    architectures = config.get("architectures") or []
    if config.get("is_encoder_decoder") or not any(
            str(name).endswith("ForSequenceClassification") for name in architectures):
        kind = ", ".join(architectures) or config.get("model_type") or "unknown"
        raise UsageError(f"{label} is not a sequence-classification NLI model ({kind}); "
                         "the checker reads entailment from a classifier's labels (text "
                         "generators such as SEAHORSE's mT5 are not supported); pass a "
                         "model such as MoritzLaurer/mDeBERTa-v3-base-xnli-multilingual-"
                         "nli-2mil7")
    return entailment_index(config.get("id2label") or {}, label)


def load_checker(ref, settings):
    """The checker's weights and tokenizer on the run's device, dtype and threads (the
    engine options the summariser gets): safetensors unless ``--allow-pickle``, read by
    torch's weights-only unpickler even then, never remote code."""
    import torch
    from transformers import AutoModelForSequenceClassification
    from transformers.utils import logging as hf_logging

    from .runtime import (
        LoadedModel,
        _from_pretrained,
        choose_device,
        choose_dtype,
        load_tokenizer,
        set_threads,
    )

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    set_threads(settings.generation.threads)
    device = choose_device(settings.generation.device)
    dtype = choose_dtype(settings.generation.dtype, device)
    model = _from_pretrained(AutoModelForSequenceClassification, ref, dtype,
                             settings.allow_pickle)
    model.to(device).eval()
    tokenizer = load_tokenizer(ref.path)
    torch.set_grad_enabled(False)
    return LoadedModel(ref, model, tokenizer, device, dtype)


class NliChecker:
    """A sequence-classification NLI model as a ``Checker``: pairs scored in length-sorted
    batches (``engine.length_sorted_batches``, ``--batch-size`` pairs when given), the
    softmax's entailment column returned in the order asked."""

    def __init__(self, loaded, batch_size: int | None = None):
        self.loaded = loaded
        self.name = loaded.ref.name
        self.tokenizer = loaded.tokenizer
        self.batch_size = batch_size
        self.entailment = entailment_index(loaded.config.id2label,
                                           f"{CHECKER_FLAG} {self.name}")
        self.window = input_window(loaded.config, self.tokenizer)

    def score(self, premises: list[str], hypotheses: list[str]) -> list[float]:
        import torch

        from ..engine import length_sorted_batches

        if len(premises) != len(hypotheses):
            raise ValueError(f"{len(premises)} premises for {len(hypotheses)} hypotheses")
        if not premises:
            return []
        lengths = [len(ids) for ids in self._encode(premises, hypotheses)["input_ids"]]
        scores = [0.0] * len(premises)
        for batch in length_sorted_batches(lengths, self.batch_size):
            encoded = self._encode([premises[i] for i in batch], [hypotheses[i] for i in batch],
                                   return_tensors="pt", padding=True).to(self.loaded.device)
            with torch.inference_mode():
                logits = self.loaded.model(**encoded).logits
            probabilities = logits.float().softmax(dim=-1)[:, self.entailment].tolist()
            for index, probability in zip(batch, probabilities, strict=True):
                scores[index] = probability
        return scores

    def _encode(self, premises: list[str], hypotheses: list[str], **options):
        """Pairs cut to the window: "longest_first" takes tokens off the end of the longer
        side, which is the premise unless a summary sentence alone fills the window, so a
        premise longer than the window (the whole source, for a sentence grounding found
        no support for) is read as its opening window."""
        return self.tokenizer(premises, hypotheses, truncation="longest_first",
                              max_length=self.window, **options)

    def manifest(self) -> dict:
        """What run.json records of the checker beside its files."""
        return {"role": "checker", "entailment_label": self.entailment,
                "window": self.window}


def input_window(config, tokenizer) -> int:
    """Tokens one pair may take: the tokenizer's ``model_max_length`` and the model's
    position table, whichever is smaller (512 for mDeBERTa-v3-base: its
    tokenizer_config.json and config.json both say 512)."""
    limits = [int(tokenizer.model_max_length)] if tokenizer.model_max_length < NO_LIMIT else []
    positions = getattr(config, "max_position_embeddings", None)
    if positions:
        limits.append(int(positions))
    return min(limits) if limits else 512
