"""optimize solver: GD against its closed form, each update rule against its formula, divergence, scaling."""

from __future__ import annotations

import doctest
import json
import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.preprocessing import StandardScaler

import solvers.optimize as opt
from solvers.result import SolverInputError


def rotation(angle: float) -> np.ndarray:
    t = math.radians(angle)
    return np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])


def test_doctest_shows_the_book_example():
    assert doctest.testmod(opt).failed == 0


@settings(max_examples=60, deadline=None)
@given(kappa=st.floats(1, 200), angle=st.floats(0, 180), frac=st.floats(0.1, 1.9),
       start=st.tuples(st.floats(-3, 3), st.floats(-3, 3)))
def test_gd_converges_in_the_steps_its_contraction_factor_predicts(kappa, angle, frac, start):
    """In the eigenbasis each coordinate shrinks by (1 - lr lambda) per step: f_t is known exactly."""
    tol, lr, horizon = 1e-6, frac / kappa, 3000  # lr lambda_max = frac < 2
    lam = np.array([1.0, kappa])
    c = rotation(angle).T @ np.array(start)
    t = np.arange(horizon + 1)[:, None]
    f = 0.5 * np.sum(lam * (1 - lr * lam) ** (2 * t) * c**2, axis=1)  # f_t for t = 0..horizon
    below = np.flatnonzero(f < tol)
    assume(f[0] >= tol and below.size > 0)
    predicted = int(below[0])
    assume(abs(f[predicted] - tol) > 1e-9 * tol and abs(f[predicted - 1] - tol) > 1e-9 * tol)  # not a rounding tie
    r = opt.solve(condition=kappa, angle=angle, start=list(start), lr=lr, optimizers="sgd", steps=horizon,
                  scale=False, tol=tol)
    assert r.runs[0]["steps_to_converge"] == predicted
    rho = float(np.max(np.abs(1 - lr * lam)))
    assert predicted == 1 if rho == 0 else predicted <= math.ceil(math.log(tol / f[0]) / (2 * math.log(rho)))


def direct_step(name: str, w, g, mem: dict, lr: float, t: int):
    """Each rule transcribed from its paper/framework formula, kept separately from the solver."""
    if name == "sgd":
        return w - lr * g
    if name == "momentum":
        mem["v"] = 0.9 * mem.get("v", 0) + g
        return w - lr * mem["v"]
    if name == "adagrad":
        mem["G"] = mem.get("G", 0) + g**2
        return w - lr * g / (np.sqrt(mem["G"]) + 1e-8)
    if name == "rmsprop":
        mem["s"] = 0.9 * mem.get("s", 0) + 0.1 * g**2
        return w - lr * g / (np.sqrt(mem["s"]) + 1e-8)
    mem["m"] = 0.9 * mem.get("m", 0) + 0.1 * g
    mem["v"] = 0.999 * mem.get("v", 0) + 0.001 * g**2
    m_hat, v_hat = mem["m"] / (1 - 0.9**t), mem["v"] / (1 - 0.999**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + 1e-8)


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(sorted(opt.OPTIMIZERS)), seed=st.integers(0, 2**32 - 1), lr=st.floats(1e-3, 1.0))
def test_update_rules_match_their_formulas_on_random_gradients(name, seed, lr):
    rng = np.random.default_rng(seed)
    w = w_ref = rng.normal(size=3)
    state, mem = {}, {}
    for t in range(1, 6):
        g = rng.normal(size=3)
        w, state = opt.OPTIMIZERS[name].update(w, g, state, lr, t)
        w_ref = direct_step(name, w_ref, g, mem, lr, t)
        np.testing.assert_allclose(w, w_ref, rtol=1e-12, atol=1e-14)


def test_adam_bias_correction_makes_the_first_step_lr_sized():
    g = np.array([1e-4, -3.0, 50.0])
    w, _ = opt.OPTIMIZERS["adam"].update(np.zeros(3), g, {}, 0.1, 1)
    np.testing.assert_allclose(w, -0.1 * np.sign(g), rtol=1e-3)


@settings(max_examples=40, deadline=None)
@given(kappa=st.floats(1, 100), angle=st.floats(0, 90), factor=st.floats(2.05, 50))
def test_gd_beyond_two_over_lambda_max_is_flagged_as_diverging(kappa, angle, factor):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = opt.solve(condition=kappa, angle=angle, start=[1.0, -0.7], lr=factor / kappa, optimizers=["sgd"],
                      steps=2000, scale=False)
    run = r.runs[0]
    assert run["diverged"] and not run["converged"] and math.isfinite(run["final_loss"])
    json.dumps(r.to_json(), allow_nan=False)


