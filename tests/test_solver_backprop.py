"""The backprop solver: gradients agree with finite differences written here, dropout is unbiased."""

from __future__ import annotations

import doctest
import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import backprop
from solvers.result import SolverInputError


def _loss(X, Y, W1, b1, W2, b2, mask):
    """The loss written out independently of the solver: mean of 1/2 ||out - Y||^2."""
    hidden = np.maximum(X @ W1 + b1, 0.0) * mask
    out = hidden @ W2 + b2
    return 0.5 * np.sum((out - Y) ** 2) / X.shape[0]


def _finite_differences(X, Y, params, mask, eps=1e-6):
    grads = {}
    for name, value in params.items():
        grad = np.zeros_like(value)
        flat, gflat = value.reshape(-1), grad.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            up = _loss(X, Y, mask=mask, **params)
            flat[i] = old - eps
            down = _loss(X, Y, mask=mask, **params)
            flat[i] = old
            gflat[i] = (up - down) / (2 * eps)
        grads[name] = grad
    return grads


def _data(inputs):
    X, Y, params, u = backprop.example(inputs["n"], inputs["d"], inputs["h"], inputs["c"], inputs["seed"])
    mask = (u < inputs["keep"]) / inputs["keep"]
    return X, Y, {k: v.copy() for k, v in params.items()}, mask


def test_doctest():
    assert doctest.testmod(backprop).failed == 0


def test_book_defaults_show_every_intermediate():
    r = backprop.solve()
    assert r.inputs == {"n": 2, "d": 3, "h": 4, "c": 2, "keep": 0.5, "seed": 0}
    keys = [s.key for s in r.steps]
    for key in ("x", "z1", "h", "mask", "h_drop", "out", "loss", "d_out", "d_w2", "d_b2", "d_h_drop", "d_h", "d_z1",
                "d_w1", "d_b1", "gradient_check"):
        assert key in keys
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", key) for key in keys)
    assert len(keys) == len(set(keys))
    # the example is instructive: some active units are kept and some dropped
    X, Y, params, mask = _data(r.inputs)
    active = X @ params["W1"] + params["b1"] > 0
    assert (active & (mask > 0)).any() and (active & (mask == 0)).any()
    assert "loss" in r.headline() and "relative error" in r.headline()
    json.dumps(r.to_json())


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 5), d=st.integers(1, 5), h=st.integers(1, 5), c=st.integers(1, 4),
    keep=st.sampled_from([0.3, 0.5, 0.8, 1.0]), seed=st.integers(0, 10**6),
)
def test_gradients_match_independent_finite_differences(n, d, h, c, keep, seed):
    r = backprop.solve(n=n, d=d, h=h, c=c, keep=keep, seed=seed)
    X, Y, params, mask = _data(r.inputs)
    assert r.loss == pytest.approx(_loss(X, Y, mask=mask, **params), rel=1e-12)
    numeric = _finite_differences(X, Y, params, mask)
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(np.array(r.grads[name]), numeric[name], rtol=1e-5, atol=1e-7)
    assert r.max_rel_error < 1e-6


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 5), d=st.integers(1, 5), h=st.integers(1, 5), c=st.integers(1, 4), seed=st.integers(0, 10**6))
def test_input_gradient_matches_finite_differences(n, d, h, c, seed):
    """dX is what the code-answer checker compares users' backward() against."""
    X, _, p, _ = backprop.example(n, d, h, c, seed)
    d_out = np.random.default_rng(seed).normal(size=(n, c))
    fwd = backprop.forward(X, p["W1"], p["b1"], p["W2"], p["b2"])
    g = backprop.backward(X, p["W1"], p["W2"], fwd, d_out)
    numeric = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        shifted = [X.copy(), X.copy()]
        shifted[0][idx] += 1e-6
        shifted[1][idx] -= 1e-6
        f = [np.sum(backprop.forward(s, p["W1"], p["b1"], p["W2"], p["b2"]).out * d_out) for s in shifted]
        numeric[idx] = (f[0] - f[1]) / 2e-6
    np.testing.assert_allclose(g.dX, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("keep", [0.2, 0.5, 0.8])
def test_inverted_dropout_mask_has_mean_one(keep):
    u = np.random.default_rng(7).random(400_000)
    mask = backprop.dropout_mask(u, keep)
    assert set(np.unique(mask)) == {0.0, 1.0 / keep}
    assert mask.mean() == pytest.approx(1.0, abs=0.01)


def test_keep_one_is_the_network_without_dropout():
    r = backprop.solve(keep=1.0)
    X, Y, p, _ = _data(r.inputs)
    fwd = backprop.forward(X, p["W1"], p["b1"], p["W2"], p["b2"])
    g = backprop.backward(X, p["W1"], p["W2"], fwd, (fwd.out - Y) / X.shape[0])
    assert r.loss == pytest.approx(0.5 * np.sum((fwd.out - Y) ** 2) / X.shape[0])
    for name, value in (("W1", g.dW1), ("b1", g.db1), ("W2", g.dW2), ("b2", g.db2)):
        np.testing.assert_allclose(r.grads[name], value)


@pytest.mark.parametrize("seed", range(20))
def test_random_inputs_are_reproducible_and_solvable(seed):
    inputs = backprop.random_inputs(seed)
    assert inputs == backprop.random_inputs(seed)
    assert set(inputs) == set(backprop.INPUTS)
    r = backprop.solve(**inputs)
    assert r.max_rel_error < 1e-6
    assert backprop.solve(**r.inputs).loss == r.loss


@pytest.mark.parametrize(
    "bad, where",
    [({"n": 0}, "n"), ({"h": 33}, "h"), ({"d": "3"}, "d"), ({"c": True}, "c"), ({"keep": 0}, "keep"),
     ({"keep": 1.5}, "keep"), ({"keep": "half"}, "keep"), ({"seed": -1}, "seed"), ({"seed": 1.5}, "seed")],
)
def test_bad_inputs_say_which_input(bad, where):
    with pytest.raises(SolverInputError, match=where):
        backprop.solve(**bad)


def test_the_gradient_check_flags_a_wrong_gradient_but_not_two_vanishing_ones():
    g = np.array([[0.3, -0.2], [0.05, 0.0]])
    assert backprop.relative_error(2 * g, g) == pytest.approx(1 / 3)  # a factor of 2: 1/3, far above 1e-6
    assert backprop.relative_error(g + 1e-4, g) > 1e-6
    # every hidden unit dropped: the true gradient is 0, both sides are rounding noise
    assert backprop.relative_error(np.array([-1.1e-16]), np.array([0.0])) == 0.0
    r = backprop.solve(n=2, d=2, h=3, c=1, keep=0.3, seed=1675)  # such a case, found by hypothesis
    assert r.max_rel_error < 1e-6
