"""rouge-score's LCS table and backtracking written out plainly: the oracle that the
bit-parallel ROUGE-L/Lsum code and the golden German scores are checked against."""

from __future__ import annotations


def lcs_table(a: list[str], b: list[str]) -> list[list[int]]:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            table[i][j] = (table[i - 1][j - 1] + 1 if a[i - 1] == b[j - 1]
                           else max(table[i - 1][j], table[i][j - 1]))
    return table


def lcs_positions(reference: list[str], hypothesis: list[str]) -> list[int]:
    """Positions in ``reference`` of the LCS rouge-score's backtracking picks: the
    diagonal on a match, else left when the left cell is strictly greater, else up."""
    table, found = lcs_table(reference, hypothesis), []
    i, j = len(reference), len(hypothesis)
    while i and j:
        if reference[i - 1] == hypothesis[j - 1]:
            found.append(i - 1)
            i, j = i - 1, j - 1
        elif table[i][j - 1] > table[i - 1][j]:
            j -= 1
        else:
            i -= 1
    return found[::-1]
