"""Decoder-only chat models (Qwen2, Llama, Gemma, Mistral ...) as summarisers.

The prompt goes through the tokenizer's own chat template (the model's control tokens
inside the document broken first, see ``controltokens``), generation stops at
end-of-sequence or at the token budget, and only the newly generated tokens are kept.
Batches are padded on the left, so that every prompt ends where generation starts:
a batch then writes what each prompt would get alone.
"""

from __future__ import annotations

from ..budget import owned_by, watching
from ..config import Generation
from ..controltokens import control_markers, neutralise
from ..engine import length_sorted_batches
from ..errors import UsageError
from ..lengths import MODEL_STOPS, LengthPolicy, LengthPreset, TokenBudget, tokens_per_word
from ..postprocess import clean_chat_output
from ..prompting import PromptTemplate, RenderedPrompt
from .base import Generated
from .instruct import empty_prompt
from .profiles import profile_of, resolve_generation
from .runtime import LoadedModel
from .seq2seq import input_window

# Most prompt tokens read at once on CPU: prefill time grows with the square of the
# length; longer documents go through map-reduce (longdoc) instead.
CHAT_INPUT_CAP = 8192
# Room kept in the context window for the answer.
OUTPUT_RESERVE = 512


class ChatSummariser:
    """A chat model that writes the summary in any language it is asked for."""

    can_write_other_language = True
    kind = "chat"

    def __init__(self, loaded: LoadedModel, generation: Generation, template: PromptTemplate,
                 lengths: LengthPolicy = MODEL_STOPS):
        tokenizer = loaded.tokenizer  # its chat template: checked by ``kinds.kind_of``
        if tokenizer.pad_token_id is None:  # Llama ships none; padding is masked anyway
            tokenizer.pad_token = tokenizer.eos_token
        tokenizer.padding_side = "left"
        self.loaded, self.template = loaded, template
        self.profile = profile_of(loaded)
        self.generation = resolve_generation(generation, self.profile)
        self.lengths = lengths
        self.trained_output_tokens = self.profile.output_tokens
        self.tokenizer = tokenizer
        self.name = loaded.ref.name
        window = input_window(loaded, self.profile)
        self.max_input_tokens = max(64, min(CHAT_INPUT_CAP, window - OUTPUT_RESERVE))
        self.stop_ids = stop_token_ids(loaded)
        self.markers = control_markers(tokenizer)
        self._overhead: int | None = None

    def prompt_text(self, prompt: RenderedPrompt) -> str:
        """The exact text the model reads: the messages through the chat template."""
        return chat_input(self.tokenizer, prompt)

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Prompt tokens per text: the template's own tokens plus the document's."""
        if self._overhead is None:
            self._overhead = self._token_counts([self.prompt_text(empty_prompt(self.template))])[0]
        documents = [neutralise(t, self.markers) for t in texts]
        return [self._overhead + n for n in self._token_counts(documents)]

    def _token_counts(self, texts: list[str]) -> list[int]:
        return [len(ids) for ids in self.tokenizer(texts, add_special_tokens=False)["input_ids"]]

    def summarise(self, texts: list[str], lang: str, presets: list[LengthPreset],
                  out_lang: str | None = None) -> list[list[Generated]]:
        out_lang = out_lang or lang
        ratio = tokens_per_word(self.tokenizer, out_lang)
        rows: list[list[Generated]] = [[] for _ in texts]
        for preset in presets:
            prompts = [self.prompt_text(self.template.render(t, out_lang, lang, preset,
                                                             self.markers))
                       for t in texts]
            ids = self.tokenizer(prompts, add_special_tokens=False)["input_ids"]
            # No floor: a chat model is asked for the length in words and ends itself.
            spend = self.lengths.summary(preset, ratio, floor=0)
            written: dict[int, Generated] = {}
            for batch in length_sorted_batches([len(x) for x in ids], self.generation.batch_size):
                with owned_by(batch):  # --doc-timeout: whose rows these are
                    done = self.generate([ids[i] for i in batch], spend)
                for i, result in zip(batch, done, strict=True):
                    written[i] = result
            for i in range(len(texts)):
                rows[i].append(written[i])
        return rows

    def generate(self, prompts: list[list[int]], spend: TokenBudget) -> list[Generated]:
        """Greedy (or beam) continuations of token-id prompts, left-padded into one batch."""
        import torch

        max_new_tokens = spend.max_new_tokens
        enc = self.tokenizer.pad({"input_ids": prompts}, padding=True, return_tensors="pt")
        enc = enc.to(self.loaded.device)
        # Every decoding setting is passed: nothing comes unseen from the model's
        # generation_config.json (Qwen's is for sampling, with a repetition penalty).
        kwargs = {"max_new_tokens": max_new_tokens, "num_beams": self.generation.beams,
                  "do_sample": False, "eos_token_id": sorted(self.stop_ids),
                  "pad_token_id": self.tokenizer.pad_token_id,
                  "repetition_penalty": self.generation.repetition_penalty}
        if spend.min_new_tokens:
            kwargs["min_new_tokens"] = spend.min_new_tokens
        # No no_repeat_ngram_size here: a decoder-only model counts the prompt too, so it
        # would forbid copying any three words of the document into the summary.
        with torch.inference_mode():
            out = self.loaded.model.generate(input_ids=enc["input_ids"],
                                             attention_mask=enc["attention_mask"], **kwargs,
                                             **watching())
        width = enc["input_ids"].shape[1]
        return [self._decode(seq[width:].tolist(), max_new_tokens) for seq in out]

    def _decode(self, ids: list[int], max_new_tokens: int) -> Generated:
        stop = next((k for k, t in enumerate(ids) if t in self.stop_ids), None)
        content = ids if stop is None else ids[:stop]
        text = self.tokenizer.decode(content, skip_special_tokens=True)
        return Generated(text=clean_chat_output(text), tokens=len(content),
                         hit_limit=stop is None and len(content) >= max_new_tokens)


def chat_input(tokenizer, prompt: RenderedPrompt) -> str:
    """The exact text a chat model reads: the messages through its chat template."""
    from jinja2 import TemplateError

    options = {"tokenize": False, "add_generation_prompt": True,
               "enable_thinking": False}  # Qwen3-style templates: answer, don't reason
    try:
        return tokenizer.apply_chat_template(prompt.messages(), **options)
    except TemplateError:
        if not prompt.system:
            raise
        # Some templates (Gemma) refuse a system role: fold it into the user turn.
        merged = RenderedPrompt(system="", user=prompt.as_text())
        return tokenizer.apply_chat_template(merged.messages(), **options)


def stop_token_ids(loaded: LoadedModel) -> set[int]:
    """Every id that ends a turn: the tokenizer's EOS and the generation config's list."""
    ids: set[int] = set()
    for value in (loaded.tokenizer.eos_token_id,
                  getattr(loaded.model.generation_config, "eos_token_id", None)):
        if isinstance(value, int):
            ids.add(value)
        elif value:
            ids.update(int(v) for v in value)
    if not ids:
        raise UsageError(f"model {loaded.ref.name} names no end-of-sequence token, so "
                         "generation could never stop early")
    return ids
