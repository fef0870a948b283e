"""The shape every solver returns, so that one view can render any of them.

A solver is a pure function: inputs in, a frozen ``Result`` out. The result carries the
answer fields (what grading compares and ``--json`` prints at top level) and the ordered
steps of the hand computation (what the terminal view shows as tables). Nothing here
prints, reads files or knows about the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class SolverInputError(ValueError):
    """Inputs a solver cannot work with; the message is one line a user can act on."""


@dataclass(frozen=True)
class Table:
    """A labelled 2-D table: a matrix with row and column names, or a list of records."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    index: tuple[str, ...] | None = None  # row labels, shown as a first column

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"columns": list(self.columns), "rows": [list(map(_plain, r)) for r in self.rows]}
        if self.index is not None:
            out["index"] = list(self.index)
        return out


@dataclass(frozen=True)
class Plot:
    """Data for a terminal plot; the view draws it with plotext, JSON keeps the numbers."""

    title: str
    series: tuple[tuple[str, tuple[float, ...], tuple[float, ...]], ...]  # (name, xs, ys)
    kind: str = "line"  # "line" | "scatter"
    xlabel: str = ""
    ylabel: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "kind": self.kind,
            "series": [{"name": n, "x": list(map(float, xs)), "y": list(map(float, ys))} for n, xs, ys in self.series],
        }


@dataclass(frozen=True)
class Step:
    """One line of the worked solution: a machine key, a human label, and its value.

    ``value`` is a number, a string, a ``Table``, a ``Plot`` or plain JSON-able data.
    ``formula`` says how it was computed, in the notation a textbook would use.
    """

    key: str
    label: str
    value: Any
    formula: str = ""
    note: str = ""


@dataclass(frozen=True)
class Result:
    """Base of every solver result: subclasses add answer fields and fill ``steps``."""

    inputs: dict[str, Any] = field(default_factory=dict)
    steps: tuple[Step, ...] = ()

    def answer(self) -> dict[str, Any]:
        """The answer fields: every dataclass field except ``inputs`` and ``steps``."""
        from dataclasses import fields

        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("inputs", "steps")}

    def headline(self) -> str:
        """One line that states the answer; subclasses override with something readable."""
        return ", ".join(f"{k} = {_fmt(v)}" for k, v in self.answer().items())

    def to_json(self) -> dict[str, Any]:
        out = {k: _plain(v) for k, v in self.answer().items()}
        out["steps"] = {s.key: _plain(s.value) for s in self.steps}
        out["inputs"] = _plain(self.inputs)
        return out


def rounded(value: Any, places: int = 4) -> float:
    """``value`` (a float or numpy scalar) to ``places`` decimals as a plain float, for the
    numbers a step shows; ``+ 0.0`` turns a -0.0 into 0.0."""
    return round(float(value), places) + 0.0


def significant(value: Any, digits: int = 6) -> float:
    """``value`` to ``digits`` significant digits as a plain float (no -0.0), for numbers whose
    scale varies too much for a fixed count of decimals."""
    return float(f"{float(value):.{digits}g}") + 0.0


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _plain(value: Any) -> Any:
    """Turn numpy scalars/arrays, tuples and tables into JSON-able Python values."""
    if isinstance(value, (Table, Plot)):
        return value.to_json()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars, without importing numpy here
        return _plain(value.tolist())
    if isinstance(value, float) and value != value:
        return None
    return value
