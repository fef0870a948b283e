"""Damaging a bank the way hypothesis tests do it: an edit inserts a token, replaces a value,
deletes a line or repeats one, at a position drawn by the test."""

from __future__ import annotations

from hypothesis import strategies as st

OPS = ["insert", "replace-value", "delete", "repeat"]


def edits(tokens: list[str], max_col: int) -> st.SearchStrategy:
    """One to four edits: (line position, column, token, operation)."""
    return st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, max_col), st.sampled_from(tokens),
                              st.sampled_from(OPS)), min_size=1, max_size=4)


def mutate(text: str, changes: list[tuple[int, int, str, str]]) -> str:
    lines = text.splitlines()
    for where, col, token, op in changes:
        j = where % len(lines)
        if op == "insert":
            lines[j] = lines[j][:col] + token + lines[j][col:]
        elif op == "replace-value" and ":" in lines[j]:
            lines[j] = lines[j].split(":", 1)[0] + ": " + token
        elif op == "delete" and len(lines) > 1:
            del lines[j]
        else:
            lines.insert(j, lines[(where // 7) % len(lines)])
    return "\n".join(lines)
