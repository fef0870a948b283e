"""The smallest network that computes XOR: two hidden units, verified by a forward pass.

A single threshold unit y = [a x1 + b x2 + c > 0] cannot: XOR needs

    (0,0) -> 0: c <= 0     (1,0) -> 1: a + c > 0     (0,1) -> 1: b + c > 0     (1,1) -> 0: a + b + c <= 0

and adding the middle two gives a + b + 2c > 0, so a + b + c > -c >= 0, against the last.
No linear model fits either: the least-squares line through the four points is y = 1/2
everywhere (residual sum of squares 1). One hidden layer of two units suffices:

    relu:     h = ReLU([[1, 1], [1, 1]] x + [0, -1]),  y = h1 - 2 h2          (exactly 0, 1, 1, 0)
    step:     h1 = [x1 + x2 - 0.5 > 0] (OR),  h2 = [x1 + x2 - 1.5 > 0] (AND),  y = [h1 - h2 - 0.5 > 0]
    sigmoid:  the step weights times ``scale``; the outputs then round to XOR

With a skip connection one hidden unit is enough (y = x1 + x2 - 2 ReLU(x1 + x2 - 1)), but
that is no longer a plain layered network.

>>> r = solve()
>>> r.truth_table
[[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]]
>>> r.hidden_units, r.verified
(2, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from solvers.result import Result, SolverInputError, Step, Table, rounded, significant

INPUTS = ("activation", "scale")

ACTIVATIONS = ("relu", "step", "sigmoid")
BOOK_SCALE = 20.0  # sigmoid(20 * 0.5) = 0.99995: step weights x20 behave like steps
MAX_SCALE = 1e6  # far beyond the point where every sigmoid here is 0 or 1 in floating point
X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
TARGET = np.array([0, 1, 1, 0])


@dataclass(frozen=True)
class Network:
    """y = out(w2 . act(W1 x + b1) + b2); ``out`` is the identity for relu, else the hidden act."""

    activation: str
    W1: np.ndarray  # (2 hidden, 2 inputs)
    b1: np.ndarray  # (2,)
    w2: np.ndarray  # (2,)
    b2: float

    def hidden(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        z = x @ self.W1.T + self.b1
        return z, _act(self.activation, z)

    def forward(self, x: np.ndarray) -> np.ndarray:
        _, h = self.hidden(x)
        z = h @ self.w2 + self.b2
        return z if self.activation == "relu" else _act(self.activation, z)


@dataclass(frozen=True)
class XorResult(Result):
    hidden_units: int = 2
    weights: dict[str, Any] | None = None
    truth_table: list[list[int]] | None = None
    verified: bool = False

    def headline(self) -> str:
        w = self.weights or {}
        verdict = "computes XOR" if self.verified else "does NOT compute XOR"
        return (
            f"2-{self.hidden_units}-1 {self.inputs.get('activation')} network {verdict}: "
            f"W1 = {w.get('W1')}, b1 = {w.get('b1')}, w2 = {w.get('w2')}, b2 = {w.get('b2')}"
        )


def network(activation: str = "relu", scale: float = BOOK_SCALE) -> Network:
    """The hand-built 2-2-1 network for ``activation``."""
    if activation == "relu":
        return Network("relu", np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0]), np.array([1.0, -2.0]), 0.0)
    k = 1.0 if activation == "step" else scale
    W1, b1, w2 = np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([-0.5, -1.5]), np.array([1.0, -1.0])
    return Network(activation, k * W1, k * b1, k * w2, -0.5 * k)


def solve(activation: str = "relu", scale: float = BOOK_SCALE) -> XorResult:
    """Build the XOR network for ``activation``, run it on the four inputs and explain why one unit fails."""
    act = str(activation).strip().lower()
    if act not in ACTIVATIONS:
        raise SolverInputError(f"activation '{activation}' is not one of {', '.join(ACTIVATIONS)}")
    k = _scale(scale)
    net = network(act, k)
    z, h = net.hidden(X)
    out = net.forward(X)
    predicted = np.rint(out).astype(int) if act == "sigmoid" else out.astype(int)
    verified = bool(np.array_equal(predicted, TARGET) and (act == "sigmoid" or np.array_equal(out, TARGET)))
    table = [[int(a), int(b), int(y)] for (a, b), y in zip(X, predicted)]
    weights = {"W1": net.W1.tolist(), "b1": net.b1.tolist(), "w2": net.w2.tolist(), "b2": float(net.b2)}
    design = {
        "relu": "h1 = ReLU(x1 + x2) counts the ones; h2 = ReLU(x1 + x2 - 1) is 1 only for (1,1); y = h1 - 2 h2",
        "step": "h1 = [x1 + x2 > 0.5] is OR, h2 = [x1 + x2 > 1.5] is AND; y = [h1 - h2 > 0.5] is OR and not AND",
        "sigmoid": f"the step network with every weight and bias times {k:g}: sigmoid(k z) -> [z > 0] as k grows",
    }[act]
    steps = (
        Step("impossible", "Why one linear threshold unit cannot",
             "c <= 0, a + c > 0, b + c > 0, a + b + c <= 0: "
             "adding the middle two gives a + b + c > -c >= 0, a contradiction",
             "y = [a x1 + b x2 + c > 0] on (0,0), (1,0), (0,1), (1,1)"),
        Step("least_squares", "Best linear fit y = a x1 + b x2 + c (least squares)", _least_squares(),
             "minimise sum (a x1 + b x2 + c - y)^2", "the fit is y = 1/2 everywhere: no linear layer separates XOR"),
        Step("design", "The construction", design),
        Step("weights", "Weights", weights, "z = W1 x + b1, h = act(z), y = w2 . h + b2"
             + ("" if act == "relu" else ", output act(y)")),
        Step("forward", "Forward pass on the four inputs",
             Table(("x1", "x2", "z1", "z2", "h1", "h2", "output", "XOR", "ok"),
                   tuple((int(x[0]), int(x[1]), *map(significant, zz), *map(significant, hh), significant(o), int(t),
                          bool(p == t))
                         for x, zz, hh, o, t, p in zip(X, z, h, out, TARGET, predicted)))),
        Step("verified", "Truth table matches XOR", verified,
             note="sigmoid outputs are rounded to 0/1" if act == "sigmoid" else "outputs are exactly 0 and 1"),
        Step("with_skip", "With skip connections from the inputs, one hidden unit is enough",
             [significant(v) for v in X.sum(axis=1) - 2.0 * np.maximum(X.sum(axis=1) - 1.0, 0.0)],
             "y = x1 + x2 - 2 ReLU(x1 + x2 - 1) on (0,0), (0,1), (1,0), (1,1)",
             "the output reads the inputs directly, so this is not a plain layered 2-1-1 network"),
    )
    return XorResult(inputs={"activation": act, "scale": k}, steps=steps, hidden_units=2, weights=weights,
                     truth_table=table, verified=verified)


def random_inputs(seed: int) -> dict[str, Any]:
    """A random activation; for sigmoid a random sharpness in [5, 50]."""
    rng = np.random.default_rng(seed)
    act = str(rng.choice(ACTIVATIONS))
    return {"activation": act, "scale": float(rng.integers(5, 51)) if act == "sigmoid" else BOOK_SCALE}


def _least_squares() -> dict[str, Any]:
    design = np.column_stack([X, np.ones(4)])
    coef, *_ = np.linalg.lstsq(design, TARGET.astype(float), rcond=None)
    residual = float(np.sum((design @ coef - TARGET) ** 2))
    clean = [rounded(v, 12) for v in coef]  # lstsq leaves 1e-16 noise where the answer is 0
    return {"a": clean[0], "b": clean[1], "c": clean[2], "residual_sum_of_squares": significant(residual)}


def _act(name: str, z: np.ndarray) -> np.ndarray:
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "step":
        return (z > 0).astype(float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _scale(value: Any) -> float:
    try:
        k = float(value)
    except (TypeError, ValueError):
        raise SolverInputError(f"scale must be a positive number, got {value!r}") from None
    if isinstance(value, bool) or not 0 < k <= MAX_SCALE:
        raise SolverInputError(f"scale must be a positive number up to {MAX_SCALE:g}, got {value!r}")
    return k


