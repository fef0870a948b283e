"""Depthwise-separable convolution costs: closed forms, and counts taken from real numpy convolutions."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from solvers import depthwise
from solvers.result import SolverInputError


def test_book_example() -> None:
    result = depthwise.solve()
    assert result.inputs == {"c_in": 64, "c_out": 128, "k": 3, "h": 56, "w": 56, "bias": False}
    assert (result.standard_params, result.separable_params) == (73_728, 8_768)
    assert (result.standard_macs, result.separable_macs) == (231_211_008, 27_496_448)
    assert round(result.ratio, 4) == 0.1189
    assert result.headline() == (
        "Standard 73,728 params vs depthwise-separable 8,768 (ratio 0.1189 = 1/128 + 1/3²); "
        "multiply-adds 231.2M vs 27.5M"
    )


def test_book_example_with_biases_counts_both_convs() -> None:
    result = depthwise.solve(bias=True)
    assert (result.standard_params, result.separable_params) == (73_856, 8_960)
    assert result.standard_macs == 231_211_008  # bias additions are not multiply-adds


def test_doctests_pass() -> None:
    assert doctest.testmod(depthwise).failed == 0


sizes = st.fixed_dictionaries({
    "c_in": st.integers(1, 1024), "c_out": st.integers(1, 1024), "k": st.integers(1, 11),
    "h": st.integers(1, 256), "w": st.integers(1, 256), "bias": st.booleans(),
})


@settings(max_examples=100, deadline=None)
@given(sizes)
def test_closed_forms(inputs: dict[str, int]) -> None:
    c_in, c_out, k, h, w, bias = (inputs[key] for key in ("c_in", "c_out", "k", "h", "w", "bias"))
    result = depthwise.solve(**inputs)
    assert result.standard_params == k * k * c_in * c_out + bias * c_out
    assert result.separable_params == k * k * c_in + bias * c_in + c_in * c_out + bias * c_out
    assert result.standard_macs == k * k * c_in * c_out * h * w
    assert result.separable_macs == (k * k * c_in + c_in * c_out) * h * w
    assert result.ratio == pytest.approx(result.separable_params / result.standard_params)
    if not bias:
        assert result.ratio == pytest.approx(1 / c_out + 1 / k**2)
    mac_ratio = next(s.value for s in result.steps if s.key == "mac_ratio")
    assert mac_ratio == pytest.approx(1 / c_out + 1 / k**2)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 4), st.integers(1, 5), st.integers(1, 5), st.booleans(),
       st.integers(0, 2**32 - 1))
def test_counts_match_explicit_numpy_convolutions(
    c_in: int, c_out: int, k: int, h: int, w: int, bias: bool, seed: int
) -> None:
    """Build the weights, run both layers on a random input, count parameters by .size and
    multiply-adds by the number of elementwise products formed; the separable layer must also
    equal a standard conv whose filters are pointwise weight × depthwise filter."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(c_in, h + k - 1, w + k - 1))  # valid padding gives an h×w output
    windows = sliding_window_view(x, (k, k), axis=(1, 2))  # (c_in, h, w, k, k)
    full = rng.normal(size=(c_out, c_in, k, k))
    depth = rng.normal(size=(c_in, k, k))
    point = rng.normal(size=(c_out, c_in))
    biases = [rng.normal(size=c_out)] if bias else []
    sep_biases = [rng.normal(size=c_in), rng.normal(size=c_out)] if bias else []

    standard_products = windows[None] * full[:, :, None, None]  # (c_out, c_in, h, w, k, k)
    depth_products = windows * depth[:, None, None]  # (c_in, h, w, k, k)
    depth_out = depth_products.sum(axis=(3, 4))
    point_products = depth_out[None] * point[:, :, None, None]  # (c_out, c_in, h, w)

    result = depthwise.solve(c_in=c_in, c_out=c_out, k=k, h=h, w=w, bias=bias)
    assert result.standard_params == full.size + sum(b.size for b in biases)
    assert result.separable_params == depth.size + point.size + sum(b.size for b in sep_biases)
    assert result.standard_macs == standard_products.size
    assert result.separable_macs == depth_products.size + point_products.size

    equivalent = point[:, :, None, None] * depth[None]  # a rank-restricted standard filter bank
    as_standard = (windows[None] * equivalent[:, :, None, None]).sum(axis=(1, 4, 5))
    np.testing.assert_allclose(point_products.sum(axis=1), as_standard, atol=1e-9)


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"c_in": 0}, "c_in must be a whole number of at least 1, not 0"),
        ({"k": 3.0}, "k must be a whole number of at least 1, not 3.0"),
        ({"h": "56"}, "h must be a whole number"),
        ({"c_out": True}, "c_out must be a whole number"),
        ({"bias": "no"}, "bias must be true or false"),
    ],
)
def test_bad_inputs_are_input_errors(inputs: dict[str, object], message: str) -> None:
    with pytest.raises(SolverInputError) as err:
        depthwise.solve(**inputs)  # type: ignore[arg-type]
    assert message in str(err.value)


@pytest.mark.parametrize("seed", range(10))
def test_random_inputs_use_common_sizes(seed: int) -> None:
    inputs = depthwise.random_inputs(seed)
    assert inputs == depthwise.random_inputs(seed)
    assert inputs["c_in"] in depthwise.CHANNELS and inputs["c_out"] in depthwise.CHANNELS
    assert inputs["k"] in (3, 5, 7) and inputs["h"] == inputs["w"]
    assert depthwise.solve(**inputs).separable_params < depthwise.solve(**inputs).standard_params
