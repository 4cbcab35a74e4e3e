"""Encoder-decoder summarisers (mT5/T5 with a task prefix, BART, PEGASUS).

The expensive part of an encoder-decoder is reading the document; the encoder output
is computed once per batch and handed to ``generate()`` for every requested length.
"""

from __future__ import annotations

from ..budget import owned_by, watching
from ..config import Generation
from ..controltokens import control_markers, neutralise
from ..engine import decoding_bytes, length_sorted_batches
from ..lengths import MODEL_STOPS, LengthPolicy, LengthPreset, TokenBudget, tokens_per_word
from .base import Generated
from .masks import in_place
from .profiles import Profile, profile_for, profile_of, resolve_generation
from .runtime import LoadedModel, release_memory
from .sharedpass import EndWatch, Fork, pass_budget, shareable

# A checkpoint may carry its own prefixes the way T5 checkpoints do, in
# ``task_specific_params``: "summarization" for all lengths, and "summarization_<length>"
# (with the length's "words") for a model that reads the length from its prefix. The
# family's documented prefix ("summarize: " for T5/mT5) comes from its profile.
TASK = "summarization"
# Input window when neither the profile nor the files say (relative-position models).
DEFAULT_WINDOW = 512
# Rows the encoder reads at once (see ``encode``).
ENCODER_ROWS = 4


def input_window(loaded: LoadedModel, profile: Profile | None = None) -> int:
    """Most input tokens the model was trained for: its profile's window (what the
    authors documented), else what its tokenizer or config says."""
    if profile is not None and profile.window:
        return profile.window
    limit = getattr(loaded.tokenizer, "model_max_length", None) or 0
    if 0 < limit < 100_000:
        return int(limit)
    for key in ("max_position_embeddings", "n_positions"):
        value = getattr(loaded.config, key, None)
        if value:
            return int(value)
    return DEFAULT_WINDOW


def output_window(config) -> int | None:
    """Most tokens the decoder can write: a learned position table (BART, Marian) ends,
    one position going to the decoder's start token; relative positions (T5) do not."""
    if getattr(config, "relative_attention_num_buckets", None):
        return None
    positions = getattr(config, "max_position_embeddings", None)
    return int(positions) - 1 if positions else None


class TaskPrefixes:
    """The text put before a document, per length preset, from the model's config."""

    def __init__(self, config, profile: Profile | None = None):
        params = getattr(config, "task_specific_params", None) or {}
        default = (params.get(TASK) or {}).get("prefix")
        if profile is None:  # the architecture's documented prefix (T5: "summarize: ")
            profile = profile_for("", None, getattr(config, "model_type", None))
        documented = profile.prefix
        if documented is not None and not profile.key.startswith("family "):
            default = documented  # the model's own card wins over its files
        self.default = (documented or "") if default is None else default
        self.by_length = {key.removeprefix(f"{TASK}_"): value for key, value in params.items()
                          if key.startswith(f"{TASK}_") and "prefix" in (value or {})}

    def __call__(self, preset: LengthPreset) -> str:
        """The prefix for ``preset``; a length the model was not given a prefix for (a
        custom preset, map-reduce's partial summaries) gets the one of the nearest word
        target."""
        if preset.name in self.by_length:
            return self.by_length[preset.name]["prefix"]
        near = [(abs(v.get("words", 0) - preset.words), v["prefix"])
                for v in self.by_length.values() if v.get("words")]
        return min(near)[1] if near else self.default

    def longest(self) -> str:
        """The prefix that costs the most input tokens (for fitting texts to the window)."""
        return max([self.default, *(v["prefix"] for v in self.by_length.values())], key=len)


def encode(model, enc):
    """The encoder's output for a batch, read ``ENCODER_ROWS`` rows at a time: its
    attention holds rows x heads x length^2 scores at once, for 512-token inputs more
    than decoding the batch holds, and reading fewer rows at once costs little time."""
    import torch

    encoder, rows = model.get_encoder(), enc["input_ids"].shape[0]
    parts = [encoder(**{key: value[start:start + ENCODER_ROWS] for key, value in enc.items()})
             .last_hidden_state for start in range(0, rows, ENCODER_ROWS)]
    return parts[0] if len(parts) == 1 else torch.cat(parts)


