"""Rendering a mock-interview report and the history of past interviews."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from drill.interview import Report
from drill.view.safe import data_text


def report_view(r: Report) -> Group:
    head = Text.assemble(("Interview score ", "bold"), (f"{r.score:.0%}", "bold green" if r.score >= 0.6 else "bold red"),
                         f"  ·  {len(r.questions)} answered, {r.unanswered} not reached  ·  seed {r.seed}")
    qt = Table(title="Questions", title_justify="left", header_style="bold")
    for col in ("ref", "id", "kind", "score", "time"):
        qt.add_column(col, justify="right" if col in ("score", "time") else "left")
    for q in r.questions:
        qt.add_row(data_text(q["ref"], one_line=True), data_text(q["id"], one_line=True),
                   data_text(q["kind"] + (f" (seed {q['seed']})" if q["seed"] is not None else ""), one_line=True),
                   f"{q['score']:.0%}", f"{q['seconds']:.0f} s")
    tt = Table(title="By topic", title_justify="left", header_style="bold")
    tt.add_column("topic")
    tt.add_column("score", justify="right")
    tt.add_column("questions", justify="right")
    for t in r.by_topic:
        tt.add_row(data_text(t["topic"], one_line=True), f"{t['score']:.0%}", str(t["questions"]))
    lines = [
        Text.assemble(("Strengths: ", "bold green"), data_text(", ".join(r.strengths) or "-")),
        Text.assemble(("Gaps: ", "bold red"), data_text(", ".join(r.gaps) or "-")),
        Text.assemble(("Review next: ", "bold"), data_text(", ".join(r.review_next) or "nothing - well done")),
    ]
    return Group(head, qt, tt, *lines)


def history_view(rows: list[dict[str, Any]]) -> Group:
    table = Table(title="Mock interviews", title_justify="left", header_style="bold")
    for col in ("#", "started", "minutes", "questions", "score"):
        table.add_column(col, justify="right" if col != "started" else "left")
    for row in rows:
        table.add_row(str(row["id"]), data_text(row["report"]["started"], one_line=True), f"{row['minutes']:g}",
                      str(len(row["report"]["questions"])), f"{row['score']:.0%}")
    parts: list[Any] = [table]
    if len(rows) >= 2:
        from drill.view.steps import render_plot
        from solvers.result import Plot

        xs = tuple(float(i + 1) for i in range(len(rows)))
        ys = tuple(100.0 * r["score"] for r in rows)
        parts.append(render_plot(Plot("Score over time (%)", (("score", xs, ys),), xlabel="interview"), height=12))
    return Group(*parts)
