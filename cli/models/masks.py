"""Step masks set in place, instead of Hugging Face's copying logits processors.

HF's min-length and banned-token processors each build a new batch x vocabulary score
tensor at every decoding step (mT5's vocabulary is 250k: at 10 texts, 3.3 ms and 0.9 ms
a step, measured, against 0.01 ms for setting the same entries to -inf in place). The
greedy or beam choice is the same: a masked token is -inf either way.
"""

from __future__ import annotations


class StepMasks:
    """A logits processor: bans ``banned`` at every step, and end-of-sequence while a row
    has written fewer than ``min_new_tokens`` (``start``: decoder tokens before the first
    new one)."""

    def __init__(self, end_ids: tuple[int, ...], min_new_tokens: int, start: int,
                 banned: tuple[int, ...] = ()):
        self.end_ids, self.min_new_tokens, self.start = list(end_ids), min_new_tokens, start
        self.banned = list(banned)

    def ban(self, scores):
        if self.banned:
            scores[:, self.banned] = float("-inf")
        return scores

    def hold_end(self, input_ids, scores):
        if self.end_ids and input_ids.shape[1] - self.start < self.min_new_tokens:
            scores[:, self.end_ids] = float("-inf")
        return scores

    def __call__(self, input_ids, scores):
        return self.hold_end(input_ids, self.ban(scores))


def single_token_bans(generation_config) -> tuple[int, ...] | None:
    """The banned tokens of ``bad_words_ids`` when every banned sequence is one token
    (pad tokens, typically); None when some are longer (HF's processor handles those)."""
    banned = getattr(generation_config, "bad_words_ids", None) or []
    if any(len(sequence) != 1 for sequence in banned):
        return None
    return tuple(sequence[0] for sequence in banned)


def in_place(generation_config, kwargs: dict, start: int) -> tuple[dict, StepMasks]:
    """``generate()``'s ``kwargs`` with HF's min-length and single-token ban processors
    turned off, and the processor that does their work in place. Where the model forces
    end-of-sequence onto the last step, HF lets that win over the minimum (its processor
    runs after the minimum's, ours after both), so the minimum stops a step short of it."""
    banned = single_token_bans(generation_config)
    forced = kwargs.get("forced_eos_token_id", generation_config.forced_eos_token_id)
    least, most = kwargs.get("min_new_tokens") or 0, kwargs["max_new_tokens"]
    overrides: dict = {"min_new_tokens": 0}
    if banned is not None:
        overrides["bad_words_ids"] = None
    if forced is not None:
        least = min(least, most - 1)
    return {**kwargs, **overrides}, StepMasks(end_ids(generation_config), least, start,
                                              banned or ())


def end_ids(generation_config) -> tuple[int, ...]:
    ids = generation_config.eos_token_id
    return (ids,) if isinstance(ids, int) else tuple(ids or ())
