"""conv solver: shapes, parameters, MACs and receptive field against a direct numpy convolution."""

from __future__ import annotations

import doctest
import json
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view

import solvers.conv as conv
from solvers.result import SolverInputError


def _pads(size: int, k: int, s: int, d: int, pad: int | str) -> tuple[int, int]:
    """Padding per side; for 'same' the Keras rule: output ceil(size/s), extra pixel after."""
    if pad != "same":
        return int(pad), int(pad)
    span = d * (k - 1) + 1
    total = max((math.ceil(size / s) - 1) * s + span - size, 0)
    return total // 2, total - total // 2


def ref_conv(x: np.ndarray, w: np.ndarray, s: int, pads: tuple[tuple[int, int], tuple[int, int]], d: int, groups: int):
    """Direct grouped, dilated, strided convolution, NHWC; returns (output, multiply-adds done)."""
    k = w.shape[0]
    span = d * (k - 1) + 1
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    windows = sliding_window_view(xp, (span, span), axis=(1, 2))[:, ::s, ::s, :, ::d, ::d]
    cin_g, cout_g = x.shape[3] // groups, w.shape[3] // groups
    outs, macs = [], 0
    for g in range(groups):
        win = windows[:, :, :, g * cin_g:(g + 1) * cin_g]
        wg = w[:, :, :, g * cout_g:(g + 1) * cout_g]
        outs.append(np.einsum("bhwcij,ijco->bhwo", win, wg))
        macs += win.shape[1] * win.shape[2] * cin_g * k * k * cout_g  # per example
    return np.concatenate(outs, axis=3), macs


def ref_pool(x: np.ndarray, k: int, s: int, p: int) -> np.ndarray:
    """Average pooling over zero-padded windows (its geometry is max pooling's)."""
    xp = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))
    return sliding_window_view(xp, (k, k), axis=(1, 2))[:, ::s, ::s].mean(axis=(-1, -2))


def test_doctest_shows_the_book_example():
    assert doctest.testmod(conv).failed == 0


@pytest.mark.parametrize(
    "size, spec, out, params",
    [
        (32, "pool2s2", 16, 0),
        (32, "conv2x2s2p0c64", 16, 16_448),
        (32, "conv3x3s2p1c64", 16, 36_928),
        (32, "conv3x3s2p0c64", 15, 36_928),
        (7, "pool2s2", 3, 0),
        (7, "conv3x3s2p1c64", 4, 36_928),
    ],
)
def test_review_numbers_for_pooling_versus_strided_conv(size, spec, out, params):
    r = conv.solve(input=f"{size}x{size}x64", layers=spec, compare=None)
    assert r.output_shape == [out, out, 64]
    assert r.params == params


def test_default_compares_pooling_with_strided_convs():
    r = conv.solve()
    assert r.output == "16x16x64" and r.params == 36_928
    table = r.steps_dict()["comparison"]
    assert [(row["stack"], row["params"]) for row in table] == [
        ("conv3x3s2p1c64", 36_928), ("pool2s2", 0), ("conv2x2s2c64", 16_448), ("conv3x3s2p0c64", 36_928)
    ]
    assert conv.solve(**r.inputs).answer() == r.answer()
    json.dumps(r.to_json())


