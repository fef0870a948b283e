"""Sampling with replacement: the closed form in exact arithmetic, the simulation within its standard error."""

from __future__ import annotations

import doctest
import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import sampling
from solvers.result import SolverInputError


def test_default_is_n_1000() -> None:
    result = sampling.solve()
    assert result.inputs == {"n": 1000, "trials": 1000, "seed": 0}
    assert result.p_never == pytest.approx(0.36769542477, rel=1e-10)
    assert result.limit == pytest.approx(1 / math.e)
    assert result.unique_fraction == pytest.approx(1 - result.p_never)
    assert "0.3677" in result.headline() and "63.2%" in result.headline()


def test_doctests_pass() -> None:
    assert doctest.testmod(sampling).failed == 0


def test_convergence_table_matches_known_values() -> None:
    table = next(s.value for s in sampling.solve().steps if s.key == "convergence")
    rows = dict(zip(table.index, table.rows))
    assert list(table.index) == ["10", "100", "1,000", "10,000", "1,000,000"]
    for label, expected in [("10", 0.3487), ("100", 0.3660), ("1,000", 0.3677), ("1,000,000", 0.3679)]:
        assert round(rows[label][0], 4) == expected
    gaps = [abs(row[2]) for row in table.rows]
    assert gaps == sorted(gaps, reverse=True)  # closer to 1/e as n grows


def test_table_includes_the_users_n() -> None:
    table = next(s.value for s in sampling.solve(n=37, trials=10).steps if s.key == "convergence")
    assert "37" in table.index


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3000))
def test_closed_form_matches_exact_rational(n: int) -> None:
    exact = Fraction(n - 1, n) ** n
    assert sampling.p_never(n) == pytest.approx(float(exact), rel=1e-12, abs=1e-300)
    assert sampling.p_never(n) <= 1 / math.e  # increases towards its limit from below


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_standard_error_matches_enumeration_of_every_outcome(n: int) -> None:
    fractions = [(n - len(set(draws))) / n for draws in itertools.product(range(n), repeat=n)]
    mean = sum(fractions) / len(fractions)
    variance = sum((f - mean) ** 2 for f in fractions) / len(fractions)
    assert mean == pytest.approx(sampling.p_never(n), abs=1e-12)
    assert sampling.standard_error(n, 1) ** 2 == pytest.approx(variance, abs=1e-12)
    assert sampling.standard_error(n, 9) == pytest.approx(math.sqrt(variance / 9), abs=1e-12)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.integers(2, 2000), st.integers(50, 300), st.integers(0, 2**32 - 1))
def test_simulation_is_within_a_few_standard_errors(n: int, trials: int, seed: int) -> None:
    result = sampling.solve(n=n, trials=trials, seed=seed)
    assert abs(result.simulated - result.p_never) <= 5 * sampling.standard_error(n, trials)


def test_simulation_is_reproducible_for_a_seed() -> None:
    assert sampling.solve(seed=3).simulated == sampling.solve(seed=3).simulated
    assert sampling.solve(seed=3).simulated != sampling.solve(seed=4).simulated


def test_trials_shrink_for_large_n_so_the_book_table_sizes_just_work() -> None:
    result = sampling.solve(n=10**6)
    assert result.inputs["trials"] == sampling.MAX_DRAWS // 10**6
    assert abs(result.simulated - result.p_never) <= 5 * sampling.standard_error(10**6, result.inputs["trials"])
    assert sampling.solve(**result.inputs).simulated == result.simulated  # inputs re-create the instance


def test_one_example_is_always_drawn() -> None:
    result = sampling.solve(n=1, trials=10)
    assert result.p_never == 0.0 and result.simulated == 0.0 and result.unique_fraction == 1.0


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"n": 0}, "n must be at least 1, not 0"),
        ({"n": 2.5}, "n must be a whole number, not 2.5"),
        ({"trials": True}, "trials must be a whole number"),
        ({"seed": -1}, "seed must be at least 0"),
        ({"n": 10**6, "trials": 1000}, "n × trials = 1,000,000,000 draws; keep it at most 50,000,000"),
        ({"n": 10**8}, "n = 100,000,000 is too large to simulate"),
    ],
)
def test_bad_inputs_are_input_errors(inputs: dict[str, object], message: str) -> None:
    with pytest.raises(SolverInputError) as err:
        sampling.solve(**inputs)  # type: ignore[arg-type]
    assert message in str(err.value)


@pytest.mark.parametrize("seed", range(10))
def test_random_inputs_are_deterministic_and_solvable(seed: int) -> None:
    inputs = sampling.random_inputs(seed)
    assert inputs == sampling.random_inputs(seed)
    assert 10 <= inputs["n"] <= 10**4
    result = sampling.solve(**inputs)
    assert abs(result.simulated - result.p_never) <= 5 * sampling.standard_error(inputs["n"], inputs["trials"])
