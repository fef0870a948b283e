"""Levenshtein (edit) distance by dynamic programming, with the table and one optimal edit script.

D[i][j] is the fewest single-character insertions, deletions and substitutions (each costing
1) that turn the first i letters of word1 into the first j letters of word2:

    D[i][0] = i,  D[0][j] = j,
    D[i][j] = min(D[i-1][j] + 1,                     delete word1[i]
                  D[i][j-1] + 1,                     insert word2[j]
                  D[i-1][j-1] + [word1[i] ≠ word2[j]])  keep or substitute

and the distance is D[m][n] (Levenshtein 1966; Jurafsky & Martin, ch. 2). Walking back from
D[m][n] along moves that achieve each minimum gives one optimal edit script; several may
exist, and the walk prefers keep/substitute, then delete, then insert.

Words of up to SHOWN_LETTERS letters get the table above, filled in pure Python, so every cell
can be checked by hand. Longer words (up to MAX_LETTERS) take rapidfuzz's bit-parallel distance
and its optimal edit script (Hyyrö 2003; Hirschberg's divide and conquer for the alignment),
milliseconds and little memory where the table would need 14 s and 1.7 GB at 6,000 letters;
no person reads such a table, so its step says so instead.

The script is written for a reader applying it left to right: ``keep o``, ``substitute d->b
at 1``, ``insert t at 3``, ``delete r at 6``, where ``at`` is the 1-based position in the word
as it stands at that moment. ``apply_script`` replays it.

>>> r = solve()
>>> r.distance
4
>>> r.script  # doctest: +NORMALIZE_WHITESPACE
['substitute d->b at 1', 'keep o', 'substitute c->t at 3', 'keep t',
 'substitute o->l at 5', 'substitute r->e at 6']
>>> apply_script("doctor", r.script)
'bottle'
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from solvers.result import Result, SolverInputError, Step, Table

INPUTS = ("word1", "word2")
EMPTY = "ε"  # label of the empty prefix row and column
SHOWN_LETTERS = 30  # the DP table and the alignment are shown for words up to this long
MAX_LETTERS = 20_000  # longer words are refused: the script alone would be 20,000 lines


@dataclass(frozen=True, kw_only=True)
class LevenshteinResult(Result):
    """The distance and one optimal script (keeps included, so it reads as an alignment)."""

    distance: int
    script: list[str]

    def headline(self) -> str:
        edits = [op for op in self.script if not op.startswith("keep ")]
        pair = f"Levenshtein({self.inputs['word1']!r}, {self.inputs['word2']!r}) = {self.distance}"
        return f"{pair}: {', '.join(edits)}" if edits else f"{pair}: the words are equal"


def solve(word1: str = "doctor", word2: str = "bottle") -> LevenshteinResult:
    """Fill the DP table (or, for long words, ask rapidfuzz), walk back one optimal path and
    replay it as a check."""
    for name, word in (("word1", word1), ("word2", word2)):
        if not isinstance(word, str):
            raise SolverInputError(f"{name} must be text, not {type(word).__name__} {word!r}")
        if len(word) > MAX_LETTERS:
            raise SolverInputError(f"{name} has {len(word):,} characters; at most {MAX_LETTERS:,}")
    shown = len(word1) <= SHOWN_LETTERS and len(word2) <= SHOWN_LETTERS
    if shown:
        table = distance_table(word1, word2)
        moves = _backtrace(word1, word2, table)
        distance = table[-1][-1]
        table_value: Any = Table(columns=(EMPTY, *word2), rows=tuple(tuple(row) for row in table),
                                 index=(EMPTY, *word1))
        alignment: Any = Table(columns=tuple(str(k) for k in range(1, len(moves) + 1)),
                               rows=(tuple(a or "-" for _, a, _ in moves), tuple(b or "-" for _, _, b in moves),
                                     tuple(kind for kind, _, _ in moves)),
                               index=("word1", "word2", "edit"))
    else:
        moves = fast_moves(word1, word2)
        distance = sum(kind != "keep" for kind, _, _ in moves)
        too_long = f"not shown for words over {SHOWN_LETTERS} letters"
        table_value = f"{len(word1) + 1:,} x {len(word2) + 1:,} cells, {too_long} (computed by rapidfuzz)"
        alignment = f"{len(moves):,} columns, {too_long}; the script below lists every move"
    script = _script(moves)
    replayed = apply_script(word1, script)
    steps = (
        Step("table", "DP table D (rows: prefixes of word1, columns: prefixes of word2)", table_value,
             formula="D[i][j] = min(D[i-1][j] + 1, D[i][j-1] + 1, D[i-1][j-1] + [a_i ≠ b_j]); "
                     "D[i][0] = i, D[0][j] = j"),
        Step("distance", "Edit distance", distance, formula=f"D[{len(word1)}][{len(word2)}]"),
        Step("alignment", "Alignment along the path back from the corner", alignment),
        Step("script", "Edit script (positions in the word as it stands)", script,
             note=f"{sum(kind != 'keep' for kind, _, _ in moves)} edits, one per unit of distance"),
        Step("check", "Applying the script to word1", replayed,
             note="equals word2" if replayed == word2 else "DOES NOT equal word2"),
    )
    return LevenshteinResult(distance=distance, script=script, inputs={"word1": word1, "word2": word2},
                             steps=steps)


def fast_moves(word1: str, word2: str) -> list[Move]:
    """One optimal alignment from rapidfuzz's opcodes, as the same moves the backtrace gives."""
    from rapidfuzz.distance import Levenshtein

    moves: list[Move] = []
    for op in Levenshtein.opcodes(word1, word2):
        a, b = word1[op.src_start:op.src_end], word2[op.dest_start:op.dest_end]
        if op.tag == "equal":
            moves += [("keep", x, x) for x in a]
        elif op.tag == "replace":
            moves += [("substitute", x, y) for x, y in zip(a, b)]
            moves += [("delete", x, "") for x in a[len(b):]] + [("insert", "", y) for y in b[len(a):]]
        elif op.tag == "delete":
            moves += [("delete", x, "") for x in a]
        else:
            moves += [("insert", "", y) for y in b]
    return moves


