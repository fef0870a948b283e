"""Activation functions and their derivatives at given points, with the sigmoid's Jacobian.

    sigmoid  s(x) = 1 / (1 + e^-x)           s'(x) = s(x)(1 - s(x))       range (0, 1), s' <= 1/4
    tanh     tanh(x) = 2 s(2x) - 1            tanh'(x) = 1 - tanh(x)^2     range (-1, 1), tanh' <= 1
    ReLU     max(0, x)                        1 if x > 0 else 0            range [0, inf)
    leaky    x if x > 0 else alpha x          1 if x > 0 else alpha        range (-inf, inf)
    GELU     x Phi(x), Phi(x) = (1 + erf(x/sqrt 2))/2
                                              Phi(x) + x phi(x)            range [-0.17, inf)

ReLU and leaky ReLU have a kink at 0 where any slope between the one-sided ones is a
subgradient; like PyTorch, the derivative reported there is the left one (0 and alpha).
GELU is the exact erf form (Hendrycks & Gimpel 2016), not the tanh approximation. Applied
elementwise to a vector x, the sigmoid's Jacobian is diag(s(x) * (1 - s(x))): output i
depends on input i only.

>>> r = solve()
>>> r.values["sigmoid"][4], r.derivatives["sigmoid"][4], r.derivatives["tanh"][4]
(0.5, 0.25, 1.0)
>>> r.values["relu"], r.derivatives["leaky_relu"][:2]
([0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 1.0, 2.0, 3.0], [0.01, 0.01])
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from solvers.checks import number
from solvers.result import Plot, Result, SolverInputError, Step, Table, significant

# Significant digits of every value shown and graded: enough to hide float noise like 0.49999999999.
SHOWN_DIGITS = 12
INPUTS = ("points", "alpha")

BOOK_POINTS = (-3.0, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0)
BOOK_ALPHA = 0.01  # the usual leaky-ReLU slope
MAX_POINTS = 200  # the Jacobian is points x points
MAX_ABS = 1000.0  # beyond this every curve is flat or linear, and the plot grid would be useless
MAX_ALPHA = 1.0  # a leaky slope above 1 is no longer "leaky" (and 1e308 * x overflows)
PLOT_HALF_WIDTH = 4.0  # curves are drawn on at least [-4, 4]
PLOT_SAMPLES = 161
NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "gelu")


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1/(1 + e^-x) without overflow: e^-|x| never exceeds 1."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _phi_cdf(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.vectorize(math.erf, otypes=[float])(x / math.sqrt(2.0)))


def _phi_pdf(x: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def functions(alpha: float) -> dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]]:
    """name -> (f, f') for every activation, with the leaky slope ``alpha`` bound in."""
    return {
        "sigmoid": (sigmoid, lambda x: sigmoid(x) * (1.0 - sigmoid(x))),
        "tanh": (np.tanh, lambda x: 1.0 - np.tanh(x) ** 2),
        "relu": (lambda x: np.maximum(x, 0.0), lambda x: (x > 0).astype(float)),
        "leaky_relu": (lambda x: np.where(x > 0, x, alpha * x), lambda x: np.where(x > 0, 1.0, alpha)),
        "gelu": (lambda x: x * _phi_cdf(x), lambda x: _phi_cdf(x) + x * _phi_pdf(x)),
    }


FACTS = (
    ("sigmoid", "(0, 1)", "s(1 - s)", "1/4 at x = 0", "saturates at both ends; not zero-centred; a probability"),
    ("tanh", "(-1, 1)", "1 - tanh^2", "1 at x = 0", "zero-centred; = 2 s(2x) - 1; saturates"),
    ("relu", "[0, inf)", "1 if x > 0 else 0", "1 for x > 0",
     "no saturation for x > 0; no gradient for x < 0, so a unit stuck there dies"),
    ("leaky_relu", "(-inf, inf)", "1 if x > 0 else alpha", "1 for x > 0", "alpha keeps a gradient for x < 0"),
    ("gelu", "[-0.17, inf)", "Phi(x) + x phi(x)", "about 1.129 at x = sqrt 2",
     "smooth; dips to -0.170 at x = -0.752, so not monotone"),
)


@dataclass(frozen=True)
class ActivationsResult(Result):
    values: dict[str, list[float]] | None = None
    derivatives: dict[str, list[float]] | None = None
    jacobian: list[list[float]] | None = None

    def headline(self) -> str:
        xs = self.inputs.get("points", [])
        peak = max(self.derivatives["sigmoid"])
        return (
            f"{len(xs)} points in [{min(xs):g}, {max(xs):g}]: largest sigmoid slope {peak:.4g} (never above 0.25), "
            f"largest tanh slope {max(self.derivatives['tanh']):.4g}; sigmoid Jacobian is diagonal"
        )


def solve(points: list[float] | str = BOOK_POINTS, alpha: float = BOOK_ALPHA) -> ActivationsResult:
    """Values and derivatives of every activation at ``points``; leaky slope ``alpha``."""
    xs = _points(points)
    a = number(alpha, "alpha", 0.0, MAX_ALPHA)
    fns = functions(a)
    values = {n: [significant(v, SHOWN_DIGITS) for v in f(xs)] for n, (f, _) in fns.items()}
    derivs = {n: [significant(v, SHOWN_DIGITS) for v in df(xs)] for n, (_, df) in fns.items()}
    s = sigmoid(xs)
    jac = np.diag(s * (1.0 - s))
    labels = tuple(f"{x:g}" for x in xs)
    identity_gap = float(np.max(np.abs(np.tanh(xs) - (2.0 * sigmoid(2.0 * xs) - 1.0))))
    grid = np.linspace(min(-PLOT_HALF_WIDTH, xs.min()), max(PLOT_HALF_WIDTH, xs.max()), PLOT_SAMPLES)
    steps = (
        Step("values", "Values f(x)", _by_point(values, labels), f"leaky ReLU with alpha = {a:g}; GELU = x·Phi(x)"),
        Step("derivatives", "Derivatives f'(x)", _by_point(derivs, labels),
             "s' = s(1-s); tanh' = 1 - tanh^2; GELU' = Phi(x) + x·phi(x)",
             "at the kink x = 0 ReLU reports 0 and leaky ReLU alpha (any slope in between is a subgradient)"),
        Step("jacobian", "Jacobian of the elementwise sigmoid of x",
             Table(labels, tuple(tuple(significant(v, SHOWN_DIGITS) for v in row) for row in jac), labels),
             "d s(x_i)/d x_j = s(x_i)(1 - s(x_i)) if i = j else 0",
             "diagonal: each output depends on its own input only"),
        Step("facts", "Ranges and largest slopes",
             Table(("range", "derivative", "largest slope", "remark"), tuple(f[1:] for f in FACTS),
                   tuple(f[0] for f in FACTS))),
        Step("tanh_identity", "tanh(x) = 2 s(2x) - 1 at the points: largest gap", identity_gap,
             "2/(1 + e^-2x) - 1 = (1 - e^-2x)/(1 + e^-2x) = tanh x"),
        Step("curves", "The curves", _plot("Activations", fns, 0, grid, "f(x)")),
        Step("slopes", "Their derivatives", _plot("Derivatives", fns, 1, grid, "f'(x)")),
    )
    return ActivationsResult(
        inputs={"points": [float(x) for x in xs], "alpha": a},
        steps=steps,
        values=values,
        derivatives=derivs,
        jacobian=[[significant(v, SHOWN_DIGITS) for v in row] for row in jac],
    )


def random_inputs(seed: int) -> dict[str, Any]:
    """Seven distinct sorted points in [-4, 4] (two decimals) and a leaky slope in [0.01, 0.3]."""
    rng = np.random.default_rng(seed)
    hundredths = np.sort(rng.choice(np.arange(-400, 401), size=7, replace=False))
    return {"points": [float(h) / 100 for h in hundredths], "alpha": round(float(rng.uniform(0.01, 0.3)), 2)}


def _by_point(columns: dict[str, list[float]], labels: tuple[str, ...]) -> Table:
    """One row per point, one column per function."""
    return Table(NAMES, tuple(tuple(columns[n][i] for n in NAMES) for i in range(len(labels))), labels)


def _plot(title: str, fns: dict[str, Any], which: int, grid: np.ndarray, ylabel: str) -> Plot:
    """Every function (which = 0) or every derivative (which = 1) sampled on ``grid``."""
    xs = tuple(float(g) for g in grid)
    series = tuple((n, xs, tuple(float(v) for v in fns[n][which](grid))) for n in NAMES)
    return Plot(title, series, xlabel="x", ylabel=ylabel)


def _points(value: list[float] | tuple[float, ...] | str) -> np.ndarray:
    if isinstance(value, str):
        items: list[Any] = [v for v in value.split(",") if v.strip()]
    else:
        items = list(value) if isinstance(value, (list, tuple)) else [value]
    xs = np.array([number(v, f"point {i}") for i, v in enumerate(items, 1)])
    if xs.size == 0:
        raise SolverInputError("points is empty: give at least one number, e.g. -1,0,1")
    if np.any(np.abs(xs) > MAX_ABS):
        raise SolverInputError(f"points must lie in [-{MAX_ABS:g}, {MAX_ABS:g}]; got {xs[np.abs(xs) > MAX_ABS][0]:g}")
    if xs.size > MAX_POINTS:
        raise SolverInputError(f"points has {xs.size} numbers; at most {MAX_POINTS} (the Jacobian is points x points)")
    return xs


