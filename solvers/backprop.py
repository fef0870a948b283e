"""Forward and backward pass of a two-layer ReLU network with inverted dropout, checked numerically.

Shapes: X (N, D), W1 (D, H), b1 (H,), W2 (H, C), b2 (C,), Y (N, C). Forward:

    Z1 = X W1 + b1,   H = max(0, Z1),   M = [U < keep] / keep   (U ~ Uniform(0, 1), fixed by seed)
    Hd = H * M,       out = Hd W2 + b2,  L = (1/N) sum_n 1/2 ||out_n - Y_n||^2

Inverted dropout scales the kept units by 1/keep during training, so E[M] = 1 and the
network needs no rescaling at test time (where M = 1). Backward, by the chain rule:

    dOut = (out - Y)/N,  dW2 = Hd^T dOut,  db2 = sum_n dOut,  dHd = dOut W2^T,
    dH = dHd * M,        dZ1 = dH * [Z1 > 0],  dW1 = X^T dZ1,  db1 = sum_n dZ1

The gradient check perturbs each parameter by +-eps with the mask held fixed (central
differences, error O(eps^2)) and reports ||g - g_num|| / (||g|| + ||g_num||), or 0 when both
norms are below what central differences resolve (a gradient that is exactly zero, e.g. when
dropout drops every hidden unit, comes out as rounding noise on both sides).
The example's numbers are drawn with one decimal so the matrices can be followed by hand;
they are redrawn until no |Z1| is near 0, where ReLU has a kink and differences mislead.
Reference: CS231n notes, "Neural Networks Part 2" (inverted dropout) and "Part 3" (gradient checks).

>>> r = solve()
>>> r.inputs["n"], r.inputs["d"], r.inputs["h"], r.inputs["c"], r.inputs["keep"]
(2, 3, 4, 2, 0.5)
>>> r.max_rel_error < 1e-7
True
>>> sorted(r.grads)
['W1', 'W2', 'b1', 'b2']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from solvers.checks import whole
from solvers.result import Result, SolverInputError, Step, Table, rounded

SHOWN_DECIMALS = 6  # of every value a step shows
INPUTS = ("n", "d", "h", "c", "keep", "seed")

BOOK = {"n": 2, "d": 3, "h": 4, "c": 2, "keep": 0.5, "seed": 0}
MAX_SIZE = 32  # every matrix is shown, and the check costs two forward passes per parameter
EPS = 1e-5  # central-difference step: truncation error ~eps^2, rounding error ~1e-16/eps
KINK_MARGIN = 0.05  # redraw the example while some |Z1| is below this (ReLU kink)
# Central differences resolve gradients down to about 1e-16 |L| / eps (~1e-11 here); norms that
# sum below this are zero to within rounding, and their ratio is noise, not an error.
RESOLUTION = 1e-9
PARAMS = ("W1", "b1", "W2", "b2")


@dataclass(frozen=True)
class Forward:
    """Every intermediate of the forward pass, kept for the backward pass."""

    z1: np.ndarray
    h: np.ndarray
    h_drop: np.ndarray
    out: np.ndarray


@dataclass(frozen=True)
class Gradients:
    """Gradients of the loss with respect to the input, the hidden layer and the parameters."""

    d_out: np.ndarray
    dW2: np.ndarray
    db2: np.ndarray
    dH_drop: np.ndarray
    dH: np.ndarray
    dZ1: np.ndarray
    dW1: np.ndarray
    db1: np.ndarray
    dX: np.ndarray


@dataclass(frozen=True)
class BackpropResult(Result):
    loss: float = 0.0
    max_rel_error: float = 0.0
    grads: dict[str, list[Any]] | None = None
    rel_errors: dict[str, float] | None = None

    def headline(self) -> str:
        i = self.inputs
        return (
            f"{i['n']}x{i['d']} -> {i['h']} ReLU (keep {i['keep']:g}) -> {i['c']}: loss {self.loss:.6g}; "
            f"backprop agrees with finite differences (max relative error {self.max_rel_error:.1e})"
        )


def forward(X: np.ndarray, W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray,
            mask: np.ndarray | None = None) -> Forward:
    """Forward pass; ``mask`` is the scaled dropout mask on the hidden units (None: no dropout)."""
    z1 = X @ W1 + b1
    h = np.maximum(z1, 0.0)
    h_drop = h if mask is None else h * mask
    return Forward(z1, h, h_drop, h_drop @ W2 + b2)


def backward(X: np.ndarray, W1: np.ndarray, W2: np.ndarray, fwd: Forward, d_out: np.ndarray,
             mask: np.ndarray | None = None) -> Gradients:
    """Backward pass from ``d_out`` = dL/d(out), shape (N, C), through the cached forward pass."""
    dW2 = fwd.h_drop.T @ d_out
    db2 = d_out.sum(axis=0)
    dH_drop = d_out @ W2.T
    dH = dH_drop if mask is None else dH_drop * mask
    dZ1 = dH * (fwd.z1 > 0)
    return Gradients(d_out, dW2, db2, dH_drop, dH, dZ1, X.T @ dZ1, dZ1.sum(axis=0), dZ1 @ W1.T)


def dropout_mask(u: np.ndarray, keep: float) -> np.ndarray:
    """The inverted-dropout mask (U < keep)/keep from uniform draws U; its mean is 1."""
    return (u < keep) / keep


def loss(out: np.ndarray, Y: np.ndarray) -> float:
    """Mean over the N examples of 1/2 ||out_n - Y_n||^2."""
    return float(0.5 * np.sum((out - Y) ** 2) / out.shape[0])


def numerical_gradients(X: np.ndarray, Y: np.ndarray, params: dict[str, np.ndarray], mask: np.ndarray,
                        eps: float = EPS) -> dict[str, np.ndarray]:
    """Central differences (L(p + eps) - L(p - eps)) / 2eps for every entry of every parameter."""
    numeric = {}
    for name in PARAMS:
        grad = np.zeros_like(params[name])
        for idx in np.ndindex(grad.shape):
            values = []
            for sign in (1.0, -1.0):
                shifted = {k: v.copy() for k, v in params.items()}
                shifted[name][idx] += sign * eps
                values.append(loss(forward(X, shifted["W1"], shifted["b1"], shifted["W2"], shifted["b2"], mask).out, Y))
            grad[idx] = (values[0] - values[1]) / (2 * eps)
        numeric[name] = grad
    return numeric


def relative_error(g: np.ndarray, g_num: np.ndarray) -> float:
    """||g - g_num|| / (||g|| + ||g_num||): scale-free, and 0 when both vanish (below RESOLUTION)."""
    scale = float(np.linalg.norm(g) + np.linalg.norm(g_num))
    return 0.0 if scale < RESOLUTION else float(np.linalg.norm(g - g_num)) / scale


def example(n: int, d: int, h: int, c: int, seed: int) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """X, Y, parameters (one decimal) and the dropout draws U, all from ``seed``.

    The example is redrawn until every |Z1| >= KINK_MARGIN; b1 is non-negative so that
    about half the hidden units are active and dropout has something to drop.
    """
    rng = np.random.default_rng(seed)
    while True:
        X = np.round(rng.normal(0.0, 1.0, (n, d)), 1)
        params = {
            "W1": np.round(rng.normal(0.0, 1.0, (d, h)), 1),
            "b1": np.round(rng.uniform(0.0, 0.5, h), 1),
            "W2": np.round(rng.normal(0.0, 1.0, (h, c)), 1),
            "b2": np.round(rng.uniform(-0.5, 0.5, c), 1),
        }
        if np.abs(X @ params["W1"] + params["b1"]).min() >= KINK_MARGIN:
            break
    Y = np.round(rng.normal(0.0, 1.0, (n, c)), 1)
    return X, Y, params, rng.random((n, h))


def solve(n: int = BOOK["n"], d: int = BOOK["d"], h: int = BOOK["h"], c: int = BOOK["c"],
          keep: float = BOOK["keep"], seed: int = BOOK["seed"]) -> BackpropResult:
    """Run the forward pass, the backward pass and the gradient check on a seeded example.

    Parameters
    ----------
    n, d, h, c : examples, input features, hidden units, outputs (each 1..32)
    keep : probability of keeping a hidden unit, in (0, 1]; 1 means no dropout
    seed : fixes the example and the dropout draws
    """
    sizes = {name: whole(name, value, 1, MAX_SIZE) for name, value in (("n", n), ("d", d), ("h", h), ("c", c))}
    keep = _keep(keep)
    seed = _seed(seed)
    n, d, h, c = sizes["n"], sizes["d"], sizes["h"], sizes["c"]

    X, Y, p, u = example(n, d, h, c, seed)
    mask = dropout_mask(u, keep)
    fwd = forward(X, p["W1"], p["b1"], p["W2"], p["b2"], mask)
    value = loss(fwd.out, Y)
    g = backward(X, p["W1"], p["W2"], fwd, (fwd.out - Y) / n, mask)
    analytic = {"W1": g.dW1, "b1": g.db1, "W2": g.dW2, "b2": g.db2}
    numeric = numerical_gradients(X, Y, p, mask)
    errors = {k: relative_error(analytic[k], numeric[k]) for k in PARAMS}

    rows, hid, outs, feats = _labels("x", n), _labels("h", h), _labels("y", c), _labels("f", d)
    steps = (
        Step("x", "Input X (N x D)", _table(X, feats, rows)),
        Step("y", "Targets Y (N x C)", _table(Y, outs, rows)),
        Step("w1", "First-layer weights W1 (D x H)", _table(p["W1"], hid, feats)),
        Step("b1", "First-layer bias b1", _vector(p["b1"], hid)),
        Step("w2", "Second-layer weights W2 (H x C)", _table(p["W2"], outs, hid)),
        Step("b2", "Second-layer bias b2", _vector(p["b2"], outs)),
        Step("z1", "Pre-activations", _table(fwd.z1, hid, rows), "Z1 = X W1 + b1"),
        Step("h", "Hidden activations", _table(fwd.h, hid, rows), "H = max(0, Z1)"),
        Step("u", "Uniform draws for dropout", _table(u, hid, rows), "U ~ Uniform(0, 1)", f"seeded by seed={seed}"),
        Step("mask", "Inverted-dropout mask", _table(mask, hid, rows), f"M = [U < {keep:g}] / {keep:g}",
             "kept units are scaled by 1/keep so E[M] = 1 and test time needs no rescaling"),
        Step("h_drop", "Hidden units after dropout", _table(fwd.h_drop, hid, rows), "Hd = H * M"),
        Step("out", "Network output", _table(fwd.out, outs, rows), "out = Hd W2 + b2 (linear output)"),
        Step("loss", "Loss", rounded(value, SHOWN_DECIMALS), "L = (1/N) sum_n 1/2 ||out_n - Y_n||^2"),
        Step("d_out", "Gradient at the output", _table(g.d_out, outs, rows), "dOut = (out - Y) / N"),
        Step("d_w2", "Gradient of W2", _table(g.dW2, outs, hid), "dW2 = Hd^T dOut"),
        Step("d_b2", "Gradient of b2", _vector(g.db2, outs), "db2 = sum over examples of dOut"),
        Step("d_h_drop", "Gradient at the dropped hidden units", _table(g.dH_drop, hid, rows), "dHd = dOut W2^T"),
        Step("d_h", "Gradient at the hidden units", _table(g.dH, hid, rows), "dH = dHd * M",
             "dropped units pass no gradient; kept ones carry the same 1/keep factor as the forward pass"),
        Step("d_z1", "Gradient at the pre-activations", _table(g.dZ1, hid, rows), "dZ1 = dH * [Z1 > 0]"),
        Step("d_w1", "Gradient of W1", _table(g.dW1, hid, feats), "dW1 = X^T dZ1"),
        Step("d_b1", "Gradient of b1", _vector(g.db1, hid), "db1 = sum over examples of dZ1"),
        Step(
            "gradient_check", "Gradient check (central differences, mask fixed)",
            Table(
                ("||analytic||", "||numeric||", "relative error"),
                tuple((rounded(np.linalg.norm(analytic[k]), SHOWN_DECIMALS),
                       rounded(np.linalg.norm(numeric[k]), SHOWN_DECIMALS), float(f"{errors[k]:.3g}"))
                      for k in PARAMS),
                PARAMS,
            ),
            f"g_num = (L(p + {EPS:g}) - L(p - {EPS:g})) / {2 * EPS:g};  err = ||g - g_num|| / (||g|| + ||g_num||)",
            "below about 1e-7 the analytic gradient is right; above 1e-3 it is almost surely wrong",
        ),
    )
    return BackpropResult(
        loss=value,
        max_rel_error=max(errors.values()),
        grads={k: analytic[k].tolist() for k in PARAMS},
        rel_errors=errors,
        inputs={"n": n, "d": d, "h": h, "c": c, "keep": keep, "seed": seed},
        steps=steps,
    )


def random_inputs(seed: int) -> dict[str, Any]:
    """Small shapes (every matrix fits on screen), a usual keep probability and a fresh seed."""
    rng = np.random.default_rng(seed)
    return {
        "n": int(rng.integers(2, 5)),
        "d": int(rng.integers(2, 5)),
        "h": int(rng.integers(2, 6)),
        "c": int(rng.integers(1, 4)),
        "keep": float(rng.choice([0.5, 0.6, 0.75, 0.8, 0.9])),
        "seed": int(rng.integers(0, 10_000)),
    }


def _keep(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise SolverInputError(f"keep must be a probability in (0, 1], got {value!r}")
    if not 0.0 < float(value) <= 1.0:
        raise SolverInputError(f"keep must be in (0, 1] (1 = no dropout), got {value}")
    return float(value)


def _seed(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise SolverInputError(f"seed must be a non-negative whole number, got {value!r}")
    return int(value)


def _labels(prefix: str, count: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{i + 1}" for i in range(count))


def _table(matrix: np.ndarray, columns: tuple[str, ...], index: tuple[str, ...]) -> Table:
    return Table(columns, tuple(tuple(rounded(v, SHOWN_DECIMALS) for v in row) for row in matrix), index)


def _vector(vector: np.ndarray, columns: tuple[str, ...]) -> Table:
    return Table(columns, (tuple(rounded(v, SHOWN_DECIMALS) for v in vector),))
