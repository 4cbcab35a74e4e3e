"""Longest common subsequences for ROUGE-L and ROUGE-Lsum, bit-parallel.

ROUGE-L needs only the LCS length.  ROUGE-Lsum needs, for every reference sentence, the
union of the reference positions of *one particular* LCS with each hypothesis sentence:
the one rouge-score's backtracking picks from the textbook table (take the diagonal on a
match, else go left when the cell on the left is strictly greater, else go up).  Another
LCS of the same length gives another union, so the choice has to be reproduced exactly.

rouge-score fills a table per sentence pair, which is quadratic in the text length and
took minutes on long documents.  Here the table of one reference sentence against *all*
hypothesis sentences at once is a handful of big-integer operations per reference token
(Allison & Dix 1986; Hyyrö 2004): the hypothesis sentences sit side by side in one
integer, one bit per token, separated by guard bits that stop carries.  The backtracking
of every hypothesis sentence then runs in the same integers, one reference row at a
time, because every backtracking step leaves its row.  The work is
O(reference tokens × hypothesis tokens / word size), done in C by Python's integers.

Bit conventions (for one row ``i`` = first ``i`` reference tokens; bit ``b`` is the
column of one hypothesis token):

* ``V``: bit set where the table does *not* grow from the column to its left (the LCS
  length of the row is the number of zero bits);
* ``Vd``: bit set where the cell is one more than the cell above it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

_REVERSED_BYTE = bytes(int(f"{b:08b}"[::-1], 2) for b in range(256))


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence, one big-integer step per token of ``b``."""
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, token in enumerate(a):
        masks[token] = masks.get(token, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for token in b:
        u = v & masks.get(token, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - v.bit_count()


class SentenceLayout:
    """The hypothesis sentences side by side in one integer, ready to meet reference
    sentences.  Built once per hypothesis, used for every reference sentence."""

    def __init__(self, sentences: Sequence[Sequence[str]]):
        positions: dict[str, list[int]] = {}
        guards = [0]
        ends: list[int] = []  # bit of each sentence's last token
        bit = 1
        for sentence in sentences:
            if not sentence:
                continue
            for token in sentence:
                positions.setdefault(token, []).append(bit)
                bit += 1
            ends.append(bit - 1)
            guards.append(bit)
            bit += 1
        self.width = -(-bit // 8) * 8  # whole bytes, so reversal is byte-wise
        guards += range(bit, self.width)
        self.full = (1 << self.width) - 1
        self.guards = _bits(guards, self.width)
        self.tokens = self.full ^ self.guards
        self._positions = positions
        self._masks: dict[str, tuple[int, int]] = {}
        self.start = _bits([self.width - 1 - e for e in ends], self.width)
        self.reversed_guards = self.reverse(self.guards)
        self.empty = not ends
        self.size = bit - len(ends) - 1  # tokens

    def counts(self) -> Counter:
        """How often each token occurs in the hypothesis."""
        return Counter({token: len(bits) for token, bits in self._positions.items()})

    def reverse(self, value: int) -> int:
        """``value`` with its bit order reversed: the backtracking walks right to left,
        and integer carries only run the other way."""
        data = value.to_bytes(self.width // 8, "little").translate(_REVERSED_BYTE)
        return int.from_bytes(data[::-1], "little")

    def masks(self, token: str) -> tuple[int, int, int]:
        """Where ``token`` occurs: (mask, its complement, the reversed mask)."""
        found = self._masks.get(token)
        if found is None:
            bits = self._positions.get(token, ())
            mask = _bits(bits, self.width)
            found = self._masks[token] = (
                mask, self.full ^ mask, _bits([self.width - 1 - b for b in bits], self.width))
        return found

    def union_positions(self, reference: Sequence[str]) -> list[int]:
        """Positions in ``reference`` of the union of its rouge-score LCS with every
        hypothesis sentence (sorted)."""
        if self.empty or not reference:
            return []
        full, tokens = self.full, self.tokens
        v = tokens
        rows: list[tuple[int, int, int]] = []  # (row, reversed left moves, reversed matches)
        for i, token in enumerate(reference):
            match, elsewhere, match_reversed = self.masks(token)
            if not match:
                continue  # the row repeats the one above, and backtracking goes straight up
            u = v & match
            w = (v + u) | (v - u)
            # w - v: in each run of ones that met a match, the bits from that match up to
            # the run's top: the cells one greater than the cell above.
            left = w & tokens & (w - v) & elsewhere  # greater than above, equal to left
            v = w & tokens
            rows.append((i, self.reverse(left) if left else 0, match_reversed))
        union: list[int] = []
        current = self.start
        live = self.full ^ self.reversed_guards
        for i, left, match_reversed in reversed(rows):
            found = (left + current) & (full ^ left)  # first stop at or left of current
            diagonal = found & match_reversed
            if diagonal:
                union.append(i)
                current = (found ^ diagonal) | (diagonal << 1)
                if not current & live:
                    break
            else:
                current = found
        return union[::-1]


def _bits(positions, width: int) -> int:
    """An integer with the given bits set (fast for many bits)."""
    data = bytearray(width // 8)
    for position in positions:
        data[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(data, "little")

