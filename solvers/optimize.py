"""Gradient descent and adaptive optimisers on an ill-conditioned quadratic, side by side.

The loss is f(w) = 1/2 w^T A w with A = R diag(1, kappa) R^T (R a rotation by ``angle``
degrees), so the gradient is A w, the minimum is f(0) = 0 and kappa is the condition
number. Plain gradient descent w <- w - lr A w shrinks the component along eigenvalue
lambda by (1 - lr lambda) per step: it converges iff lr < 2/lambda_max, and the loss falls
at least by rho^2 per step with rho = max |1 - lr lambda|. For lr = 1/lambda_max,
rho = 1 - 1/kappa: the steps needed grow linearly with kappa.

Feature scaling divides each coordinate by the square root of A's diagonal (standardising
features whose covariance is A): A' = D^-1/2 A D^-1/2. For axis-aligned A this makes A' = I
(one GD step suffices); correlated features (a rotated A) keep elliptical contours.

Update rules (g = gradient at step t = 1, 2, ...; the usual defaults: Adam's from Kingma & Ba
2015, RMSProp's rho = 0.9 from Hinton's lecture 6e and Keras):

    sgd       w <- w - lr g
    momentum  v <- beta v + g;  w <- w - lr v                                  (beta = 0.9)
    adagrad   G <- G + g^2;  w <- w - lr g / (sqrt(G) + eps)
    rmsprop   s <- rho s + (1 - rho) g^2;  w <- w - lr g / (sqrt(s) + eps)      (rho = 0.9)
    adam      m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
              w <- w - lr m_hat / (sqrt(v_hat) + eps),  m_hat = m/(1 - b1^t), v_hat = v/(1 - b2^t)

Adagrad, RMSProp and Adam divide each coordinate by its own gradient scale, a diagonal
preconditioner: like feature scaling, they undo axis-aligned ill-conditioning but not a
rotated one.

A run converges at the first step with f < tol; it diverges when f exceeds
DIVERGE_FACTOR times the starting loss or stops being finite (the run then stops, so no
overflow reaches the numbers).

>>> r = solve()
>>> [(run["optimizer"], run["steps_to_converge"]) for run in r.runs]
[('sgd', 161), ('momentum', 135), ('adagrad', 15), ('rmsprop', 58), ('adam', 82)]
>>> r.scaling["gd_steps_raw"], r.scaling["gd_steps_scaled"]
(161, 1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from solvers.checks import listed, number
from solvers.result import Plot, Result, SolverInputError, Step, Table, significant

INPUTS = ("condition", "lr", "steps", "scale", "optimizers", "angle", "start", "tol")

BOOK_CONDITION = 25.0
BOOK_START = (1.0, 1.0)
BOOK_STEPS = 500
BOOK_TOL = 1e-6
MAX_STEPS = 20_000  # five optimisers plus five GD runs, in pure Python loops
MAX_CONDITION = 1e8
MAX_START = 1e6  # keeps f(w0) far from float overflow at any allowed condition number
DIVERGE_FACTOR = 1e6  # loss this many times the start counts as diverged
MOMENTUM = 0.9
RMS_DECAY = 0.9
ADAM_BETA1, ADAM_BETA2 = 0.9, 0.999
EPS = 1e-8  # keeps the adaptive denominators away from 0

State = dict[str, np.ndarray]
Update = Callable[[np.ndarray, np.ndarray, State, float, int], tuple[np.ndarray, State]]


def _sgd(w: np.ndarray, g: np.ndarray, state: State, lr: float, t: int) -> tuple[np.ndarray, State]:
    return w - lr * g, state


def _momentum(w: np.ndarray, g: np.ndarray, state: State, lr: float, t: int) -> tuple[np.ndarray, State]:
    v = MOMENTUM * state.get("v", np.zeros_like(w)) + g
    return w - lr * v, {"v": v}


def _adagrad(w: np.ndarray, g: np.ndarray, state: State, lr: float, t: int) -> tuple[np.ndarray, State]:
    G = state.get("G", np.zeros_like(w)) + g * g
    return w - lr * g / (np.sqrt(G) + EPS), {"G": G}


def _rmsprop(w: np.ndarray, g: np.ndarray, state: State, lr: float, t: int) -> tuple[np.ndarray, State]:
    s = RMS_DECAY * state.get("s", np.zeros_like(w)) + (1 - RMS_DECAY) * g * g
    return w - lr * g / (np.sqrt(s) + EPS), {"s": s}


def _adam(w: np.ndarray, g: np.ndarray, state: State, lr: float, t: int) -> tuple[np.ndarray, State]:
    m = ADAM_BETA1 * state.get("m", np.zeros_like(w)) + (1 - ADAM_BETA1) * g
    v = ADAM_BETA2 * state.get("v", np.zeros_like(w)) + (1 - ADAM_BETA2) * g * g
    m_hat, v_hat = m / (1 - ADAM_BETA1**t), v / (1 - ADAM_BETA2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + EPS), {"m": m, "v": v}


@dataclass(frozen=True)
class Optimizer:
    """An update rule, its formula and its default learning rate (``None``: 1/lambda_max)."""

    name: str
    update: Update
    rule: str
    default_lr: float | None


OPTIMIZERS: dict[str, Optimizer] = {
    o.name: o
    for o in (
        Optimizer("sgd", _sgd, "w -= lr g", None),
        Optimizer("momentum", _momentum, f"v = {MOMENTUM} v + g; w -= lr v", None),
        Optimizer("adagrad", _adagrad, "G += g^2; w -= lr g/(sqrt G + eps)", 0.5),
        Optimizer("rmsprop", _rmsprop, f"s = {RMS_DECAY} s + {1 - RMS_DECAY:g} g^2; w -= lr g/(sqrt s + eps)", 0.03),
        Optimizer("adam", _adam, f"m = {ADAM_BETA1} m + {1 - ADAM_BETA1:g} g; "
                  f"v = {ADAM_BETA2} v + {1 - ADAM_BETA2:g} g^2; w -= lr m_hat/(sqrt v_hat + eps)", 0.1),
    )
}


@dataclass(frozen=True)
class Run:
    """One optimiser's trajectory: iterates w_0..w_T and their losses."""

    path: np.ndarray  # (T + 1, 2)
    losses: np.ndarray  # (T + 1,)
    steps_to_converge: int | None
    diverged: bool


