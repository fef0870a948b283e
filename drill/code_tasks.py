"""The code questions: what the user's file must define, how it is called, how it is judged.

A task has three parts that must agree, so they live together here:

- ``prompt``: the contract as the user reads it (banks quote these constants, so the
  question and the checker cannot drift apart);
- ``driver``: Python source that runs in the sandboxed child process (see
  ``drill.code_runner``); it defines ``run(user, case)``, which calls the user's functions on
  one case and returns their outputs as float arrays. It runs next to the user's code, so
  it uses only numpy and the helpers ``as_array``/``unpack``/``AnswerError`` of the harness;
- ``make_case`` (inputs for one case, from a seeded generator) and ``judge`` (outputs against
  the reference), which run in drill's own process, so a user's file never sees the answer.

Dropout contract: ``dropout_forward`` returns the *scaled* mask (0 or 1/keep) and
``dropout_backward(dout, mask)`` returns ``dout * mask``. A boolean mask cannot work with
this signature, because the backward pass would not know keep; such answers are told so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from drill.errors import NotFoundError
from solvers import backprop

RTOL = 1e-6  # relative tolerance against the reference
KEPT_FRACTION_TOL = 0.03  # |kept fraction - keep| on 10,000 units: about 6 standard deviations
BIG_SHAPE = (100, 100)

BACKPROP_PROMPT = """\
Write a Python file (NumPy allowed) with the forward and backward pass of a two-layer network:
a ReLU hidden layer and a linear output, for N examples, D inputs, H hidden units, C outputs.

- `forward(X, W1, b1, W2, b2)` with X of shape (N, D), W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)
  returns a pair `(out, cache)`: `out = relu(X @ W1 + b1) @ W2 + b2`, shape (N, C), and a
  `cache` holding whatever your backward pass needs.
- `backward(dout, cache)` takes `dout`, the gradient of the loss with respect to `out`
  (shape (N, C)), and the cache from `forward`, and returns `(dX, dW1, db1, dW2, db2)`, each
  with the shape of X, W1, b1, W2, b2.

The checker calls `forward`, then `backward` with its cache, on random shapes, and compares
every output with a reference (relative tolerance 1e-6). No pre-activation is ever exactly 0,
so the ReLU's derivative at 0 does not matter.
"""

DROPOUT_PROMPT = """\
Write a Python file (NumPy allowed) with inverted dropout, forward and backward.

- `dropout_forward(x, keep, train, rng)`: `x` is an array of any shape, `keep` the probability
  of keeping a unit (0 < keep <= 1), `train` a bool and `rng` a `numpy.random.Generator` to
  draw from. It returns a pair `(out, mask)`.
  - `train=True`: keep each unit independently with probability `keep` and scale the kept
    ones by 1/keep: `out = x * mask`, where `mask` holds 0 (dropped) or 1/keep (kept).
    Return this scaled mask, not a boolean one.
  - `train=False`: return `x` unchanged (inverted dropout needs no scaling at test time);
    the mask may be `None`.
- `dropout_backward(dout, mask)`: the gradient with respect to `x`, given the gradient
  `dout` with respect to `out` and the mask that `dropout_forward` returned: `dout * mask`.

