"""Instruction-tuned encoder-decoders (flan-t5, mt0): prompt text in, summary out.

Unlike a plain summariser the prompt differs per length and language, so the encoder
reads each prompt once per preset; in exchange the model can be asked for any length
and for a language other than the document's. Control tokens of the model inside the
document (``</s>``, ``<extra_id_0>`` ...) are broken first, as for chat models.
"""

from __future__ import annotations

from ..budget import owned_by, watching
from ..config import Generation
from ..controltokens import control_markers, neutralise
from ..engine import length_sorted_batches
from ..lengths import MODEL_STOPS, LengthPolicy, LengthPreset, tokens_per_word
from ..postprocess import clean_chat_output
from ..prompting import PromptTemplate, RenderedPrompt
from .base import Generated
from .profiles import profile_of, resolve_generation
from .runtime import LoadedModel
from .seq2seq import decode, generate_kwargs, input_window, output_window


def empty_prompt(template: PromptTemplate) -> RenderedPrompt:
    """The template around no document: what it costs in tokens is added to every
    document's own count (a prompted model's input is template plus document)."""
    lang = template.languages[0]
    return template.render("", lang, lang, LengthPreset("probe", 100, 5))


class InstructSummariser:
    """flan-t5 / mt0 asked in words for a summary of a given length and language."""

    can_write_other_language = True
    kind = "instruct"

    def __init__(self, loaded: LoadedModel, generation: Generation, template: PromptTemplate,
                 lengths: LengthPolicy = MODEL_STOPS):
        self.loaded, self.template = loaded, template
        self.profile = profile_of(loaded)
        self.generation = resolve_generation(generation, self.profile)
        self.lengths = lengths
        self.tokenizer = loaded.tokenizer
        self.name = loaded.ref.name
        self.max_input_tokens = input_window(loaded, self.profile)
        self.trained_output_tokens = self.profile.output_tokens
        self._overhead: int | None = None
        self.markers = control_markers(self.tokenizer)

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Prompt tokens per text: the instruction's tokens plus the document's."""
        if self._overhead is None:
            self._overhead = len(self.tokenizer(empty_prompt(self.template).as_text())["input_ids"])
        documents = [neutralise(t, self.markers) for t in texts]
        counts = self.tokenizer(documents, add_special_tokens=False)["input_ids"]
        return [self._overhead + len(ids) for ids in counts]

    def summarise(self, texts: list[str], lang: str, presets: list[LengthPreset],
                  out_lang: str | None = None) -> list[list[Generated]]:
        import torch

        out_lang = out_lang or lang
        tokenizer, model = self.tokenizer, self.loaded.model
        ratio = tokens_per_word(tokenizer, out_lang)
        rows: list[list[Generated]] = [[] for _ in texts]
        for preset in presets:
            prompts = [self.template.render(t, out_lang, lang, preset, self.markers).as_text()
                       for t in texts]
            spend = self.lengths.summary(preset, ratio, limit=output_window(self.loaded.config))
            sizes = [len(ids) for ids in tokenizer(prompts)["input_ids"]]
            written: dict[int, Generated] = {}
            for batch in length_sorted_batches(sizes, self.generation.batch_size):
                enc = tokenizer([prompts[i] for i in batch], return_tensors="pt",
                                padding=True).to(self.loaded.device)
                with torch.inference_mode(), owned_by(batch):  # --doc-timeout: whose rows
                    out = model.generate(**enc, **generate_kwargs(
                        self.generation, spend.min_new_tokens, spend.max_new_tokens),
                        **watching())
                for i, seq in zip(batch, out, strict=True):
                    got = decode(tokenizer, seq, spend.max_new_tokens)
                    written[i] = Generated(clean_chat_output(got.text), got.tokens, got.hit_limit)
            for i in range(len(texts)):
                rows[i].append(written[i])
        return rows