def hessian(condition: float, angle: float = 0.0) -> np.ndarray:
    """A = R diag(1, condition) R^T, R the rotation by ``angle`` degrees."""
    t = math.radians(angle)
    rot = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    return rot @ np.diag([1.0, condition]) @ rot.T


def run(update: Update, A: np.ndarray, w0: np.ndarray, lr: float, steps: int, tol: float) -> Run:
    """Iterate ``update`` on f(w) = 1/2 w^T A w until f < tol, divergence, or ``steps`` updates."""
    w, state = np.asarray(w0, dtype=float), {}
    path, losses = [w], [_loss(A, w)]
    limit = DIVERGE_FACTOR * max(losses[0], tol)
    if losses[0] < tol:
        return Run(np.array(path), np.array(losses), 0, False)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            w, state = update(w, A @ w, state, lr, t)
            loss = _loss(A, w)
            if not (math.isfinite(loss) and loss <= limit):
                return Run(np.array(path), np.array(losses), None, True)
            path.append(w)
            losses.append(loss)
            if loss < tol:
                return Run(np.array(path), np.array(losses), t, False)
    return Run(np.array(path), np.array(losses), None, False)


@dataclass(frozen=True)
class OptimizeResult(Result):
    runs: list[dict[str, Any]] | None = None
    scaling: dict[str, Any] | None = None
    lr_study: list[dict[str, Any]] | None = None

    def headline(self) -> str:
        parts = ", ".join(f"{r['optimizer']} {_steps_text(r)}" for r in self.runs or [])
        text = f"kappa = {self.inputs.get('condition'):g}, steps to loss < {self.inputs.get('tol'):g}: {parts}"
        if self.scaling:
            raw, scaled = ({"steps_to_converge": self.scaling[k]} for k in ("gd_steps_raw", "gd_steps_scaled"))
            text += f"; feature scaling takes GD from {_steps_text(raw)} to {_steps_text(scaled)}"
        return text