Draw from `rng` however you like: the checker verifies that every output is 0 or x/keep, that
the mask matches the output, that about a fraction `keep` of a large array survives, that
`train=False` returns x, and that the backward pass equals `dout * mask`.
"""


@dataclass(frozen=True)
class Verdict:
    """How one case went: passed, or what differs (a message and the values that disagree)."""

    passed: bool
    message: str = ""
    expected: dict[str, Any] = field(default_factory=dict)
    received: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CodeTask:
    """One code question: the contract, the child-side driver, case generation and judging."""

    name: str
    ref: str
    title: str
    prompt: str
    functions: tuple[str, ...]
    driver: str
    make_case: Callable[[np.random.Generator], dict[str, np.ndarray]]
    judge: Callable[[dict[str, np.ndarray], dict[str, np.ndarray]], Verdict]


# --- backprop (8.3-Q3-i) -------------------------------------------------------------------

_BACKPROP_DRIVER = '''
def run(user, case):
    args = [case[k].copy() for k in ("X", "W1", "b1", "W2", "b2")]
    out, cache = unpack(user.forward(*args), 2, "forward", "(out, cache)")
    out = as_array(out, "forward's out")
    grads = unpack(user.backward(case["dout"].copy(), cache), 5, "backward", "(dX, dW1, db1, dW2, db2)")
    names = ("dX", "dW1", "db1", "dW2", "db2")
    result = {"out": out}
    result.update({name: as_array(g, "backward's " + name) for name, g in zip(names, grads)})
    return result
'''

_BACKPROP_HINTS = {
    "out": "out = relu(X @ W1 + b1) @ W2 + b2, with no ReLU on the output",
    "dX": "dX is the gradient at the pre-activations times W1 transposed",
    "dW1": "dW1 is X transposed times the gradient at the pre-activations (dout W2^T masked by Z1 > 0)",
    "db1": "db1 is the gradient at the pre-activations summed over the batch (axis 0)",
    "dW2": "dW2 is the hidden activations relu(X W1 + b1) transposed times dout",
    "db2": "db2 is dout summed over the batch (axis 0)",
}
_BACKPROP_SHAPES = {"out": "(N, C)", "dX": "X", "dW1": "W1", "db1": "b1", "dW2": "W2", "db2": "b2"}


def _backprop_case(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Distinct N, D, H, C (so a transposed matrix shows up as a wrong shape) and Gaussian values."""
    n, d, h, c = (int(v) for v in rng.choice(np.arange(2, 8), size=4, replace=False))
    return {
        "X": rng.normal(size=(n, d)),
        "W1": rng.normal(size=(d, h)) / np.sqrt(d),
        "b1": rng.normal(scale=0.5, size=h),
        "W2": rng.normal(size=(h, c)) / np.sqrt(h),
        "b2": rng.normal(scale=0.5, size=c),
        "dout": rng.normal(size=(n, c)),
    }


def _backprop_judge(case: dict[str, np.ndarray], got: dict[str, np.ndarray]) -> Verdict:
    fwd = backprop.forward(case["X"], case["W1"], case["b1"], case["W2"], case["b2"])
    g = backprop.backward(case["X"], case["W1"], case["W2"], fwd, case["dout"])
    expected = {"out": fwd.out, "dX": g.dX, "dW1": g.dW1, "db1": g.db1, "dW2": g.dW2, "db2": g.db2}
    for name, want in expected.items():
        have = got[name]
        if have.shape != want.shape:
            shape_of = _BACKPROP_SHAPES[name]
            what = shape_of if shape_of.startswith("(") else f"the shape of {shape_of}"
            return Verdict(False, f"{name} has shape {have.shape}, expected {want.shape} ({what}); "
                                  f"hint: {_BACKPROP_HINTS[name]}", {name: want}, {name: have})
        if not _close(have, want):
            return Verdict(False, f"{name} is wrong ({_differences(have, want)}); hint: {_BACKPROP_HINTS[name]}",
                           {name: want}, {name: have})
    return Verdict(True)


# --- dropout (8.3-Q3-ii) -------------------------------------------------------------------

_DROPOUT_DRIVER = '''
def run(user, case):
    keep, seed = float(case["keep"]), int(case["rng_seed"])
    out, mask = unpack(user.dropout_forward(case["x"].copy(), keep, True, np.random.default_rng(seed)),
                       2, "dropout_forward with train=True", "(out, mask)")
    if mask is None:
        raise AnswerError("dropout_forward(train=True) returned mask None; return the scaled mask "
                          "(0 or 1/keep) so that dropout_backward can use it")
    dx = user.dropout_backward(case["dout"].copy(), mask)
    big_out, _ = unpack(user.dropout_forward(case["big"].copy(), keep, True, np.random.default_rng(seed + 1)),
                        2, "dropout_forward", "(out, mask)")
    test_out, _ = unpack(user.dropout_forward(case["x"].copy(), keep, False, np.random.default_rng(seed + 2)),
                         2, "dropout_forward with train=False", "(out, mask)")
    return {
        "out": as_array(out, "dropout_forward's out"),
        "mask": as_array(mask, "dropout_forward's mask"),
        "dx": as_array(dx, "dropout_backward's dx"),
        "big_out": as_array(big_out, "dropout_forward's out on the large array"),
        "test_out": as_array(test_out, "dropout_forward's out with train=False"),
    }
'''


