"""One way of writing numbers, shared by the step tables, the feedback and the study guide."""

from __future__ import annotations

import doctest
import io
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

import drill.view.numbers
from drill.export.markdown import steps_markdown
from drill.solving import run
from drill.view.numbers import number
from drill.view.steps import worked


def test_doctests():
    assert doctest.testmod(drill.view.numbers).failed == 0


@given(st.floats(allow_nan=True, allow_infinity=True), st.integers(min_value=2, max_value=8))
def test_any_float_reads_back_close_to_itself(x, digits):
    text = number(x, digits)
    if x != x or abs(x) == float("inf"):
        assert text in ("nan", "inf", "-inf")
        return
    back, exact = Decimal(text.replace(",", "")), Decimal(x)  # exact: 1.8e+308 is no float
    if Decimal("1e-3") <= abs(exact) < Decimal("1e6"):
        assert abs(back - exact) <= Decimal(5) / 10 ** (digits + 1)  # rounded to `digits` decimals
    else:
        assert abs(back - exact) <= Decimal(5) / 10 ** digits * abs(exact)  # `digits` significant digits


def test_the_study_guide_shows_the_numbers_of_the_terminal():
    result = run("tfidf", {})
    console = Console(file=io.StringIO(), width=120)
    console.print(worked(result))
    terminal = console.file.getvalue()
    guide = steps_markdown(result)
    for value in ("0.2231", "0.5108", "1.0217", "0.9163", "1.4812"):  # idf and weights of the book example
        assert value in terminal and value in guide
