"""Output shape, parameters, multiply-adds and receptive field of a stack of conv/pool layers.

Each spatial axis of a convolution or pooling window follows

    O = floor((W + 2P - D(K - 1) - 1) / S) + 1

for input size W, kernel K, stride S, padding P on each side and dilation D (the window
spans D(K - 1) + 1 pixels). ``same`` padding follows TensorFlow/Keras: the output is
ceil(W / S) and the total padding max((O - 1)S + D(K - 1) + 1 - W, 0) is split with the
extra pixel after. A conv layer with groups G holds K·K·(C_in/G)·C_out weights plus C_out
biases and does O_h·O_w·C_out·K·K·(C_in/G) multiply-adds (bias additions not counted).
Pooling has no parameters and no multiply-adds (max pooling only compares).

The receptive field r and jump j (distance in input pixels between neighbouring outputs)
grow layer by layer from r = j = 1:  r <- r + (D(K - 1) + 1 - 1)·j,  j <- j·S
(Araujo et al., "Computing Receptive Fields of Convolutional Neural Networks", Distill 2019).

Layer spec (comma separated): ``conv<k>[x<k>][s<stride>][p<pad|same>][c<out>][d<dilation>][g<groups>]``
(defaults s1, p0, c = input channels, d1, g1), ``pool<k>[x<k>][s<stride>][p<pad>]`` (stride
defaults to k, as in PyTorch and Keras) and ``fc<units>`` (flattens, then a dense layer whose
receptive field is the whole map).

>>> r = solve()
>>> r.output, r.params, r.macs, r.receptive_field
('16x16x64', 36928, 9437184, 3)
>>> [row["output"] for row in r.steps_dict()["comparison"]]
['16x16x64', '16x16x64', '16x16x64', '15x15x64']
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from solvers.checks import listed
from solvers.result import Result, SolverInputError, Step, Table

INPUTS = ("input", "layers", "compare", "bias")
# Size limits: every size (height, width, channels, kernel, stride, padding...) at most MAX_SIZE,
# stacks of at most MAX_LAYERS layers and MAX_COMPARE alternatives, each spec at most MAX_SPEC
# characters (checked before any number in it is read).
MAX_SIZE = 1_000_000
MAX_LAYERS = 200
MAX_COMPARE = 20
MAX_SPEC = 80

BOOK_INPUT = "32x32x64"
BOOK_LAYERS = "conv3x3s2p1c64"
# 8.2.2-Q8-iv: what else could halve a 32x32x64 map? 2x2 max pooling and two other stride-2 convs.
BOOK_COMPARE = ("pool2s2", "conv2x2s2c64", "conv3x3s2p0c64")

SPEC_HELP = "conv<k>x<k>s<stride>p<pad|same>c<out>[d<dilation>][g<groups>], pool<k>s<stride>[p<pad>] or fc<units>"
_CONV = re.compile(
    r"conv(?P<k>\d+)(?:x(?P<k2>\d+))?(?:s(?P<s>\d+))?(?:p(?P<p>\d+|same))?"
    r"(?:c(?P<c>\d+))?(?:d(?P<d>\d+))?(?:g(?P<g>\d+))?"
)
_POOL = re.compile(r"pool(?P<k>\d+)(?:x(?P<k2>\d+))?(?:s(?P<s>\d+))?(?:p(?P<p>\d+))?")
_FC = re.compile(r"fc(?P<units>\d+)")


@dataclass(frozen=True)
class Layer:
    """One parsed layer; ``pad`` is an int per side or ``"same"``."""

    spec: str
    kind: str  # "conv" | "pool" | "fc"
    kernel: int = 1
    stride: int = 1
    pad: int | str = 0
    out_channels: int | None = None  # conv: None = keep the input channels; fc: the units
    dilation: int = 1
    groups: int = 1


@dataclass(frozen=True)
class LayerCost:
    """What one layer does to the shape, and what it costs."""

    layer: Layer
    input_shape: tuple[int, int, int]
    output_shape: tuple[int, int, int]
    weights: int
    bias: int
    macs: int
    receptive_field: int
    jump: int
    formula: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "layer": self.layer.spec,
            "kind": self.layer.kind,
            "input": _shape_str(self.input_shape),
            "output": _shape_str(self.output_shape),
            "weights": self.weights,
            "bias": self.bias,
            "params": self.weights + self.bias,
            "macs": self.macs,
            "receptive_field": self.receptive_field,
            "jump": self.jump,
            "formula": self.formula,
        }


@dataclass(frozen=True)
class ConvResult(Result):
    output: str = ""
    output_shape: list[int] | None = None
    params: int = 0
    macs: int = 0
    receptive_field: int = 1
    jump: int = 1
    layers: list[dict[str, Any]] | None = None

    def headline(self) -> str:
        first = self.layers[0]["input"] if self.layers else "?"
        return (
            f"{first} -> {self.output}: {self.params:,} parameters, {self.macs:,} multiply-adds, "
            f"receptive field {self.receptive_field} (jump {self.jump})"
        )

    def steps_dict(self) -> dict[str, Any]:
        """Step values by key; handy in doctests and tests."""
        return {s.key: (_records(s.value) if isinstance(s.value, Table) else s.value) for s in self.steps}


def parse_layer(spec: str, position: int) -> Layer:
    """Parse one layer spec; ``position`` (1-based) names the layer in error messages."""
    text = spec.strip().lower()
    if len(text) > MAX_SPEC:
        raise SolverInputError(f"layer {position} has {len(text):,} characters; a spec has at most {MAX_SPEC}")
    where = f"layer {position} '{spec.strip()}'"
    if m := _CONV.fullmatch(text):
        kernel = _square(m, where)
        pad = m["p"] if m["p"] == "same" else int(m["p"] or 0)
        layer = Layer(
            spec.strip(), "conv", kernel, int(m["s"] or 1), pad,
            int(m["c"]) if m["c"] else None, int(m["d"] or 1), int(m["g"] or 1),
        )
    elif m := _POOL.fullmatch(text):
        kernel = _square(m, where)
        layer = Layer(spec.strip(), "pool", kernel, int(m["s"] or kernel), int(m["p"] or 0))
        if isinstance(layer.pad, int) and layer.pad > kernel // 2:
            raise SolverInputError(f"{where}: pooling padding {layer.pad} is more than half the kernel {kernel}")
    elif m := _FC.fullmatch(text):
        layer = Layer(spec.strip(), "fc", out_channels=int(m["units"]))
    else:
        raise SolverInputError(f"{where} is not {SPEC_HELP}")
    sizes = (("kernel", layer.kernel), ("stride", layer.stride), ("dilation", layer.dilation), ("groups", layer.groups))
    for name, value in sizes:
        if value < 1:
            raise SolverInputError(f"{where}: {name} must be at least 1, got {value}")
    if layer.out_channels is not None and layer.out_channels < 1:
        raise SolverInputError(f"{where}: output channels (units) must be at least 1")
    for name, value in (*sizes, ("padding", layer.pad), ("output channels", layer.out_channels)):
        if isinstance(value, int) and value > MAX_SIZE:
            raise SolverInputError(f"{where}: {name} {value:,} is above the limit of {MAX_SIZE:,}")
    return layer


def layer_cost(
    layer: Layer, shape: tuple[int, int, int], rf: int, jump: int, position: int, bias: bool = True
) -> LayerCost:
    """Apply one layer to an (H, W, C) shape, carrying the receptive field and jump along."""
    h, w, c = shape
    where = f"layer {position} '{layer.spec}'"
    if layer.kind == "fc":
        units = layer.out_channels or 1
        weights = h * w * c * units
        extent = max(h, w)  # a dense layer sees the whole map
        return LayerCost(
            layer, shape, (1, 1, units), weights, units if bias else 0, weights, rf + (extent - 1) * jump, jump,
            f"flatten {h}·{w}·{c}; params = {h}·{w}·{c}·{units}" + (f" + {units}" if bias else "")
            + f" = {weights + (units if bias else 0):,}; MACs = {h}·{w}·{c}·{units} = {weights:,}",
        )
    span = layer.dilation * (layer.kernel - 1) + 1
    oh, pad_h = _out_size(h, layer, span, where, "height")
    ow, pad_w = _out_size(w, layer, span, where, "width")
    if layer.kind == "pool":
        out = (oh, ow, c)
        weights = bias_count = macs = 0
        cost = "no parameters, no multiply-adds (max pooling compares)"
    else:
        c_out = layer.out_channels or c
        if c % layer.groups or c_out % layer.groups:
            raise SolverInputError(
                f"{where}: groups {layer.groups} must divide both the input channels {c} "
                f"and the output channels {c_out}"
            )
        per_output = layer.kernel * layer.kernel * (c // layer.groups)
        weights, bias_count = per_output * c_out, (c_out if bias else 0)
        macs = oh * ow * c_out * per_output
        out = (oh, ow, c_out)
        cin_g = f"{c}/{layer.groups}" if layer.groups > 1 else f"{c}"
        cost = (
            f"params = {layer.kernel}·{layer.kernel}·{cin_g}·{c_out}" + (f" + {c_out}" if bias else "")
            + f" = {weights + bias_count:,}; "
            + f"MACs = {oh}·{ow}·{c_out}·{layer.kernel}·{layer.kernel}·{cin_g} = {macs:,}"
        )
    size = _size_formula(h, pad_h, layer, oh)
    if (h, pad_h) != (w, pad_w):
        size = f"H: {size}; W: {_size_formula(w, pad_w, layer, ow)}"
    new_rf = rf + (span - 1) * jump
    rf_formula = f"r = {rf} + ({span} - 1)·{jump} = {new_rf}; j = {jump}·{layer.stride} = {jump * layer.stride}"
    return LayerCost(
        layer, shape, out, weights, bias_count, macs, new_rf, jump * layer.stride, f"{size}; {cost}; {rf_formula}"
    )


def analyse(input_shape: tuple[int, int, int], layers: list[Layer], bias: bool = True) -> list[LayerCost]:
    """Run the shape/cost/receptive-field recurrence through a stack."""
    costs: list[LayerCost] = []
    shape, rf, jump = input_shape, 1, 1
    for i, layer in enumerate(layers, start=1):
        cost = layer_cost(layer, shape, rf, jump, i, bias)
        costs.append(cost)
        shape, rf, jump = cost.output_shape, cost.receptive_field, cost.jump
    return costs


def solve(
    input: str | list[int] = BOOK_INPUT,
    layers: str | list[str] = BOOK_LAYERS,
    compare: str | list[str] | None = BOOK_COMPARE,
    bias: bool = True,
) -> ConvResult:
    """Shapes and costs of ``layers`` applied to ``input``; ``compare`` lists alternative stacks."""
    if not isinstance(bias, bool):
        raise SolverInputError(f"bias must be true or false, got {bias!r}")
    shape = parse_shape(input)
    stack = parse_stack(layers, "layers")
    costs = analyse(shape, stack, bias)
    rows = [_summary(",".join(layer.spec for layer in stack), costs)]
    alternatives: list[str] = []
    for alt in _compare_list(compare):
        try:
            rows.append(_summary(alt, analyse(shape, parse_stack(alt, "compare"), bias)))
            alternatives.append(alt)
        except SolverInputError as err:
            if compare is not BOOK_COMPARE:  # the book's alternatives are dropped quietly where they do not fit
                raise SolverInputError(f"compare '{alt}': {err}") from None
    last = costs[-1]
    params = sum(c.weights + c.bias for c in costs)
    macs = sum(c.macs for c in costs)
    steps = [
        Step("input", "Input (H x W x C)", _shape_str(shape)),
        Step(
            "layers", "Layer by layer",
            Table(
                ("layer", "input", "output", "weights", "bias", "params", "MACs", "receptive field", "jump"),
                tuple((c.layer.spec, _shape_str(c.input_shape), _shape_str(c.output_shape), c.weights, c.bias,
                       c.weights + c.bias, c.macs, c.receptive_field, c.jump) for c in costs),
                tuple(str(i) for i in range(1, len(costs) + 1)),
            ),
            "O = floor((W + 2P - D(K-1) - 1)/S) + 1; params = K·K·(C_in/G)·C_out + C_out; "
            "MACs = O_h·O_w·C_out·K·K·(C_in/G)",
        ),
    ]
    steps += [
        Step(f"layer_{i}", f"Layer {i}: {c.layer.spec}", _shape_str(c.output_shape), c.formula)
        for i, c in enumerate(costs, 1)
    ]
    steps += [
        Step("output", "Output shape", _shape_str(last.output_shape)),
        Step("params", "Parameters (weights + biases)", params, " + ".join(str(c.weights + c.bias) for c in costs)),
        Step("macs", "Multiply-adds", macs, " + ".join(str(c.macs) for c in costs)),
        Step("receptive_field", "Receptive field (input pixels per output pixel, one axis)", last.receptive_field,
             "r_l = r_{l-1} + (D(K-1)+1 - 1)·j_{l-1}, r_0 = 1",
             f"jump {last.jump}: neighbouring outputs are {last.jump} input pixels apart"),
    ]
    if alternatives:
        steps.append(Step(
            "comparison", "Side by side",
            Table(("stack", "output", "params", "MACs", "receptive field"), tuple(tuple(r.values()) for r in rows)),
            note="a strided conv matches pooling's output size only for suitable K and P; "
            "it learns its downsampling at a parameter cost",
        ))
    return ConvResult(
        inputs={
            "input": _shape_str(shape),
            "layers": ",".join(layer.spec for layer in stack),
            "compare": list(alternatives),
            "bias": bias,
        },
        steps=tuple(steps),
        output=_shape_str(last.output_shape),
        output_shape=list(last.output_shape),
        params=params,
        macs=macs,
        receptive_field=last.receptive_field,
        jump=last.jump,
        layers=[c.as_dict() for c in costs],
    )


def random_inputs(seed: int) -> dict[str, Any]:
    """A random input map and a 1-3 layer conv/pool stack whose sizes stay >= 1."""
    rng = np.random.default_rng(seed)
    size = int(rng.integers(7, 65))
    channels = int(rng.choice([1, 3, 8, 16, 32, 64]))
    specs: list[str] = []
    h, c = size, channels
    for _ in range(int(rng.integers(1, 4))):
        if rng.random() < 0.3:
            k = int(rng.choice([2, 3]))
            spec, h = f"pool{k}s2", (h - k) // 2 + 1
        else:
            k, s = int(rng.choice([1, 3, 5])), int(rng.choice([1, 2]))
            p = int(rng.integers(0, k // 2 + 1))
            c = int(rng.choice([16, 32, 64, 128]))
            spec, h = f"conv{k}x{k}s{s}p{p}c{c}", (h + 2 * p - k) // s + 1
        if h < 1:
            break
        specs.append(spec)
    if not specs:
        specs = ["conv3x3s1p1c16"]
    return {"input": f"{size}x{size}x{channels}", "layers": ",".join(specs), "compare": ["pool2s2"], "bias": True}


def parse_shape(value: str | list[int] | tuple[int, ...]) -> tuple[int, int, int]:
    """'32x32x64' or [32, 32, 64] -> (32, 32, 64)."""
    if isinstance(value, str):
        if len(value) > MAX_SPEC:
            raise SolverInputError(f"input has {len(value):,} characters; HxWxC has at most {MAX_SPEC}")
        parts: list[Any] = re.split(r"\s*[x×,]\s*", value.strip().lower())
    elif isinstance(value, (list, tuple)):
        parts = list(value)
    else:
        raise SolverInputError(f"input {value!r} is not HxWxC, e.g. 32x32x64")
    try:
        dims = [_whole(p) for p in parts]
    except (TypeError, ValueError, OverflowError):
        raise SolverInputError(f"input '{value}' is not HxWxC with whole numbers, e.g. 32x32x64") from None
    if len(dims) != 3 or min(dims) < 1:
        raise SolverInputError(f"input '{value}' must be three positive sizes HxWxC, e.g. 32x32x64")
    if max(dims) > MAX_SIZE:
        raise SolverInputError(f"input '{value}': each size must be at most {MAX_SIZE:,}")
    return dims[0], dims[1], dims[2]


def _whole(p: Any) -> int:
    """An int, an integral float or a digit string; anything else raises ValueError/TypeError."""
    if isinstance(p, bool):
        raise TypeError("a bool is not a size")
    if isinstance(p, float) and p != int(p):
        raise ValueError(f"{p} is not whole")
    return int(p)


def parse_stack(value: str | list[str], name: str) -> list[Layer]:
    """A comma string or a list of layer specs -> parsed layers."""
    items = listed(value, name, "a layer spec string or a list of them")
    if len(items) > MAX_LAYERS:
        raise SolverInputError(f"{name} has {len(items):,} layers; at most {MAX_LAYERS}")
    specs = [str(s).strip() for s in items if str(s).strip()]
    if not specs:
        raise SolverInputError(f"{name} is empty: give at least one layer, {SPEC_HELP}")
    return [parse_layer(s, i) for i, s in enumerate(specs, start=1)]


def _compare_list(value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else listed(value, "compare", "a layer spec string or a list of them")
    if len(items) > MAX_COMPARE:
        raise SolverInputError(f"compare has {len(items):,} stacks; at most {MAX_COMPARE}")
    return tuple(str(v).strip() for v in items if str(v).strip())


def _square(m: re.Match[str], where: str) -> int:
    k = int(m["k"])
    if m["k2"] is not None and int(m["k2"]) != k:
        raise SolverInputError(f"{where}: only square kernels are supported ({k}x{m['k2']})")
    return k


def _out_size(size: int, layer: Layer, span: int, where: str, axis: str) -> tuple[int, tuple[int, int]]:
    """Output size along one axis and the (before, after) padding used."""
    if layer.pad == "same":
        out = math.ceil(size / layer.stride)
        total = max((out - 1) * layer.stride + span - size, 0)
        return out, (total // 2, total - total // 2)
    pad = int(layer.pad)
    if size + 2 * pad < span:
        raise SolverInputError(
            f"{where}: the {span}-pixel window does not fit the {axis} {size} with padding {pad} (output size < 1)"
        )
    return (size + 2 * pad - span) // layer.stride + 1, (pad, pad)


def _size_formula(size: int, pad: tuple[int, int], layer: Layer, out: int) -> str:
    k, s, d = layer.kernel, layer.stride, layer.dilation
    if layer.pad == "same":
        return f"same: O = ceil({size}/{s}) = {out} (padding {pad[0]}+{pad[1]})"
    return f"O = floor(({size} + 2·{pad[0]} - {d}·({k}-1) - 1)/{s}) + 1 = {out}"


def _summary(label: str, costs: list[LayerCost]) -> dict[str, Any]:
    return {
        "stack": label,
        "output": _shape_str(costs[-1].output_shape),
        "params": sum(c.weights + c.bias for c in costs),
        "macs": sum(c.macs for c in costs),
        "receptive_field": costs[-1].receptive_field,
    }


def _shape_str(shape: tuple[int, ...]) -> str:
    return "x".join(str(d) for d in shape)


def _records(table: Table) -> list[dict[str, Any]]:
    keys = [c.replace(" ", "_").lower() for c in table.columns]
    return [dict(zip(keys, row)) for row in table.rows]
