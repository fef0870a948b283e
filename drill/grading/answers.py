"""Parsers for typed exercise answers, and comparison with the expected value.

Each parser takes what a person types at a prompt and returns a plain value or raises
``AnswerFormatError`` with a message saying what form was expected. Parsing is lenient about
spacing and separators, strict about meaning.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Any


class AnswerFormatError(ValueError):
    """The typed answer cannot be read as the expected type."""


_NUMBER = re.compile(r"[-+]?(?:\d+(?:[.,_]\d+)*(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?", re.I)


def parse_number(text: str) -> float:
    """``0.69``, ``69%``, ``2/3``, ``6.9e-1``, ``1,234``, ``-4``; in a sentence the first
    number is the answer ("about 0.368, since (1-1/n)^n tends to 1/e")."""
    t = text.strip().lower().replace("\u2212", "-")
    if not t:
        raise AnswerFormatError("expected a number")
    frac = re.fullmatch(r"\s*([-+]?\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*", t)
    if frac:
        den = float(frac.group(2))
        if den == 0:
            raise AnswerFormatError("division by zero in the answer")
        try:
            return float(Fraction(frac.group(1)) / Fraction(frac.group(2)))
        except (OverflowError, ValueError):  # a quotient beyond any float, or digits beyond int()'s limit
            raise AnswerFormatError(f"the fraction {text.strip()[:40]!r} is too large to compare") from None
    pct = t.endswith("%")
    core = t[:-1].strip() if pct else t
    try:
        value = float(core.replace(",", "").replace("_", ""))
    except ValueError:
        found = _NUMBER.findall(core)
        if not found:
            raise AnswerFormatError(f"expected a number, got {text.strip()!r}") from None
        try:
            value = float(found[0].replace(",", "").replace("_", ""))
        except ValueError:  # "8.2.1" has the shape of the number pattern but is no number
            raise AnswerFormatError(f"expected a number, got {text.strip()[:40]!r}") from None
        pct = bool(re.search(re.escape(found[0]) + r"\s*%", core))
    if math.isinf(value) and "inf" not in t:  # 400 digits, or 1e400: beyond any float
        raise AnswerFormatError("the number is too large to compare (beyond 1.8e308)")
    return value / 100 if pct else value


def numbers_match(got: float, expected: float, tol: float) -> bool:
    """Relative tolerance, with an absolute floor of ``tol`` for values near zero."""
    if math.isnan(got) or math.isnan(expected):
        return False
    return abs(got - expected) <= max(tol * abs(expected), tol if expected == 0 else 0.0)


def _norm_label(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().strip(".!").casefold())


def parse_label(text: str) -> str:
    label = _norm_label(text)
    if not label:
        raise AnswerFormatError("expected a label")
    return label


def parse_items(text: str) -> list[str]:
    """``D4, D3``, ``D4 > D3``, ``D4 D3`` or one per line: a sequence of item names."""
    parts = [p for p in re.split(r"\s*(?:>|,|;|\n|\s)\s*", text.strip()) if p and p.lower() not in ("and", "then")]
    if not parts:
        raise AnswerFormatError("expected one or more items, e.g. 'D4, D3'")
    return [p.strip(".").casefold() for p in parts]


def parse_matrix(text: str) -> list[list[float]]:
    """Rows separated by newlines or ``;``, entries by spaces or commas; brackets ignored."""
    cleaned = text.replace("[", " ").replace("]", ";").strip()
    rows = [r for r in re.split(r"\s*[;\n]\s*", cleaned) if r.strip(" ,")]
    if not rows:
        raise AnswerFormatError("expected a matrix: rows on lines or separated by ';'")
    matrix = []
    for i, row in enumerate(rows, 1):
        entries = [e for e in re.split(r"[\s,]+", row.strip(" ,")) if e]
        try:
            matrix.append([parse_number(e) for e in entries])
        except AnswerFormatError:
            raise AnswerFormatError(f"row {i} of the matrix has an entry that is not a number") from None
    widths = {len(r) for r in matrix}
    if len(widths) != 1:
        raise AnswerFormatError(f"ragged matrix: rows have {', '.join(map(str, sorted(widths)))} entries")
    return matrix


_TRUE = {"yes", "y", "true", "t", "1", "isomorphic"}
_FALSE = {"no", "n", "false", "f", "0", "not isomorphic"}


def parse_bool(text: str) -> bool:
    t = _norm_label(text)
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise AnswerFormatError("expected yes or no")


def compare(as_: str, typed: str, expected: Any, *, k: int | None = None, tol: float = 0.01,
            aliases: dict[str, str] | None = None) -> tuple[bool, Any]:
    """Parse ``typed`` as ``as_`` and compare with ``expected``; returns (correct, parsed)."""
    if as_ == "number":
        got = parse_number(typed)
        return numbers_match(got, float(expected), tol), got
    if as_ == "label":
        table = {_norm_label(a): _norm_label(b) for a, b in (aliases or {}).items()}
        got = parse_label(typed)
        return table.get(got, got) == _norm_label(str(expected)), got
    if as_ == "bool":
        got_b = parse_bool(typed)
        return got_b == bool(expected), got_b
    if as_ == "ranking":
        want = [str(x).casefold() for x in expected][: k or None]
        got_l = parse_items(typed)
        return got_l[: len(want)] == want and len(got_l) >= len(want), got_l
    if as_ == "set":
        want_s = {str(x).casefold() for x in expected}
        got_s = set(parse_items(typed))
        return got_s == want_s, sorted(got_s)
    if as_ == "matrix":
        got_m = parse_matrix(typed)
        want_m = [[float(v) for v in row] for row in expected]
        same_shape = len(got_m) == len(want_m) and all(len(a) == len(b) for a, b in zip(got_m, want_m))
        ok = same_shape and all(
            numbers_match(g, w, tol) for ga, wa in zip(got_m, want_m) for g, w in zip(ga, wa)
        )
        return ok, got_m
    raise ValueError(f"unknown answer type {as_!r}")