def _dropout_case(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A small array to compare entry by entry, a large one for the kept fraction; no zeros in x."""
    shape = (int(rng.integers(3, 6)), int(rng.integers(4, 7)))
    return {
        "x": rng.uniform(0.1, 2.0, shape) * rng.choice([-1.0, 1.0], shape),
        "keep": np.array(round(float(rng.uniform(0.3, 0.9)), 2)),
        "dout": rng.normal(size=shape),
        "big": rng.uniform(0.5, 1.5, BIG_SHAPE),
        "rng_seed": np.array(int(rng.integers(0, 2**31))),
    }


def _dropout_judge(case: dict[str, np.ndarray], got: dict[str, np.ndarray]) -> Verdict:
    x, keep, dout = case["x"], float(case["keep"]), case["dout"]
    for name, like in (("out", "x"), ("mask", "x"), ("dx", "x"), ("test_out", "x"), ("big_out", "big")):
        if got[name].shape != case[like].shape:
            return Verdict(False, f"{name} has shape {got[name].shape}, expected {case[like].shape} like {like}",
                           {name: case[like].shape}, {name: got[name].shape})
    out, mask = got["out"], got["mask"]
    kept = out != 0
    want_out, want_mask = np.where(kept, x / keep, 0.0), kept / keep
    if not _close(out, want_out):
        if _close(out, np.where(kept, x, 0.0)):
            message = ("kept units are not scaled by 1/keep: inverted dropout divides the survivors by keep "
                       "during training so that the expected activation stays x")
        else:
            message = "every entry of out must be 0 (dropped) or x/keep (kept)"
        return Verdict(False, message, {"x / keep": x / keep}, {"out": out})
    if not _close(mask, want_mask):
        if _close(mask, kept.astype(float)):
            message = ("mask holds 0 and 1; return the scaled mask (0 or 1/keep), so that "
                       "dropout_backward(dout, mask) = dout * mask carries the 1/keep factor")
        else:
            message = "mask does not match out: out must equal x * mask, with mask 0 or 1/keep"
        return Verdict(False, message, {"mask": want_mask}, {"mask": mask})
    if not _close(got["dx"], dout * want_mask):
        message = "dropout_backward must return dout * mask: dropped units get no gradient, kept ones dout/keep"
        return Verdict(False, message, {"dx": dout * want_mask}, {"dx": got["dx"]})
    if not _close(got["test_out"], x):
        return Verdict(False, "with train=False dropout must return x unchanged (no mask, no scaling)",
                       {"test_out": x}, {"test_out": got["test_out"]})
    fraction = float(np.mean(got["big_out"] != 0))
    if abs(fraction - keep) > KEPT_FRACTION_TOL:
        return Verdict(False, f"on a {BIG_SHAPE[0]}x{BIG_SHAPE[1]} array {fraction:.3f} of the units survived; "
                              f"about keep = {keep:g} should", {"kept_fraction": keep}, {"kept_fraction": fraction})
    return Verdict(True)


def _close(have: np.ndarray, want: np.ndarray) -> bool:
    """Equal within RTOL relative to each entry, with an absolute floor scaled to the array."""
    if have.shape != want.shape or not np.all(np.isfinite(have)):
        return False
    return bool(np.allclose(have, want, rtol=RTOL, atol=_atol(want)))


def _atol(want: np.ndarray) -> float:
    """The absolute floor: RTOL of the array's largest entry, so near-zero entries compare sanely."""
    return RTOL * max(float(np.max(np.abs(want), initial=0.0)), 1e-12)


def _differences(have: np.ndarray, want: np.ndarray) -> str:
    if not np.all(np.isfinite(have)):
        return "it contains NaN or infinity"
    wrong = ~np.isclose(have, want, rtol=RTOL, atol=_atol(want))
    return f"{int(wrong.sum())} of {wrong.size} entries differ, by up to {float(np.max(np.abs(have - want))):.3g}"


TASKS: dict[str, CodeTask] = {
    "backprop": CodeTask(
        name="backprop",
        ref="8.3-Q3-i",
        title="Two-layer ReLU network: forward and backward pass in NumPy",
        prompt=BACKPROP_PROMPT,
        functions=("forward", "backward"),
        driver=_BACKPROP_DRIVER,
        make_case=_backprop_case,
        judge=_backprop_judge,
    ),
    "dropout": CodeTask(
        name="dropout",
        ref="8.3-Q3-ii",
        title="Inverted dropout: forward and backward pass in NumPy",
        prompt=DROPOUT_PROMPT,
        functions=("dropout_forward", "dropout_backward"),
        driver=_DROPOUT_DRIVER,
        make_case=_dropout_case,
        judge=_dropout_judge,
    ),
}


def get_task(name: str) -> CodeTask:
    """The task called ``name``; an unknown name is a NotFoundError listing the known ones."""
    try:
        return TASKS[name]
    except KeyError:
        raise NotFoundError(f"unknown code task {name!r}; known tasks: {', '.join(TASKS)}") from None
