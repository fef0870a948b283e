"""Numbers as text, in one place, so the step tables, the grading feedback and the markdown
study guide show a value the same way. No rich here: the markdown export uses it too."""

from __future__ import annotations

import math
from typing import Any


def number(value: Any, digits: int = 4) -> str:
    """``value`` for reading: whole numbers in full (grouped by thousands from 10,000), other
    floats to ``digits`` decimals without trailing zeros, or to ``digits`` significant digits
    when tiny or huge (0.51083 -> 0.5108, 2.5e-05, 3.1e+07). Anything else as ``str``.

    >>> [number(v) for v in (3.0, 12345, 0.510826, 2.5e-05, 31_000_000.5, float("nan"), True)]
    ['3', '12,345', '0.5108', '2.5e-05', '3.1e+07', 'nan', 'True']
    >>> number(0.6912718, digits=6)
    '0.691272'
    """
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:  # a numpy scalar
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            value = int(value)
        elif abs(value) < 1e-3 or abs(value) >= 1e6:
            return f"{value:.{digits}g}"
        else:
            return f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return f"{value:,}" if abs(value) >= 10_000 else str(value)
