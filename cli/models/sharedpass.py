"""Several summary lengths from one greedy decoding pass.

Under greedy decoding a short summary is a prefix of a longer one written from the same
input: at every step both runs pick the same best token, except that a run still under
its minimum length may not pick end-of-sequence. So the longest length is decoded once,
with end-of-sequence masked until the largest minimum, and at every step we note whether
end-of-sequence was the best token. A shorter length with budget (min, max) then ends
at the first step t >= min where it was (there the short run would have stopped), or
after max tokens. That is what separate runs give, token for token, at the cost of the
longest run alone (short + medium + long = 205 words of decoding become 120).

It holds for greedy search with processors that read only the tokens so far (n-gram
blocking, repetition penalty, a model's fixed ``min_length``). Beam search and sampling
decode each length on its own; a forced end-of-sequence on the last step (BART, Marian)
is applied to each length's own last step.

An engine that cannot report each step's best token (CTranslate2) shares by ``cascade``:
a run with the smallest minimum serves every length whose minimum its stop had reached,
and only rows that stopped too early for a longer length run again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..lengths import TokenBudget
from .masks import StepMasks


def shareable(budgets: list[TokenBudget], beams: int) -> bool:
    """Whether one pass can serve these budgets: greedy search, more than one."""
    return beams == 1 and len(budgets) > 1


def pass_budget(budgets: list[TokenBudget]) -> TokenBudget:
    """The pass that every budget can be read off: it may not stop before any of them
    may (the largest minimum), and runs as far as the longest (the largest maximum)."""
    return TokenBudget(max(b.min_new_tokens for b in budgets),
                       max(b.max_new_tokens for b in budgets))


class EndWatch:
    """A logits processor, run after the model's own: bans what ``masks`` bans, notes each
    step's best token per row, then holds end-of-sequence back for rows still under the
    pass's minimum."""

    def __init__(self, masks: StepMasks):
        self.masks = masks
        self.best: list = []  # per step, the best token of every row (a tensor)

    def __call__(self, input_ids, scores):
        self.best.append(self.masks.ban(scores).argmax(dim=-1))
        return self.masks.hold_end(input_ids, scores)

    def rows(self) -> list[list[int]]:
        """Per row, the best token of every step."""
        import torch

        return torch.stack(self.best, dim=1).tolist() if self.best else []


@dataclass(frozen=True)
class Fork:
    """Reads each length's tokens off the shared pass."""

    end_ids: tuple[int, ...]
    forced_end: int | None  # the token a model forces onto its last step, if any

    def tokens(self, generated: list[int], best: list[int], spend: TokenBudget) -> list[int]:
        """What a run with ``spend`` alone would have written; ``generated`` is the
        shared pass's row without the decoder's start token, ``best`` its best tokens."""
        last = spend.max_new_tokens - (1 if self.forced_end is not None else 0)
        for step in range(spend.min_new_tokens, min(last, len(best))):
            if best[step] in self.end_ids:
                return [*generated[:step], best[step]]
        if self.forced_end is not None:
            return [*generated[:last], self.forced_end]
        return generated[:spend.max_new_tokens]


def cascade(run: Callable[[list[int], TokenBudget], list[list[int]]],
            budgets: Sequence[TokenBudget], rows: int, end_ids: tuple[int, ...]
            ) -> list[list[list[int]]]:
    """Per budget, per row, the tokens a run with that budget alone writes, from as few
    runs as the outputs allow. ``run(rows, budget)`` decodes those rows and returns their
    tokens, ending with end-of-sequence where a row stopped.

    A run whose minimum m is at most a budget's minimum, and which stops at step t,
    wrote what that budget writes if its minimum is <= t: before t end-of-sequence was
    never the best token, so the budget's own mask changed nothing, and at t it stops
    too (or was cut earlier at its maximum). A run that never stops serves every such
    budget up to its maximum. A forced length (minimum = maximum) is also served by any
    run that masks end-of-sequence for all its steps (m >= its maximum): neither could
    stop. Rows that stopped too early for a budget run again with its minimum.
    """
    out: list[list[list[int] | None]] = [[None] * rows for _ in budgets]
    pending = {row: list(range(len(budgets))) for row in range(rows)}

    def least(slots: list[int]) -> int:
        free = [budgets[s].min_new_tokens for s in slots if not budgets[s].exact]
        return min(free) if free else max(budgets[s].max_new_tokens for s in slots)

    while pending:
        groups: dict[int, list[int]] = {}
        for row, slots in pending.items():
            groups.setdefault(least(slots), []).append(row)
        for masked, group in groups.items():
            longest = max(budgets[s].max_new_tokens for row in group for s in pending[row])
            for row, tokens in zip(group, run(group, TokenBudget(masked, longest)),
                                   strict=True):
                stop = len(tokens) - 1 if tokens and tokens[-1] in end_ids else None
                left = []
                for slot in pending[row]:
                    spend = budgets[slot]
                    if (spend.exact and spend.max_new_tokens <= masked) or stop is None \
                            or spend.min_new_tokens <= stop:
                        out[slot][row] = tokens[:spend.max_new_tokens]
                    else:
                        left.append(slot)
                if left:
                    pending[row] = left
                else:
                    del pending[row]
    return out  # type: ignore[return-value]  (every row of every budget is filled)