def generate_kwargs(generation: Generation, min_new: int, max_new: int) -> dict:
    """``generate()`` arguments for a resolved ``generation`` (``resolve_generation``):
    every decoding setting is passed, so nothing is inherited unseen from the model's
    generation_config.json (Qwen's sampling-time repetition penalty). Public: the
    benches' naive paths call ``generate()`` with it, so that they decode as the library."""
    kwargs = {"max_new_tokens": max_new, "min_new_tokens": min(min_new, max_new),
              "num_beams": generation.beams or 1, "do_sample": False,
              "no_repeat_ngram_size": generation.no_repeat_ngram_size or 0,
              "repetition_penalty": generation.repetition_penalty or 1.0}
    return kwargs


class Seq2SeqSummariser:
    """A summariser that writes in the language it reads (mT5, BART, PEGASUS)."""

    can_write_other_language = False

    def __init__(self, loaded: LoadedModel, generation: Generation,
                 lengths: LengthPolicy = MODEL_STOPS):
        self.loaded = loaded
        self.profile = profile_of(loaded)
        self.generation = resolve_generation(generation, self.profile)
        self.lengths = lengths  # may the model stop early (runs) or not (benchmarks)
        self.name = loaded.ref.name
        self.tokenizer = loaded.tokenizer
        self.prefixes = TaskPrefixes(loaded.config, self.profile)
        self.prefix = self.prefixes.longest()
        self.max_input_tokens = input_window(loaded, self.profile)
        # The longest summary the model was trained to write (None: not documented);
        # longer lengths are written from the document's parts (``outputparts``).
        self.trained_output_tokens = self.profile.output_tokens
        self.markers = control_markers(self.tokenizer)

    def inputs(self, texts: list[str], prefix: str) -> list[str]:
        """What the model reads: the task prefix, then the document with the tokenizer's
        own control strings broken (``</s>`` in a document would end mT5's input there,
        ``<extra_id_0>`` would be a sentinel), as chat and instruct models get it."""
        return [prefix + neutralise(text, self.markers) for text in texts]

    def count_tokens(self, texts: list[str]) -> list[int]:
        encoded = self.loaded.tokenizer(self.inputs(texts, self.prefix))["input_ids"]
        return [len(ids) for ids in encoded]

    def by_prefix(self, presets: list[LengthPreset]) -> dict[str, list[int]]:
        """Indices of ``presets`` by task prefix: lengths that share a prefix share one
        encoder pass (and, under greedy search, one decoding pass)."""
        groups: dict[str, list[int]] = {}
        for index, preset in enumerate(presets):
            groups.setdefault(self.prefixes(preset), []).append(index)
        return groups

    def summarise(self, texts: list[str], lang: str, presets: list[LengthPreset],
                  out_lang: str | None = None) -> list[list[Generated]]:
        ratio = tokens_per_word(self.loaded.tokenizer, lang)
        budgets = [self.lengths.summary(p, ratio, limit=output_window(self.loaded.config))
                   for p in presets]
        by_prefix = self.by_prefix(presets)
        rows: list[list[Generated | None]] = [[None] * len(presets) for _ in texts]
        lengths = [min(n, self.max_input_tokens) for n in self.count_tokens(texts)]
        longest_output = max(b.max_new_tokens for b in budgets)
        memory = decoding_bytes(self.loaded.config, getattr(self.loaded.dtype, "itemsize", 4),
                                lambda _: longest_output)
        for batch in length_sorted_batches(lengths, self.generation.batch_size, row_bytes=memory):
            with owned_by(batch):  # --doc-timeout charges each step to these rows' documents
                self._summarise_batch(texts, batch, by_prefix, budgets, rows)
            release_memory()
        return rows  # type: ignore[return-value]  (every slot is filled above)

    def _summarise_batch(self, texts: list[str], batch: list[int], by_prefix: dict,
                         budgets: list[TokenBudget], rows: list[list]) -> None:
        """Every length of the texts ``batch`` picks, into ``rows``: one encoder pass per
        task prefix, shared by its lengths."""
        import torch
        from transformers.modeling_outputs import BaseModelOutput

        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        for prefix, wanted in by_prefix.items():
            enc = tokenizer(self.inputs([texts[i] for i in batch], prefix),
                            return_tensors="pt", padding=True, truncation=True,
                            max_length=self.max_input_tokens)
            enc = enc.to(self.loaded.device)
            with torch.inference_mode():
                hidden = encode(model, enc)
                passes = ([wanted] if shareable([budgets[s] for s in wanted],
                                                self.generation.beams)
                          else [[slot] for slot in wanted])
                for slots in passes:
                    # generate() expands encoder outputs in place for beams: a fresh one.
                    done = self._decode(BaseModelOutput(last_hidden_state=hidden),
                                        enc["attention_mask"], [budgets[s] for s in slots])
                    for slot, generated in zip(slots, done, strict=True):
                        for i, one in zip(batch, generated, strict=True):
                            rows[i][slot] = one

    def _decode(self, encoded, attention_mask, spends: list[TokenBudget]
                ) -> list[list[Generated]]:
        """Per budget, the batch's summaries: one ``generate()`` for one budget, else one
        shared greedy pass read off for each (``sharedpass``)."""
        from transformers import LogitsProcessorList

        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        longest = pass_budget(spends)
        kwargs, masks = in_place(model.generation_config, generate_kwargs(
            self.generation, longest.min_new_tokens, longest.max_new_tokens), start=1)
        if len(spends) == 1:
            out = model.generate(encoder_outputs=encoded, attention_mask=attention_mask,
                                 logits_processor=LogitsProcessorList([masks]), **kwargs,
                                 **watching())
            return [[decode(tokenizer, seq, longest.max_new_tokens) for seq in out]]
        watch = EndWatch(masks)
        out = model.generate(encoder_outputs=encoded, attention_mask=attention_mask,
                             logits_processor=LogitsProcessorList([watch]), **kwargs,
                             **watching())
        fork = Fork(tuple(masks.end_ids), model.generation_config.forced_eos_token_id)
        sequences = [seq[1:].tolist() for seq in out]  # the decoder's start token dropped
        best = watch.rows()
        return [[decode(tokenizer, fork.tokens(seq, steps, spend), spend.max_new_tokens)
                 for seq, steps in zip(sequences, best, strict=True)] for spend in spends]


def decode(tokenizer, sequence, max_new_tokens: int, prompt_len: int = 0,
           keep: int | None = None) -> Generated:
    """Text of one generated sequence (its first ``keep`` tokens if given), and whether it
    ran into the token limit: the model did not end it before the last step. An end
    token on the last step is no sign of a finished text (BART and Marian force one
    there), nor is the end token BART starts decoding from. Public: the benches' naive
    paths decode with it, so that their texts are the library's."""
    ids = sequence[prompt_len:]
    ids = ids.tolist() if hasattr(ids, "tolist") else list(ids)  # a tensor, or plain ids
    specials = set(tokenizer.all_special_ids)
    content = [t for t in ids if t not in specials][:keep]
    eos = tokenizer.eos_token_id
    written = [t for t in ids if t != tokenizer.pad_token_id]  # T5 and Marian start at pad
    if written[:1] == [eos]:
        written = written[1:]  # BART's decoder starts at its end token
    hit_limit = eos not in written[:max(1, max_new_tokens - 1)]
    text = tokenizer.decode(content, skip_special_tokens=True, clean_up_tokenization_spaces=True)
    return Generated(text=" ".join(text.split()), tokens=len(content), hit_limit=hit_limit,
                     ids=tuple(content))
