"""Standard versus depthwise-separable convolution: parameters and multiply-adds (book 8.2.2-Q9).

A standard K×K convolution from C_in to C_out channels has one K×K×C_in filter per output
channel. A depthwise-separable one (MobileNet; Howard et al. 2017) splits it in two:

- depthwise: one K×K filter per input channel, applied to that channel alone;
- pointwise: a 1×1 convolution mixing the C_in channels into C_out.

    standard params   = K²·C_in·C_out        (+ C_out biases)
    separable params  = K²·C_in + C_in·C_out (+ C_in + C_out biases, two convs as in PyTorch)

Every weight is used once per output position, so on an H×W output the multiply-adds are the
bias-free parameter counts times H·W. Without biases the ratio is

    (K²·C_in + C_in·C_out) / (K²·C_in·C_out) = 1/C_out + 1/K²,

for both parameters and multiply-adds: about 1/K² (8 to 9 times fewer for K = 3) once C_out
is large. Keras' SeparableConv2D has a single bias vector (C_out), one fewer set than here.

>>> r = solve()
>>> r.standard_params, r.separable_params, round(r.ratio, 4)
(73728, 8768, 0.1189)
>>> r.standard_macs, r.separable_macs
(231211008, 27496448)
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from solvers.result import Result, SolverInputError, Step, Table

INPUTS = ("c_in", "c_out", "k", "h", "w", "bias")
MAX_SIZE = 1_000_000  # each of c_in, c_out, k, h, w; the counts stay exact integers and readable

CHANNELS = (16, 32, 64, 128, 256, 512)


@dataclass(frozen=True, kw_only=True)
class DepthwiseResult(Result):
    """Parameter and multiply-add counts; ``ratio`` is separable over standard parameters."""

    standard_params: int
    separable_params: int
    standard_macs: int
    separable_macs: int
    ratio: float

    def headline(self) -> str:
        c_out, k = self.inputs["c_out"], self.inputs["k"]
        why = f" = 1/{c_out} + 1/{k}²" if not self.inputs["bias"] else ", biases included"
        return (f"Standard {self.standard_params:,} params vs depthwise-separable {self.separable_params:,} "
                f"(ratio {self.ratio:.4f}{why}); multiply-adds {_millions(self.standard_macs)} vs "
                f"{_millions(self.separable_macs)}")


def solve(
    c_in: int = 64, c_out: int = 128, k: int = 3, h: int = 56, w: int = 56, bias: bool = False
) -> DepthwiseResult:
    """Count both layers' weights and multiply-adds for an H×W output."""
    for name, value in (("c_in", c_in), ("c_out", c_out), ("k", k), ("h", h), ("w", w)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise SolverInputError(f"{name} must be a whole number of at least 1, not {value!r}")
        if value > MAX_SIZE:
            raise SolverInputError(f"{name} = {value:,} is above the limit of {MAX_SIZE:,}")
    if not isinstance(bias, bool):
        raise SolverInputError(f"bias must be true or false, not {bias!r}")
    area = h * w
    standard_w, depthwise_w, pointwise_w = k * k * c_in * c_out, k * k * c_in, c_in * c_out
    standard = standard_w + (c_out if bias else 0)
    depthwise = depthwise_w + (c_in if bias else 0)
    pointwise = pointwise_w + (c_out if bias else 0)
    separable = depthwise + pointwise
    standard_macs, depthwise_macs, pointwise_macs = standard_w * area, depthwise_w * area, pointwise_w * area
    separable_macs = depthwise_macs + pointwise_macs
    plus = " + C_out" if bias else ""
    steps = (
        Step("standard_params", "Standard conv parameters", standard,
             formula=f"K²·C_in·C_out{plus} = {k}²·{c_in}·{c_out}" + (f" + {c_out}" if bias else "")),
        Step("depthwise_params", "Depthwise parameters (one K×K filter per input channel)", depthwise,
             formula=f"K²·C_in{' + C_in' if bias else ''} = {k}²·{c_in}" + (f" + {c_in}" if bias else "")),
        Step("pointwise_params", "Pointwise (1×1) parameters", pointwise,
             formula=f"C_in·C_out{plus} = {c_in}·{c_out}" + (f" + {c_out}" if bias else "")),
        Step("separable_params", "Depthwise-separable parameters", separable, formula="depthwise + pointwise"),
        Step("ratio", "Parameter ratio, separable / standard", separable / standard,
             formula=f"{separable:,} / {standard:,}"),
        Step("ratio_closed_form", "Closed form without biases", 1 / c_out + 1 / k**2,
             formula=f"1/C_out + 1/K² = 1/{c_out} + 1/{k}²",
             note="equals the ratio above" if not bias else "biases make the true ratio slightly different"),
        Step("standard_macs", f"Standard multiply-adds on a {h}×{w} output", standard_macs,
             formula=f"K²·C_in·C_out·H·W = {standard_w:,}·{area:,}"),
        Step("depthwise_macs", "Depthwise multiply-adds", depthwise_macs,
             formula=f"K²·C_in·H·W = {depthwise_w:,}·{area:,}"),
        Step("pointwise_macs", "Pointwise multiply-adds", pointwise_macs,
             formula=f"C_in·C_out·H·W = {pointwise_w:,}·{area:,}"),
        Step("separable_macs", "Depthwise-separable multiply-adds", separable_macs, formula="depthwise + pointwise"),
        Step("mac_ratio", "Multiply-add ratio, separable / standard", separable_macs / standard_macs,
             formula="1/C_out + 1/K² (biases are not multiplications)"),
        Step("comparison", "Side by side",
             Table(("weight shape", "params", "multiply-adds"),
                   ((f"{c_out}×{c_in}×{k}×{k}", standard, standard_macs),
                    (f"{c_in}×1×{k}×{k}", depthwise, depthwise_macs),
                    (f"{c_out}×{c_in}×1×1", pointwise, pointwise_macs),
                    ("", separable, separable_macs)),
                   ("standard", "depthwise", "pointwise", "separable total"))),
    )
    return DepthwiseResult(
        standard_params=standard, separable_params=separable, standard_macs=standard_macs,
        separable_macs=separable_macs, ratio=separable / standard,
        inputs={"c_in": c_in, "c_out": c_out, "k": k, "h": h, "w": w, "bias": bias}, steps=steps,
    )


def random_inputs(seed: int) -> dict[str, Any]:
    """Channel counts, kernel and feature-map sizes as they occur in common CNNs."""
    rng = random.Random(seed)
    size = rng.choice((7, 14, 28, 56, 112))
    return {"c_in": rng.choice(CHANNELS), "c_out": rng.choice(CHANNELS), "k": rng.choice((3, 5, 7)),
            "h": size, "w": size, "bias": rng.random() < 0.5}


def _millions(count: int) -> str:
    return f"{count / 1e6:.1f}M"
