"""A markdown study guide: prompts, model answers and the solvers' worked steps as tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from drill.bank import Bank, Question
from drill.view.numbers import number
from solvers.result import Plot, Result, Table


def _cell(value: Any) -> str:
    """A table cell: numbers as the terminal shows them, pipes escaped, on one line."""
    text = ", ".join(_cell(v) for v in value) if isinstance(value, (list, tuple)) else number(value)
    return text.replace("|", "\\|").replace("\n", " ")


def table_markdown(table: Table) -> str:
    head = ([""] if table.index is not None else []) + [str(c) for c in table.columns]
    lines = ["| " + " | ".join(_cell(h) for h in head) + " |", "|" + "---|" * len(head)]
    for i, row in enumerate(table.rows):
        cells = ([str(table.index[i])] if table.index is not None else []) + [_cell(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def value_markdown(value: Any) -> str:
    if isinstance(value, Table):
        return table_markdown(value)
    if isinstance(value, Plot):
        return f"*(plot: {value.title}; `drill solve` draws it in the terminal)*"
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, dict):
        return "\n".join(f"- **{k}**: {_cell(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)) and value and all(isinstance(r, (list, tuple)) for r in value):
        width = max(len(r) for r in value)
        rows = ["| " + " | ".join(_cell(v) for v in r) + " |" for r in value]
        return "\n".join(["|" + "   |" * width, "|" + "---|" * width, *rows])
    return _cell(value)


def steps_markdown(result: Result) -> str:
    parts = []
    for step in result.steps:
        head = f"**{step.label}**" + (f" — `{step.formula}`" if step.formula else "")
        body = value_markdown(step.value)
        parts.append(f"{head}\n\n{body}" if "\n" in body or body.startswith("|") else f"{head}: {body}")
        if step.note:
            parts.append(f"*{step.note}*")
    parts.append(f"**Answer:** {result.headline()}")
    return "\n\n".join(parts)


def question_markdown(q: Question, *, level: int = 2) -> str:
    from drill.grading import solve_question

    parts = [f"{'#' * level} {q.ref} · `{q.id}`", f"*{q.kind} · {', '.join(q.topics)}*", q.prompt.strip()]
    if q.kind == "choice":
        parts.append("\n".join(f"{chr(ord('a') + i)}) {c}" for i, c in enumerate(q.choices)))
    parts += ["**Model answer**", q.answer.strip()]
    if q.see:
        parts.append("Work it through: " + " · ".join(f"`{c}`" for c in q.see))
    if q.kind == "choice" and q.correct:
        parts.append(f"Correct option: **{q.correct})**")
    if q.rubric:
        parts.append("**Key points**\n\n" + "\n".join(f"- {p.point}" for p in q.rubric))
    if q.kind == "exercise":
        parts.append("**Worked solution** (computed by `drill solve " + (q.solver or "") + "`)")
        parts.append(steps_markdown(solve_question(q)))
    return "\n\n".join(parts)


def bank_markdown(bank: Bank, questions: Iterable[Question]) -> str:
    header = f"# {bank.title}\n\n*{bank.source}*" if bank.source else f"# {bank.title}"
    return header + "\n\n" + "\n\n---\n\n".join(question_markdown(q) for q in questions) + "\n"


def write_guide(banks: list[Bank], selected: set[str], out_dir: Path) -> list[Path]:
    """One file per bank holding at least one selected question; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for bank in banks:
        qs = [q for q in bank.questions if q.id in selected]
        if not qs:
            continue
        path = out_dir / f"{bank.name}.md"
        path.write_text(bank_markdown(bank, qs), encoding="utf-8")
        written.append(path)
    return written
