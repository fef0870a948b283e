"""Levenshtein distance against a breadth-first search over single edits, and its script replayed."""

from __future__ import annotations

import doctest
from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import levenshtein
from solvers.result import SolverInputError

short_words = st.text(alphabet="abc", max_size=4)


def bfs_distance(source: str, target: str) -> int:
    """Fewest single edits from source to target, found by searching strings outright.

    Only letters of the target are ever inserted or substituted in, and lengths stay within
    max(len) (an optimal script can do its deletions first and insertions last), which keeps
    the search finite without losing optimality.
    """
    letters = sorted(set(target))
    limit = max(len(source), len(target))
    seen = {source: 0}
    queue = deque([source])
    while queue:
        word = queue.popleft()
        if word == target:
            return seen[word]
        neighbours = [word[:i] + word[i + 1:] for i in range(len(word))]
        neighbours += [word[:i] + c + word[i + 1:] for i in range(len(word)) for c in letters]
        if len(word) < limit:
            neighbours += [word[:i] + c + word[i:] for i in range(len(word) + 1) for c in letters]
        for nxt in neighbours:
            if nxt not in seen:
                seen[nxt] = seen[word] + 1
                queue.append(nxt)
    raise AssertionError("target unreachable")


def test_book_example_doctor_bottle() -> None:
    result = levenshtein.solve()
    assert result.distance == 4
    assert levenshtein.apply_script("doctor", result.script) == "bottle"
    table = next(s.value for s in result.steps if s.key == "table")
    assert table.index == ("ε", *"doctor") and table.columns == ("ε", *"bottle")
    assert table.rows[-1][-1] == 4
    assert result.headline() == (
        "Levenshtein('doctor', 'bottle') = 4: substitute d->b at 1, substitute c->t at 3, "
        "substitute o->l at 5, substitute r->e at 6"
    )


def test_doctests_pass() -> None:
    assert doctest.testmod(levenshtein).failed == 0


@settings(max_examples=100, deadline=None)
@given(short_words, short_words)
def test_distance_matches_brute_force_search(word1: str, word2: str) -> None:
    assert levenshtein.solve(word1, word2).distance == bfs_distance(word1, word2)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="abcd ", max_size=8), st.text(alphabet="abcd ", max_size=8))
def test_script_transforms_word1_into_word2_with_distance_edits(word1: str, word2: str) -> None:
    result = levenshtein.solve(word1, word2)
    assert levenshtein.apply_script(word1, result.script) == word2
    assert sum(not op.startswith("keep") for op in result.script) == result.distance
    assert next(s.note for s in result.steps if s.key == "check") == "equals word2"


@settings(max_examples=60, deadline=None)
@given(short_words, short_words, short_words)
def test_metric_properties(a: str, b: str, c: str) -> None:
    d = lambda x, y: levenshtein.solve(x, y).distance  # noqa: E731
    assert d(a, b) == d(b, a)
    assert (d(a, b) == 0) == (a == b)
    assert d(a, c) <= d(a, b) + d(b, c)
    assert abs(len(a) - len(b)) <= d(a, b) <= max(len(a), len(b))


def test_empty_words_need_only_insertions_or_deletions() -> None:
    assert levenshtein.solve("", "abc").script == ["insert a at 1", "insert b at 2", "insert c at 3"]
    assert levenshtein.solve("abc", "").script == ["delete a at 1", "delete b at 1", "delete c at 1"]
    assert levenshtein.solve("same", "same").headline().endswith("the words are equal")


def test_apply_script_rejects_an_edit_that_does_not_fit() -> None:
    with pytest.raises(SolverInputError, match="edit 1 \\('delete x at 1'\\) does not match the word 'cat'"):
        levenshtein.apply_script("cat", ["delete x at 1"])
    with pytest.raises(SolverInputError, match="needs a position"):
        levenshtein.apply_script("cat", ["insert x"])


@pytest.mark.parametrize("bad", [None, 12, ["d", "o"]])
def test_non_text_words_are_input_errors(bad: object) -> None:
    with pytest.raises(SolverInputError, match="word2 must be text"):
        levenshtein.solve("doctor", bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(20))
def test_random_inputs_are_words_of_four_to_seven_letters(seed: int) -> None:
    inputs = levenshtein.random_inputs(seed)
    assert inputs == levenshtein.random_inputs(seed)
    assert all(4 <= len(w) <= 7 for w in inputs.values()) and inputs["word1"] != inputs["word2"]
    result = levenshtein.solve(**inputs)
    assert 2 <= result.distance <= 5
    assert levenshtein.apply_script(inputs["word1"], result.script) == inputs["word2"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdé", max_size=25), st.text(alphabet="abcdé", max_size=25))
def test_rapidfuzz_moves_are_optimal_like_the_table(word1, word2):
    moves = levenshtein.fast_moves(word1, word2)
    edits = sum(kind != "keep" for kind, _, _ in moves)
    assert edits == levenshtein.distance_table(word1, word2)[-1][-1]
    assert levenshtein.apply_script(word1, levenshtein._script(moves)) == word2


def test_long_words_are_fast_and_keep_the_json_keys():
    rng = __import__("random").Random(3)
    word1, word2 = ("".join(rng.choice("ab") for _ in range(6000)) for _ in range(2))
    result = levenshtein.solve(word1, word2)
    data = result.to_json()
    small = levenshtein.solve().to_json()
    assert set(data) == set(small) and set(data["steps"]) == set(small["steps"])
    assert result.distance == sum(not op.startswith("keep ") for op in result.script)
    assert levenshtein.apply_script(word1, result.script) == word2
    assert "not shown" in data["steps"]["table"]  # no 36-million-cell table
    words_31 = levenshtein.solve("a" * 31, "b" * 31)
    assert words_31.distance == 31 and isinstance(words_31.steps[0].value, str)


def test_words_over_the_limit_are_refused_before_work():
    with pytest.raises(SolverInputError, match="word2 has 20,001 characters; at most 20,000"):
        levenshtein.solve("a", "b" * 20_001)
