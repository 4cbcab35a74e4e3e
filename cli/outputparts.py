"""Lengths beyond what a summariser was trained to write, written from the document's parts.

The mT5 summariser was trained on summaries of at most 94 tokens (its profile's
``output_tokens``); asking it for 300 tokens with a forced minimum makes it write far
outside what it learnt (repetition, invented continuations). So a length whose token
budget exceeds the trained length is written as several summaries that each stay
inside it: the document's sentences are split into ``parts`` consecutive runs of about
equal size, each run is summarised to ``preset.words / parts`` words, each part's
summary is cut back to whole sentences, and the parts are joined in document order.

Why this and not a cap: a cap would leave ``long`` as short as what the model writes
in 94 tokens (about 60 words, half the target), so every long summary would miss its
word target; the parts keep the target, and each part reads the text it summarises.
The cost: a part does not see the rest of the document, so a fact introduced in one
part may be repeated in the next. A document with fewer sentences than parts gets one
part per sentence (and a shorter summary). Each summary records ``parts``.
"""

from __future__ import annotations

import math

from .engine import even_split
from .lengths import OVERRUN, LengthPreset, budget, tokens_per_word, words_within
from .models.base import Generated, Summariser
from .postprocess import cut_back
from .segment import split_sentences


def parts_for(preset: LengthPreset, ratio: float, trained_tokens: int | None
              ) -> tuple[int, LengthPreset]:
    """How many parts ``preset`` needs so that each part's token budget stays within
    ``trained_tokens``, and the preset each part is written at (1 and ``preset`` itself
    when it fits, or when the trained length is unknown)."""
    if not trained_tokens or budget(preset, ratio).max_new_tokens <= trained_tokens:
        return 1, preset
    parts = math.ceil(preset.words / words_within(trained_tokens, ratio))
    part = LengthPreset(f"{preset.name}/part", words=math.ceil(preset.words / parts),
                        sentences=max(1, round(preset.sentences / parts)))
    return parts, part


def split_parts(text: str, lang: str, parts: int) -> list[str]:
    """``text`` as at most ``parts`` consecutive runs of whole sentences."""
    sentences = split_sentences(text, lang) or [text]
    return [" ".join(run) for run in even_split(sentences, min(parts, len(sentences)))]


def summarise_within_trained_length(summariser: Summariser, texts: list[str], lang: str,
                                    presets: list[LengthPreset], out_lang: str | None = None
                                    ) -> list[list[Generated]]:
    """``summariser.summarise`` for every preset, a preset beyond the summariser's
    ``trained_output_tokens`` written from the texts' parts (see the module's doc)."""
    trained = getattr(summariser, "trained_output_tokens", None)
    if not trained:
        return _call(summariser, texts, lang, presets, out_lang)
    ratio = tokens_per_word(summariser.tokenizer, out_lang or lang)
    plans = [parts_for(preset, ratio, trained) for preset in presets]
    direct = [i for i, (parts, _) in enumerate(plans) if parts == 1]
    rows: list[list[Generated | None]] = [[None] * len(presets) for _ in texts]
    if direct:
        done = _call(summariser, texts, lang, [presets[i] for i in direct], out_lang)
        for row, generated in zip(rows, done, strict=True):
            for slot, one in zip(direct, generated, strict=True):
                row[slot] = one
    for slot, (parts, part) in enumerate(plans):
        if parts == 1:
            continue
        pieces = [split_parts(text, lang, parts) for text in texts]
        flat = [piece for own in pieces for piece in own]
        written = iter(_call(summariser, flat, lang, [part], out_lang))
        for row, own in zip(rows, pieces, strict=True):
            row[slot] = join_parts([next(written)[0] for _ in own], part, out_lang or lang)
    return rows  # type: ignore[return-value]  (every slot is filled above)


def join_parts(written: list[Generated], part: LengthPreset, lang: str) -> Generated:
    """One summary from the parts' summaries, each cut back to whole sentences first (a
    part that ran into its limit must not leave a broken sentence inside the text)."""
    texts = [cut_back(g.text, lang, part.words * OVERRUN, g.hit_limit) for g in written]
    return Generated(text=" ".join(t for t in texts if t), tokens=sum(g.tokens for g in written),
                     hit_limit=False, ids=tuple(t for g in written for t in g.ids),
                     parts=len(written))


def _call(summariser: Summariser, texts: list[str], lang: str, presets: list[LengthPreset],
          out_lang: str | None) -> list[list[Generated]]:
    if out_lang is None or out_lang == lang:
        return summariser.summarise(texts, lang, presets)
    return summariser.summarise(texts, lang, presets, out_lang=out_lang)