@settings(max_examples=80, deadline=None)
@given(
    size=st.integers(1, 16), width=st.integers(1, 16), cin_g=st.integers(1, 3), cout_g=st.integers(1, 3),
    groups=st.integers(1, 3), k=st.integers(1, 5), s=st.integers(1, 3), d=st.integers(1, 3),
    pad=st.one_of(st.integers(0, 3), st.just("same")), bias=st.booleans(), seed=st.integers(0, 2**16),
)
def test_conv_layer_matches_direct_convolution(size, width, cin_g, cout_g, groups, k, s, d, pad, bias, seed):
    cin, cout = cin_g * groups, cout_g * groups
    spec = f"conv{k}x{k}s{s}p{pad}c{cout}d{d}g{groups}"
    pads = (_pads(size, k, s, d, pad), _pads(width, k, s, d, pad))
    span = d * (k - 1) + 1
    fits = size + sum(pads[0]) >= span and width + sum(pads[1]) >= span
    if not fits:
        with pytest.raises(SolverInputError, match="layer 1"):
            conv.solve(input=[size, width, cin], layers=spec, compare=None, bias=bias)
        return
    r = conv.solve(input=[size, width, cin], layers=spec, compare=None, bias=bias)
    rng = np.random.default_rng(seed)
    weights = rng.normal(size=(k, k, cin // groups, cout))
    biases = rng.normal(size=cout) if bias else np.zeros(0)
    out, macs = ref_conv(rng.normal(size=(1, size, width, cin)), weights, s, pads, d, groups)
    assert r.output_shape == list(out.shape[1:])
    assert r.params == weights.size + biases.size
    assert r.macs == macs


@settings(max_examples=60, deadline=None)
@given(size=st.integers(1, 20), k=st.integers(1, 4), s=st.integers(1, 3), p=st.integers(0, 2))
def test_pool_layer_matches_direct_pooling(size, k, s, p):
    assume(p <= k // 2)
    if size + 2 * p < k:
        with pytest.raises(SolverInputError, match="output size < 1"):
            conv.solve(input=[size, size, 2], layers=f"pool{k}s{s}p{p}", compare=None)
        return
    r = conv.solve(input=[size, size, 2], layers=f"pool{k}s{s}p{p}", compare=None)
    assert r.output_shape == list(ref_pool(np.ones((1, size, size, 2)), k, s, p).shape[1:])
    assert r.params == 0 and r.macs == 0


@settings(max_examples=40, deadline=None)
@given(size=st.integers(1, 40), s=st.integers(1, 4), k=st.integers(1, 5))
def test_same_padding_gives_ceil_of_size_over_stride(size, s, k):
    r = conv.solve(input=[size, size, 3], layers=f"conv{k}s{s}psame", compare=None)
    assert r.output_shape[0] == math.ceil(size / s)


layer_spec = st.one_of(
    st.builds(lambda k, s, p, d: f"conv{k}x{k}s{s}p{p}c1d{d}",
              st.integers(1, 3), st.integers(1, 2), st.integers(0, 1), st.integers(1, 2)),
    st.builds(lambda k: f"pool{k}s2", st.integers(2, 3)),
)


@settings(max_examples=40, deadline=None)
@given(specs=st.lists(layer_spec, min_size=1, max_size=3), seed=st.integers(0, 2**16))
def test_receptive_field_is_the_span_of_inputs_that_move_one_output(specs, seed):
    """Perturb each input column in turn; count the columns that change the centre output."""
    n = 64
    r = conv.solve(input=[n, n, 1], layers=specs, compare=None)
    rng = np.random.default_rng(seed)
    x = np.zeros((n, n, n, 1))
    for c in range(n):
        x[c, :, c, 0] = 1.0  # batch item c: input column c lit
    for layer in conv.parse_stack(specs, "layers"):
        if layer.kind == "pool":
            x = ref_pool(x, layer.kernel, layer.stride, int(layer.pad))
        else:
            w = rng.uniform(0.5, 1.5, size=(layer.kernel, layer.kernel, 1, 1))
            p = (int(layer.pad), int(layer.pad))
            x, _ = ref_conv(x, w, layer.stride, (p, p), layer.dilation, 1)
    centre = x[:, x.shape[1] // 2, x.shape[2] // 2, 0]
    moved = np.flatnonzero(centre > 0)
    assert moved.min() > 0 and moved.max() < n - 1  # the window is not clipped by the border
    assert moved.max() - moved.min() + 1 == r.receptive_field


@pytest.mark.parametrize(
    "spec, message",
    [
        ("conv3x3s0", "layer 1 'conv3x3s0': stride must be at least 1"),
        ("pool2s2,conv3x3c64g3", "layer 2 'conv3x3c64g3': groups 3 must divide"),
        ("conv3x3s1p0,conv3x3s1p0,conv3x3s1p0,conv3x3s1p0", "layer 4 'conv3x3s1p0': .*output size < 1"),
        ("conv3x3q1", "layer 1 'conv3x3q1' is not conv"),
        ("conv3x5", "only square kernels"),
        ("", "layers is empty"),
    ],
)
def test_bad_specs_name_the_layer_and_the_fault(spec, message):
    with pytest.raises(SolverInputError, match=message):
        conv.solve(input="7x7x64", layers=spec)


@pytest.mark.parametrize("bad", ["32x32", "axbxc", [32, 0, 3], "32x32x3x2"])
def test_bad_input_shape_is_rejected(bad):
    with pytest.raises(SolverInputError, match="input"):
        conv.solve(input=bad)


def test_dense_layer_flattens_the_map():
    r = conv.solve(input="4x4x3", layers="fc10", compare=None)
    assert r.output_shape == [1, 1, 10] and r.params == 4 * 4 * 3 * 10 + 10 and r.macs == 480


@pytest.mark.parametrize("seed", range(30))
def test_random_inputs_solve_with_sizes_at_least_one(seed):
    inputs = conv.random_inputs(seed)
    assert inputs == conv.random_inputs(seed)
    r = conv.solve(**inputs)
    assert all(d >= 1 for d in r.output_shape)
    assert r.headline().startswith(inputs["input"])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(conv.INPUTS), value=json_values)
def test_any_json_value_for_any_input_gives_a_result_or_an_input_error(name, value):
    try:
        conv.solve(**{name: value})
    except SolverInputError:
        pass


@pytest.mark.parametrize("bad", [[float("inf"), 3, 3], [2.5, 3, 3], [True, 3, 3], None, 32])
def test_input_sizes_must_be_whole_numbers(bad):
    with pytest.raises(SolverInputError, match="input"):
        conv.solve(input=bad)


def test_book_comparisons_that_do_not_fit_a_small_input_are_left_out():
    r = conv.solve(input="2x2x3", layers="conv1c8")
    assert [row["stack"] for row in r.steps_dict()["comparison"]] == ["conv1c8", "pool2s2", "conv2x2s2c64"]
    assert conv.solve(**r.inputs).answer() == r.answer()
    with pytest.raises(SolverInputError, match="compare 'pool2s2': layer 1"):
        conv.solve(input="1x1x3", layers="conv1c8", compare=["pool2s2"])
