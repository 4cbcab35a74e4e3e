"""Encoder-decoder translators: Marian (opus-mt), and multilingual NLLB / M2M100 / mBART.

Texts of any length are translated in sentence groups that fit the model's input
window, all groups of all texts batched together, and joined back: nothing is cut.
"""

from __future__ import annotations

from ..budget import owned_by, watching
from ..config import Generation
from ..controltokens import control_markers, neutralise
from ..engine import ACTIVATION_BYTES, decoding_bytes, length_sorted_batches
from ..lengths import MODEL_STOPS, LengthPolicy, TokenBudget
from ..segment import pack_sentences
from .base import Generated
from .masks import in_place
from .profiles import profile_of, resolve_generation
from .runtime import LoadedModel, release_memory
from .seq2seq import decode, generate_kwargs, input_window

# Language codes of multilingual tokenizers, by tokenizer class name.
LANG_CODES = {
    "Nllb": {"de": "deu_Latn", "en": "eng_Latn"},
    "M2M100": {"de": "__de__", "en": "__en__"},
    "MBart": {"de": "de_DE", "en": "en_XX"},
}
# A translation can be longer than its source: keep the input to a third of the window
# so that input and output both fit models with a hard position limit (Marian).
INPUT_SHARE = 3


def forced_length_kwargs(tokens: int) -> dict:
    """``generate()`` arguments that make every row exactly ``tokens`` long: no early
    end-of-sequence, and no end-of-sequence forced onto the last step (Marian does that).
    Public: an exact budget (``lengths.ForcedLengths``) reaches ``generate()`` through it,
    here and in the benches' naive paths."""
    return {"max_new_tokens": tokens, "min_new_tokens": tokens, "forced_eos_token_id": None}


class Seq2SeqTranslator:
    def __init__(self, loaded: LoadedModel, generation: Generation,
                 lengths: LengthPolicy = MODEL_STOPS):
        self.loaded = loaded
        self.profile = profile_of(loaded)
        self.generation = resolve_generation(generation, self.profile)
        self.lengths = lengths  # may a translation end early (runs) or not (benchmarks)
        self.name = loaded.ref.name
        self.window = input_window(loaded, self.profile)
        self.segment_tokens = max(8, self.window // INPUT_SHARE)
        self.markers = control_markers(loaded.tokenizer)

    def _codes(self) -> dict[str, str] | None:
        cls = type(self.loaded.tokenizer).__name__
        return next((codes for key, codes in LANG_CODES.items() if cls.startswith(key)), None)

    def _count(self, texts: list[str]) -> list[int]:
        return [len(ids) for ids in self.loaded.tokenizer(texts)["input_ids"]]

    def segments(self, text: str, src: str) -> list[str]:
        """Sentence groups of ``text`` that each fit the input share of the window."""
        specials = self._count([""])[0]  # end-of-sequence (and language) tokens

        def content(pieces: list[str]) -> list[int]:
            return [n - specials for n in self._count(pieces)]

        return pack_sentences(text, src, content, self.segment_tokens - specials)

    def translate(self, texts: list[str], src: str, tgt: str) -> list[str]:
        """``texts`` in ``tgt``; the tokenizer's control strings in them (``</s>``,
        ``<pad>``...) are broken first, so they translate as text instead of ending or
        padding the input."""
        owners, segments = [], []
        for index, text in enumerate(neutralise(t, self.markers) for t in texts):
            for segment in self.segments(text, src):
                owners.append(index)
                segments.append(segment)
        outputs = [""] * len(segments)
        lengths = self._count(segments) if segments else []
        # Bytes per cached value: the model's dtype, else fp32 (CTranslate2 on CPU).
        itemsize = getattr(getattr(self.loaded, "dtype", None), "itemsize", 4)
        memory = decoding_bytes(self.loaded.config, itemsize,
                                lambda n: self.budget(n).max_new_tokens)
        for batch in length_sorted_batches(lengths, self.generation.batch_size, row_bytes=memory,
                                           bytes_per_batch=ACTIVATION_BYTES):
            spends = [self.budget(lengths[i]) for i in batch]
            max_new = max(spend.max_new_tokens for spend in spends)
            keep = [spend.max_new_tokens if spend.exact else None for spend in spends]
            with owned_by([owners[i] for i in batch]):  # --doc-timeout: whose rows these are
                done = self.generate([segments[i] for i in batch], src, tgt, max_new, keep)
            for i, generated in zip(batch, done, strict=True):
                outputs[i] = generated.text
            release_memory()
        joined: list[list[str]] = [[] for _ in texts]
        for owner, text in zip(owners, outputs, strict=True):
            joined[owner].append(text)
        return [" ".join(parts) for parts in joined]

    def budget(self, source_tokens: int) -> TokenBudget:
        """Room for a translation of a segment this long (within the model's positions)."""
        return self.lengths.translation(source_tokens, self.window)

    def generate(self, segments: list[str], src: str, tgt: str, max_new: int,
                 keep: list[int | None]) -> list[Generated]:
        """One batched model call; ``keep`` is, per row, the exact length of an exact
        budget (else None). The one method another backend (CTranslate2) replaces."""
        import torch
        from transformers import LogitsProcessorList

        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        extra = {}
        codes = self._codes()
        if codes:
            tokenizer.src_lang = codes[src]
            extra["forced_bos_token_id"] = tokenizer.convert_tokens_to_ids(codes[tgt])
        enc = tokenizer(segments, return_tensors="pt", padding=True).to(self.loaded.device)
        kwargs = generate_kwargs(self.generation, 0, max_new)
        exact = [k for k in keep if k is not None]
        if exact:
            kwargs.update(forced_length_kwargs(max(exact)))
        kwargs, masks = in_place(model.generation_config, kwargs, start=1)
        with torch.inference_mode():
            out = model.generate(**enc, **kwargs, **extra, **watching(),
                                 logits_processor=LogitsProcessorList([masks]))
        # Greedy rows are independent: the first N tokens of a longer forced run are the
        # run forced to N, so each segment keeps exactly its own forced length.
        return [decode(tokenizer, seq, max_new, keep=k) for seq, k in zip(out, keep, strict=True)]
