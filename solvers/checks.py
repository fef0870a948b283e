"""Input checks shared by the solvers: each returns the clean value or raises
SolverInputError with one line that names the input and what it must be."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers.result import SolverInputError


def number(value: Any, name: str, low: float | None = None, high: float | None = None, strict: bool = False) -> float:
    """A finite float; ``low`` is exclusive when ``strict``."""
    if isinstance(value, bool):
        raise SolverInputError(f"{name} must be a number, got {value!r}")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise SolverInputError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(x):
        raise SolverInputError(f"{name} must be finite, got {value!r}")
    if low is not None and (x <= low if strict else x < low):
        raise SolverInputError(f"{name} must be {'above' if strict else 'at least'} {low:g}, got {x:g}")
    if high is not None and x > high:
        raise SolverInputError(f"{name} must be at most {high:g}, got {x:g}")
    return x


def whole(name: str, value: Any, low: int, high: int) -> int:
    """An int (not a bool, not a float) in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise SolverInputError(f"{name} must be a whole number between {low} and {high}, got {value!r}")
    if not low <= value <= high:
        raise SolverInputError(f"{name} must be between {low} and {high}, got {value}")
    return int(value)


def listed(value: Any, name: str, what: str = "a comma-separated string or a list") -> list[Any]:
    """A comma-separated string or a list, as a list."""
    if isinstance(value, str):
        return value.split(",")
    if isinstance(value, (list, tuple)):
        return list(value)
    raise SolverInputError(f"{name} must be {what}, got {value!r}")
