"""Encoder-decoder translators: Marian (opus-mt), and multilingual NLLB / M2M100 / mBART.

Texts of any length are translated in sentence groups that fit the model's input
window, all groups of all texts batched together, and joined back: nothing is cut.
"""

from __future__ import annotations

from ..config import Generation
from ..engine import length_sorted_batches
from ..segment import split_sentences
from .runtime import LoadedModel
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


class Seq2SeqTranslator:
    def __init__(self, loaded: LoadedModel, generation: Generation):
        self.loaded = loaded
        self.generation = generation
        self.name = loaded.ref.name
        self.window = input_window(loaded)
        self.segment_tokens = max(8, self.window // INPUT_SHARE)

    def _codes(self) -> dict[str, str] | None:
        cls = type(self.loaded.tokenizer).__name__
        return next((codes for key, codes in LANG_CODES.items() if cls.startswith(key)), None)

    def _count(self, texts: list[str]) -> list[int]:
        return [len(ids) for ids in self.loaded.tokenizer(texts)["input_ids"]]

    def segments(self, text: str, src: str) -> list[str]:
        """Sentence groups of ``text`` that each fit the input share of the window."""
        pieces: list[str] = []
        for sentence in split_sentences(text, src):
            pieces.extend(self._split_long(sentence))
        groups: list[str] = []
        current: list[str] = []
        used = 0
        for piece, size in zip(pieces, self._count(pieces) if pieces else [], strict=True):
            if current and used + size > self.segment_tokens:
                groups.append(" ".join(current))
                current, used = [], 0
            current.append(piece)
            used += size
        if current:
            groups.append(" ".join(current))
        return groups

    def _split_long(self, sentence: str) -> list[str]:
        """A sentence over the limit is split between words, never inside one."""
        if self._count([sentence])[0] <= self.segment_tokens:
            return [sentence]
        words, parts, current = sentence.split(), [], []
        for word in words:
            if current and self._count([" ".join([*current, word])])[0] > self.segment_tokens:
                parts.append(" ".join(current))
                current = []
            current.append(word)
        if current:
            parts.append(" ".join(current))
        return parts

    def translate(self, texts: list[str], src: str, tgt: str) -> list[str]:
        import torch

        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        extra = {}
        codes = self._codes()
        if codes:
            tokenizer.src_lang = codes[src]
            extra["forced_bos_token_id"] = tokenizer.convert_tokens_to_ids(codes[tgt])
        owners, segments = [], []
        for index, text in enumerate(texts):
            for segment in self.segments(text, src):
                owners.append(index)
                segments.append(segment)
        outputs = [""] * len(segments)
        lengths = self._count(segments) if segments else []
        for batch in length_sorted_batches(lengths, self.generation.batch_size):
            enc = tokenizer([segments[i] for i in batch], return_tensors="pt", padding=True)
            enc = enc.to(self.loaded.device)
            longest = max(lengths[i] for i in batch)
            max_new = max(4, min(self.window - 2, 2 * longest + 8))
            kwargs = generate_kwargs(self.generation, 0, max_new)
            kwargs["min_new_tokens"] = 0 if not self.generation.force_lengths else max_new
            with torch.inference_mode():
                out = model.generate(**enc, **kwargs, **extra)
            for i, seq in zip(batch, out, strict=True):
                outputs[i] = decode(tokenizer, seq, max_new).text
        joined: list[list[str]] = [[] for _ in texts]
        for owner, text in zip(owners, outputs, strict=True):
            joined[owner].append(text)
        return [" ".join(parts) for parts in joined]