def test_absurd_learning_rates_stop_cleanly_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = opt.solve(lr=1e300)
    assert all(run["diverged"] for run in r.runs)
    json.dumps(r.to_json(), allow_nan=False)


def test_book_example_runs_every_optimiser_to_convergence():
    r = opt.solve()
    assert [run["optimizer"] for run in r.runs] == ["sgd", "momentum", "adagrad", "rmsprop", "adam"]
    assert all(run["converged"] and run["final_loss"] < 1e-6 for run in r.runs)
    assert r.runs[0]["steps_to_converge"] > r.runs[1]["steps_to_converge"]  # momentum beats plain GD
    assert opt.solve(**r.inputs).answer() == r.answer()


def test_learning_rate_study_shows_the_three_curve_shapes():
    small, good, large = opt.solve().lr_study
    assert not small["diverged"] and small["steps_to_converge"] is None and small["final_loss"] < 13.0
    assert good["steps_to_converge"] is not None
    assert large["diverged"]
    assert small["lr"] < good["lr"] < 2 / 25 < large["lr"]


@pytest.mark.parametrize("angle", [0.0, 30.0, 45.0, 70.0])
def test_scaled_condition_matches_standardised_data(angle):
    """Data whose covariance is A, standardised by scikit-learn, has the solver's scaled condition number."""
    A = rotation(angle) @ np.diag([1.0, 25.0]) @ rotation(angle).T
    q, _ = np.linalg.qr(np.random.default_rng(0).normal(size=(500, 2)) - 0)
    z = (q - q.mean(axis=0))
    z = z @ np.linalg.inv(np.linalg.cholesky(z.T @ z / len(z))).T  # empirical covariance exactly I
    x = z @ np.linalg.cholesky(A).T
    x_scaled = StandardScaler().fit_transform(x)
    expected = np.linalg.cond(x_scaled.T @ x_scaled / len(x))
    r = opt.solve(angle=angle, optimizers="sgd")
    assert r.scaling["condition_raw"] == pytest.approx(25.0, rel=1e-5)
    assert r.scaling["condition_scaled"] == pytest.approx(expected, rel=1e-5)


def test_scaling_fixes_axis_aligned_but_not_45_degree_conditioning():
    assert opt.solve().scaling["gd_steps_scaled"] == 1
    rotated = opt.solve(angle=45).scaling
    assert rotated["condition_scaled"] == pytest.approx(25.0) and rotated["gd_steps_scaled"] == rotated["gd_steps_raw"]


@pytest.mark.parametrize(
    "inputs, message",
    [({"condition": 0.5}, "condition must be at least 1"), ({"lr": -0.1}, "lr must be above 0"),
     ({"steps": 0}, "steps must be at least 1"), ({"steps": 2.5}, "whole number"),
     ({"optimizers": "sgd,lbfgs"}, "unknown lbfgs"), ({"start": [1.0]}, "two numbers"),
     ({"tol": 0}, "tol must be above 0"), ({"condition": "steep"}, "condition must be a number")],
)
def test_bad_inputs_are_rejected(inputs, message):
    with pytest.raises(SolverInputError, match=message):
        opt.solve(**inputs)


@pytest.mark.parametrize("seed", range(10))
def test_random_inputs_are_fresh_and_solvable(seed):
    inputs = opt.random_inputs(seed)
    assert inputs == opt.random_inputs(seed)
    r = opt.solve(**inputs)
    assert r.runs[0]["converged"]  # GD at 1/lambda_max always converges within 1000 steps for kappa <= 100
    assert r.headline().startswith("kappa")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(opt.INPUTS), value=json_values)
def test_any_json_value_for_any_input_gives_a_result_or_an_input_error(name, value):
    try:
        opt.solve(**{name: value})
    except SolverInputError:
        pass


def test_starts_too_far_out_to_square_are_rejected():
    with pytest.raises(SolverInputError, match="start"):
        opt.solve(start=[1e200, 1e200])


def test_adagrad_undoes_axis_aligned_ill_conditioning_but_not_a_rotated_one():
    def adagrad_steps(kappa: float, angle: float) -> int:
        r = opt.solve(condition=kappa, angle=angle, optimizers="adagrad", steps=5000, scale=False)
        return r.runs[0]["steps_to_converge"]

    assert adagrad_steps(400, 0) <= adagrad_steps(25, 0) + 5  # flat in kappa when the axes align
    assert adagrad_steps(400, 30) > 10 * adagrad_steps(25, 30)  # grows with kappa when they do not
