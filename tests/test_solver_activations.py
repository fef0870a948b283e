"""activations solver: values against direct formulas, derivatives and Jacobian against finite differences."""

from __future__ import annotations

import doctest
import json
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import solvers.activations as act
from solvers.result import Plot, SolverInputError

H = 1e-5  # central-difference step


def direct(name: str, x: float, alpha: float) -> float:
    """Each activation written straight from its textbook definition with the math module."""
    return {
        "sigmoid": lambda: 1.0 / (1.0 + math.exp(-x)),
        "tanh": lambda: math.tanh(x),
        "relu": lambda: max(0.0, x),
        "leaky_relu": lambda: x if x > 0 else alpha * x,
        "gelu": lambda: x * 0.5 * (1.0 + math.erf(x / math.sqrt(2.0))),
    }[name]()


def test_doctest_shows_the_book_example():
    assert doctest.testmod(act).failed == 0


finite = st.floats(-6, 6, allow_nan=False).filter(lambda x: abs(x) > 1e-3)


@settings(max_examples=80, deadline=None)
@given(xs=st.lists(finite, min_size=1, max_size=6), alpha=st.floats(0.0, 0.5))
def test_values_match_the_definitions(xs, alpha):
    r = act.solve(points=xs, alpha=alpha)
    for name in act.NAMES:
        assert r.values[name] == pytest.approx([direct(name, x, alpha) for x in xs], rel=1e-10, abs=1e-12)


@settings(max_examples=80, deadline=None)
@given(x=finite, alpha=st.floats(0.0, 0.5))
def test_derivatives_match_central_differences_away_from_the_kink(x, alpha):
    r = act.solve(points=[x], alpha=alpha)
    for name in act.NAMES:
        numeric = (direct(name, x + H, alpha) - direct(name, x - H, alpha)) / (2 * H)
        assert r.derivatives[name][0] == pytest.approx(numeric, rel=1e-6, abs=1e-8), name


@settings(max_examples=50, deadline=None)
@given(xs=st.lists(st.floats(-6, 6, allow_nan=False), min_size=1, max_size=6))
def test_sigmoid_jacobian_matches_the_numerical_jacobian(xs):
    r = act.solve(points=xs)
    x = np.array(xs)
    sig = lambda v: 1.0 / (1.0 + np.exp(-v))  # noqa: E731 - the reference, independent of the solver
    numeric = np.column_stack([(sig(x + H * e) - sig(x - H * e)) / (2 * H) for e in np.eye(len(xs))])
    np.testing.assert_allclose(np.array(r.jacobian), numeric, atol=1e-9)


def test_key_facts_hold_on_a_fine_grid():
    grid = np.linspace(-8, 8, 1601)
    r = act.solve(points=grid[::16].tolist())  # includes 0
    assert max(r.derivatives["sigmoid"]) == 0.25
    assert max(r.derivatives["tanh"]) == 1.0
    assert all(0 < v < 1 for v in act.sigmoid(grid))
    np.testing.assert_allclose(np.tanh(grid), 2 * act.sigmoid(2 * grid) - 1, atol=1e-15)
    assert dict((s.key, s.value) for s in r.steps)["tanh_identity"] < 1e-12


def test_kink_convention_and_extreme_inputs_stay_finite():
    r = act.solve(points=[0.0, -1000.0, 1000.0], alpha=0.1)
    assert r.derivatives["relu"][0] == 0.0 and r.derivatives["leaky_relu"][0] == 0.1
    assert r.values["sigmoid"][1:] == [0.0, 1.0]
    json.dumps(r.to_json(), allow_nan=False)


def test_plots_cover_every_function():
    r = act.solve()
    plots = [s.value for s in r.steps if isinstance(s.value, Plot)]
    assert [tuple(name for name, _, _ in p.series) for p in plots] == [act.NAMES, act.NAMES]


@pytest.mark.parametrize(
    "points, alpha, message",
    [([], 0.01, "points is empty"), ("1,a", 0.01, "point 2 must be a number"), ([float("inf")], 0.01, "finite"),
     ([1.0], "x", "alpha must be a number"), (list(range(500)), 0.01, "at most")],
)
def test_bad_inputs_are_rejected_with_a_message(points, alpha, message):
    with pytest.raises(SolverInputError, match=message):
        act.solve(points=points, alpha=alpha)


def test_comma_string_points_are_accepted():
    assert act.solve(points="-1, 0, 1").inputs["points"] == [-1.0, 0.0, 1.0]


@pytest.mark.parametrize("seed", range(20))
def test_random_inputs_are_fresh_and_solvable(seed):
    inputs = act.random_inputs(seed)
    assert inputs == act.random_inputs(seed)
    assert len(set(inputs["points"])) == 7
    assert act.solve(**inputs).headline().startswith("7 points")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(act.INPUTS), value=json_values)
def test_any_json_value_for_any_input_gives_a_result_or_an_input_error(name, value):
    try:
        act.solve(**{name: value})
    except SolverInputError:
        pass


def test_far_out_points_are_rejected_and_the_limits_stay_warning_free():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = act.solve(points=[-1000.0, 1000.0])
    assert r.values["gelu"] == [0.0, 1000.0] and r.derivatives["sigmoid"] == [0.0, 0.0]
    with pytest.raises(SolverInputError, match="points must lie in"):
        act.solve(points=[1e308])
