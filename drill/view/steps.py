"""Rendering a solver's worked solution: each step as a table, a value or a plot.

Every cell is a Text, never a markup string: a document or a word from the user that holds
`[...]` prints as typed (and skips the markup parser).
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table as RichTable
from rich.text import Text

from drill.view.numbers import number
from drill.view.safe import data_text
from solvers.result import Plot, Result, Step, Table


def _fmt(value: Any) -> str:
    if isinstance(value, (list, tuple)) and all(not isinstance(v, (list, tuple, dict)) for v in value):
        return "[" + ", ".join(number(v) for v in value) + "]"
    return number(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) or hasattr(value, "dtype")


def render_table(table: Table) -> RichTable:
    out = RichTable(header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    if table.index is not None:
        out.add_column("", style="bold", no_wrap=True)
    shown = [[_fmt(v) for v in row] for row in table.rows]
    for j, col in enumerate(table.columns):
        numeric = bool(table.rows) and all(_is_number(r[j]) for r in table.rows if j < len(r))
        width = max([0] + [len(r[j]) for r in shown if j < len(r)])
        out.add_column(data_text(col, one_line=True), justify="right" if numeric else "left", overflow="fold",
                       min_width=min(width, 12 if numeric else 8))
    for i, row in enumerate(shown):
        out.add_row(*([data_text(table.index[i], one_line=True)] if table.index is not None else []),
                    *(data_text(cell, one_line=True) for cell in row))
    return out


def render_plot(plot: Plot, width: int = 72, height: int = 18) -> Text:
    """Draw a Plot with plotext's figure API (6.x) into text the console can print."""
    import plotext as plt

    from drill.view import plain_output

    fig = plt.figure
    fig.clear()
    fig.plot_size(width, height)
    fig.theme("colorless" if plain_output() else "simple")
    for name, xs, ys in plot.series:
        signal = fig.signal(list(xs), list(ys))
        signal.label(name)
        if plot.kind != "scatter":
            signal.lines()
        fig.draw(signal)
    fig.title(plot.title)
    if plot.xlabel:
        fig.label(plot.xlabel, axis="x")
    if plot.ylabel:
        fig.label(plot.ylabel, axis="y")
    return Text.from_ansi(str(fig.build()))


def _matrix(value: list) -> RichTable:
    out = RichTable(show_header=False, show_edge=True)
    for _ in value[0]:
        out.add_column(justify="right")
    for row in value:
        out.add_row(*(data_text(_fmt(v), one_line=True) for v in row))
    return out


def render_value(value: Any) -> RenderableType:
    if isinstance(value, Table):
        return render_table(value)
    if isinstance(value, Plot):
        return render_plot(value)
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, dict) and value and all(not isinstance(v, (dict, list, tuple)) or
                                                 isinstance(v, (list, tuple)) and len(v) <= 8 for v in value.values()):
        out = RichTable(show_header=False, box=None, pad_edge=False)
        out.add_column(style="bold")
        out.add_column()
        for k, v in value.items():
            out.add_row(data_text(k, one_line=True), data_text(_fmt(v), one_line=True))
        return out
    if isinstance(value, (list, tuple)) and value and all(isinstance(r, (list, tuple)) for r in value) \
            and all(not isinstance(v, (list, tuple, dict)) for r in value for v in r) and len({len(r) for r in value}) == 1:
        return _matrix(list(value))
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
        return data_text("\n".join(f"  {v}" for v in value))
    return data_text(_fmt(value))


def render_step(step: Step) -> RenderableType:
    head = data_text(step.label, "bold cyan")
    if step.formula:
        head.append_text(data_text(f"   {step.formula}", "dim"))
    value = render_value(step.value)
    parts: list[RenderableType] = [head]
    if isinstance(value, Text) and not isinstance(step.value, Plot) and "\n" not in value.plain:
        head.append("  =  ", style="dim")
        head.append_text(value)
    else:
        parts.append(value)
    if step.note:
        parts.append(data_text(step.note, "italic"))
    return Group(*parts, Text(""))


def answer_panel(result: Result) -> Panel:
    return Panel(data_text(result.headline(), "bold"), title=Text("Answer"), border_style="green", title_align="left")


def worked(result: Result, *, steps: bool = True) -> Group:
    parts: list[RenderableType] = [render_step(s) for s in result.steps] if steps else []
    parts.append(answer_panel(result))
    return Group(*parts)


def worked_solution(question: Any, inputs: dict[str, Any] | None = None) -> Group:
    """The computed answer of an exercise question, with its steps, for the reveal."""
    from drill.grading import solve_question

    return worked(solve_question(question, inputs))