def solve(
    condition: float = BOOK_CONDITION,
    lr: float | None = None,
    steps: int = BOOK_STEPS,
    scale: bool = True,
    optimizers: list[str] | str | None = None,
    angle: float = 0.0,
    start: list[float] | str = BOOK_START,
    tol: float = BOOK_TOL,
) -> OptimizeResult:
    """Run the optimisers on the quadratic; ``lr`` None means each one's default learning rate."""
    if not isinstance(scale, bool):
        raise SolverInputError(f"scale must be true or false, got {scale!r}")
    kappa = number(condition, "condition", low=1.0, high=MAX_CONDITION)
    rate = None if lr is None else number(lr, "lr", low=0.0, strict=True)
    n_steps = _int(steps, "steps")
    names = _optimizers(optimizers)
    theta = number(angle, "angle")
    w0 = _start(start)
    tolerance = number(tol, "tol", low=0.0, strict=True)
    A = hessian(kappa, theta)
    lam = np.linalg.eigvalsh(A)
    f0 = _loss(A, w0)

    gd_lr = rate if rate is not None else 1.0 / lam[-1]
    steps_out = [
        Step("problem", "The quadratic f(w) = 1/2 w^T A w",
             Table(("w1", "w2"), tuple(tuple(map(significant, row)) for row in A), ("w1", "w2")),
             f"A = R({theta:g} deg) diag(1, {kappa:g}) R^T; eigenvalues {significant(lam[0])}, {significant(lam[1])}",
             f"start w0 = ({w0[0]:g}, {w0[1]:g}), f(w0) = {significant(f0)}; minimum f(0) = 0"),
        _contraction_step(lam, gd_lr, f0, tolerance),
    ]
    scaling = None
    if scale:
        scaling, scaling_step = _scaling(A, w0, n_steps, tolerance, theta)
        steps_out.append(scaling_step)
    runs, run_steps = _side_by_side(names, A, w0, rate, n_steps, tolerance)
    study, study_steps = _lr_study(A, lam, w0, n_steps, tolerance)
    return OptimizeResult(
        inputs={"condition": kappa, "lr": rate, "steps": n_steps, "scale": scale, "optimizers": list(names),
                "angle": theta, "start": [float(w0[0]), float(w0[1])], "tol": tolerance},
        steps=tuple(steps_out + run_steps + study_steps),
        runs=runs,
        scaling=scaling,
        lr_study=study,
    )


def _side_by_side(
    names: tuple[str, ...], A: np.ndarray, w0: np.ndarray, rate: float | None, steps: int, tol: float
) -> tuple[list[dict[str, Any]], list[Step]]:
    """Every chosen optimiser from the same start: the runs, their table, rules and paths."""
    lam_max = float(np.linalg.eigvalsh(A)[-1])
    runs: list[dict[str, Any]] = []
    paths = []
    for name in names:
        opt = OPTIMIZERS[name]
        lr = rate if rate is not None else (opt.default_lr or 1.0 / lam_max)
        traj = run(opt.update, A, w0, lr, steps, tol)
        runs.append({"optimizer": name, "lr": significant(lr), "steps_to_converge": traj.steps_to_converge,
                     "final_loss": significant(traj.losses[-1]), "converged": traj.steps_to_converge is not None,
                     "diverged": traj.diverged})
        paths.append((name, tuple(map(float, traj.path[:, 0])), tuple(map(float, traj.path[:, 1]))))
    columns = ("lr", "steps_to_converge", "final_loss", "converged", "diverged")
    lr_note = ("the same for every optimiser" if rate is not None
               else "1/lambda_max for sgd and momentum, each adaptive method's own default")
    return runs, [
        Step("optimizers", "Optimisers side by side",
             Table(tuple(c.replace("_", " ") for c in columns),
                   tuple(tuple(r[c] for c in columns) for r in runs), names),
             f"converged: f < {tol:g} within {steps} steps", f"lr: {lr_note}"),
        Step("update_rules", "Update rules", Table(("rule",), tuple((OPTIMIZERS[n].rule,) for n in names), names),
             f"eps = {EPS:g}; Adam's m_hat, v_hat undo the bias of starting m = v = 0"),
        Step("paths", "Paths in the (w1, w2) plane",
             Plot("Optimiser paths", tuple(paths), kind="line", xlabel="w1", ylabel="w2")),
    ]


def random_inputs(seed: int) -> dict[str, Any]:
    """A random condition number in [5, 100], rotation, and start on the unit circle scaled up."""
    rng = np.random.default_rng(seed)
    phi = rng.uniform(0, 2 * math.pi)
    radius = rng.uniform(0.5, 2.0)
    return {
        "condition": float(round(rng.uniform(5, 100), 1)),
        "angle": float(round(rng.uniform(0, 90))),
        "start": [round(radius * math.cos(phi), 2), round(radius * math.sin(phi), 2)],
        "steps": 1000,
    }


def _contraction_step(lam: np.ndarray, lr: float, f0: float, tol: float) -> Step:
    rho = float(np.max(np.abs(1.0 - lr * lam)))
    if rho < 1.0 and f0 > tol:
        bound: Any = math.ceil(math.log(tol / f0) / (2.0 * math.log(rho))) if rho > 0 else 1
        note = f"GD needs at most {bound} steps: f_t <= rho^(2t) f_0"
    else:
        bound = None
        note = "rho >= 1: GD does not converge at this learning rate (lr >= 2/lambda_max)" if rho >= 1 else ""
    return Step("gd_contraction", "Gradient descent contraction factor", significant(rho),
                f"rho = max |1 - lr lambda| = max(|1 - {significant(lr)}·{significant(lam[0])}|, "
                f"|1 - {significant(lr)}·{significant(lam[1])}|)", note)


