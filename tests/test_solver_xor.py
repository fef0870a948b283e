"""xor solver: the truth tables, an independent forward pass, and proof that no linear unit fits XOR."""

from __future__ import annotations

import doctest
import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LinearRegression

import solvers.xor as xor
from solvers.result import SolverInputError

XOR = [[a, b, a ^ b] for a in (0, 1) for b in (0, 1)]


def forward(weights: dict, activation: str, x: np.ndarray) -> np.ndarray:
    """The network re-run from its published weights, written out unit by unit."""
    act = {"relu": lambda z: max(z, 0.0), "step": lambda z: float(z > 0),
           "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[activation]
    (w11, w12), (w21, w22) = weights["W1"]
    h1 = act(w11 * x[0] + w12 * x[1] + weights["b1"][0])
    h2 = act(w21 * x[0] + w22 * x[1] + weights["b1"][1])
    y = weights["w2"][0] * h1 + weights["w2"][1] * h2 + weights["b2"]
    return y if activation == "relu" else act(y)


def test_doctest_shows_the_book_example():
    assert doctest.testmod(xor).failed == 0


@pytest.mark.parametrize("activation", xor.ACTIVATIONS)
def test_each_network_computes_xor(activation):
    r = xor.solve(activation=activation)
    assert r.verified and r.hidden_units == 2
    assert r.truth_table == XOR
    outputs = [forward(r.weights, activation, np.array(row[:2], dtype=float)) for row in XOR]
    if activation == "sigmoid":
        assert np.max(np.abs(np.array(outputs) - [row[2] for row in XOR])) < 1e-4
    else:
        assert outputs == [row[2] for row in XOR]
    json.dumps(r.to_json(), allow_nan=False)


def test_relu_weights_are_the_review_construction():
    w = xor.solve().weights
    assert w == {"W1": [[1.0, 1.0], [1.0, 1.0]], "b1": [0.0, -1.0], "w2": [1.0, -2.0], "b2": 0.0}


@settings(max_examples=50, deadline=None)
@given(scale=st.floats(5, 200))
def test_sharper_sigmoids_still_round_to_xor(scale):
    r = xor.solve(activation="sigmoid", scale=scale)
    assert r.verified and r.truth_table == XOR


def test_a_too_soft_sigmoid_is_reported_as_failing():
    r = xor.solve(activation="sigmoid", scale=1)
    assert not r.verified and r.truth_table != XOR


def test_least_squares_cannot_fit_xor():
    x = np.array([row[:2] for row in XOR], dtype=float)
    y = np.array([row[2] for row in XOR], dtype=float)
    fit = LinearRegression().fit(x, y)
    rss = float(np.sum((fit.predict(x) - y) ** 2))
    assert rss == pytest.approx(1.0)
    step = {s.key: s.value for s in xor.solve().steps}["least_squares"]
    assert step["residual_sum_of_squares"] == pytest.approx(rss)
    assert (step["a"], step["b"], step["c"]) == pytest.approx((fit.coef_[0], fit.coef_[1], fit.intercept_), abs=1e-9)


def test_no_threshold_unit_on_a_grid_computes_xor():
    grid = np.linspace(-3, 3, 25)
    found = [
        (a, b, c) for a, b, c in itertools.product(grid, repeat=3)
        if all(int(a * x1 + b * x2 + c > 0) == y for x1, x2, y in XOR)
    ]
    assert found == []
    # the same grid does contain OR and AND, so it is rich enough to find a unit that exists
    for gate in (lambda p, q: p | q, lambda p, q: p & q):
        assert any(all(int(a * x1 + b * x2 + c > 0) == gate(x1, x2) for x1, x2, _ in XOR)
                   for a, b, c in itertools.product(grid, repeat=3))


@pytest.mark.parametrize("inputs, message", [({"activation": "tanh"}, "not one of"), ({"scale": 0}, "positive"),
                                             ({"scale": "big"}, "positive"), ({"scale": True}, "positive"),
                                             ({"scale": 1e308}, "up to")])
def test_bad_inputs_are_rejected(inputs, message):
    with pytest.raises(SolverInputError, match=message):
        xor.solve(**inputs)


@pytest.mark.parametrize("seed", range(15))
def test_random_inputs_solve_and_verify(seed):
    inputs = xor.random_inputs(seed)
    assert inputs == xor.random_inputs(seed)
    r = xor.solve(**inputs)
    assert r.verified and "computes XOR" in r.headline()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(xor.INPUTS), value=json_values)
def test_any_json_value_for_any_input_gives_a_result_or_an_input_error(name, value):
    try:
        xor.solve(**{name: value})
    except SolverInputError:
        pass


def test_skip_connection_variant_with_one_hidden_unit_computes_xor():
    outputs = {s.key: s.value for s in xor.solve().steps}["with_skip"]
    assert outputs == [row[2] for row in XOR]