def distance_table(word1: str, word2: str) -> list[list[int]]:
    """The (m+1)×(n+1) table D of prefix distances, D[m][n] being the answer."""
    table = [[j for j in range(len(word2) + 1)]]
    for i, a in enumerate(word1, start=1):
        row = [i]
        for j, b in enumerate(word2, start=1):
            row.append(min(table[i - 1][j] + 1, row[j - 1] + 1, table[i - 1][j - 1] + (a != b)))
        table.append(row)
    return table


def apply_script(word: str, script: list[str]) -> str:
    """Replay an edit script on ``word``; raises SolverInputError on an operation that does not fit.

    >>> apply_script("cat", ["keep c", "insert o at 2", "substitute a->u at 3", "delete t at 4"])
    'cou'
    """
    letters = list(word)
    cursor = 0  # letters before the cursor are final
    for number, op in enumerate(script, start=1):
        kind, _, rest = op.partition(" ")
        position = _position(op, number) if kind != "keep" else cursor + 1
        index = position - 1
        if kind == "substitute" and rest[1:3] != "->":
            raise SolverInputError(f"edit {number} ({op!r}) should read 'substitute x->y at N'")
        if kind in ("keep", "substitute", "delete"):
            expected = rest[0] if rest else ""
            if not 0 <= index < len(letters) or letters[index] != expected:
                raise SolverInputError(f"edit {number} ({op!r}) does not match the word {''.join(letters)!r}")
        if kind == "keep":
            cursor = position
        elif kind == "substitute":
            letters[index] = rest[3]
            cursor = position
        elif kind == "insert":
            if not 0 <= index <= len(letters):
                raise SolverInputError(f"edit {number} ({op!r}) is outside the word {''.join(letters)!r}")
            letters.insert(index, rest[0])
            cursor = position
        elif kind == "delete":
            del letters[index]
            cursor = index
        else:
            raise SolverInputError(f"edit {number} ({op!r}) is not keep, substitute, insert or delete")
    return "".join(letters)


def random_inputs(seed: int) -> dict[str, Any]:
    """Two different everyday words of 4-7 letters, like the book's pair, at distance 2 to 5."""
    rng = random.Random(seed)
    while True:
        word1, word2 = rng.sample(_WORDS, 2)
        if 2 <= distance_table(word1, word2)[-1][-1] <= 5:
            return {"word1": word1, "word2": word2}


_WORDS = (
    "doctor bottle kitten sitting butter letter better bitter batter matter mother father "
    "brother bother border order garden warden pardon carton cotton button mutton bottom "
    "listen silent tinsel stone store storm story glory gloves cloves clover lover river "
    "driver diver dinner winner winter writer waiter water wafer paper pepper copper hopper "
    "shopper chopper planet plant plain train trains brain grain grin groan"
).split()


Move = tuple[str, str, str]  # (kind, letter of word1 or "", letter of word2 or "")


def _backtrace(word1: str, word2: str, table: list[list[int]]) -> list[Move]:
    i, j = len(word1), len(word2)
    moves: list[Move] = []
    while i or j:
        here = table[i][j]
        if i and j and here == table[i - 1][j - 1] + (word1[i - 1] != word2[j - 1]):
            kind = "keep" if word1[i - 1] == word2[j - 1] else "substitute"
            moves.append((kind, word1[i - 1], word2[j - 1]))
            i, j = i - 1, j - 1
        elif i and here == table[i - 1][j] + 1:
            moves.append(("delete", word1[i - 1], ""))
            i -= 1
        else:
            moves.append(("insert", "", word2[j - 1]))
            j -= 1
    return moves[::-1]


def _script(moves: list[Move]) -> list[str]:
    """Operations in reading order, with positions in the partly edited word."""
    script = []
    done = 0  # letters of the result already in place
    for kind, a, b in moves:
        if kind == "keep":
            script.append(f"keep {a}")
        elif kind == "substitute":
            script.append(f"substitute {a}->{b} at {done + 1}")
        elif kind == "insert":
            script.append(f"insert {b} at {done + 1}")
        else:
            script.append(f"delete {a} at {done + 1}")
            continue
        done += 1
    return script


def _position(op: str, number: int) -> int:
    _, sep, tail = op.rpartition(" at ")
    if not sep or not tail.isdigit() or int(tail) < 1:
        raise SolverInputError(f"edit {number} ({op!r}) needs a position, like 'insert t at 3'")
    return int(tail)