def _scaling(A: np.ndarray, w0: np.ndarray, steps: int, tol: float, theta: float) -> tuple[dict[str, Any], Step]:
    """GD at lr = 1/lambda_max before and after dividing each feature by sqrt(A_ii)."""
    d = np.sqrt(np.diag(A))
    A_scaled = A / np.outer(d, d)
    w0_scaled = w0 * d  # the same point in scaled coordinates, so f(w0) is unchanged
    rows = []
    for hess, start in ((A, w0), (A_scaled, w0_scaled)):
        lam = np.linalg.eigvalsh(hess)
        traj = run(_sgd, hess, start, 1.0 / lam[-1], steps, tol)
        rows.append((significant(lam[-1] / lam[0]), significant(1.0 / lam[-1]), traj.steps_to_converge))
    summary = {"condition_raw": rows[0][0], "condition_scaled": rows[1][0],
               "gd_steps_raw": rows[0][2], "gd_steps_scaled": rows[1][2]}
    aligned = abs(math.sin(2 * math.radians(theta))) < 1e-12
    note = ("axis-aligned: scaling makes the Hessian the identity" if aligned else
            "rotated (correlated features): per-feature scaling only equalises the diagonal, contours stay elliptical")
    table = Table(("condition number", "lr = 1/lambda_max", "GD steps"), tuple(rows),
                  ("raw features", "scaled features"))
    return summary, Step("scaling", "Feature scaling", table, "A' = D^-1/2 A D^-1/2, D = diag(A)", note)


def _lr_study(
    A: np.ndarray, lam: np.ndarray, w0: np.ndarray, steps: int, tol: float
) -> tuple[list[dict[str, Any]], list[Step]]:
    """GD with a too small, the best and a too large learning rate: the three curve shapes."""
    choices = (("too small", 0.1 / lam[-1]), ("good", 2.0 / (lam[0] + lam[-1])), ("too large", 2.2 / lam[-1]))
    study, series = [], []
    for label, lr in choices:
        traj = run(_sgd, A, w0, lr, steps, tol)
        rho = float(np.max(np.abs(1.0 - lr * lam)))
        if traj.diverged:
            shape = f"diverges: the loss grows about {significant(rho**2)}x per step"
        elif traj.steps_to_converge is not None:
            shape = f"converges in {traj.steps_to_converge} steps"
        else:
            shape = f"still falling after {len(traj.losses) - 1} steps"
        study.append({"label": label, "lr": significant(lr), "rho": significant(rho),
                      "steps_to_converge": traj.steps_to_converge, "final_loss": significant(traj.losses[-1]),
                      "diverged": traj.diverged, "shape": shape})
        logs = tuple(math.log10(max(v, 1e-300)) for v in traj.losses)
        series.append((f"{label} (lr {significant(lr)})", tuple(float(i) for i in range(len(logs))), logs))
    table = Table(("lr", "rho", "steps to converge", "final loss", "curve"),
                  tuple((s["lr"], s["rho"], s["steps_to_converge"], s["final_loss"], s["shape"]) for s in study),
                  tuple(s["label"] for s in study))
    return study, [
        Step("lr_study", "Learning rate: too small, good, too large (plain GD)", table,
             "lr = 0.1/lambda_max, 2/(lambda_min + lambda_max), 2.2/lambda_max; GD diverges iff lr > 2/lambda_max"),
        Step("lr_curves", "Training curves",
             Plot("log10 loss vs step", tuple(series), xlabel="step", ylabel="log10 loss")),
    ]


def _loss(A: np.ndarray, w: np.ndarray) -> float:
    return float(0.5 * w @ A @ w)


def _steps_text(r: dict[str, Any]) -> str:
    if r.get("diverged"):
        return "diverges"
    n = r["steps_to_converge"]
    return "no convergence" if n is None else f"{n} step" + ("" if n == 1 else "s")


def _int(value: Any, name: str) -> int:
    x = number(value, name, low=1.0, high=MAX_STEPS)
    if x != int(x):
        raise SolverInputError(f"{name} must be a whole number, got {value!r}")
    return int(x)


def _optimizers(value: list[str] | str | None) -> tuple[str, ...]:
    if value is None:
        return tuple(OPTIMIZERS)
    items = listed(value, "optimizers")
    names = tuple(str(v).strip().lower() for v in items if str(v).strip())
    unknown = [n for n in names if n not in OPTIMIZERS]
    if unknown or not names:
        given = ", ".join(unknown) or "(none given)"
        raise SolverInputError(f"optimizers: unknown {given}; choose from {', '.join(OPTIMIZERS)}")
    return tuple(dict.fromkeys(names))


def _start(value: list[float] | str) -> np.ndarray:
    items = listed(value, "start")
    if len(items) != 2:
        raise SolverInputError(f"start must be two numbers w1,w2, got {value!r}")
    return np.array([number(v, f"start[{i}]", low=-MAX_START, high=MAX_START) for i, v in enumerate(items)])


