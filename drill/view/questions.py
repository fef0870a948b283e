"""Rendering questions, grades and model answers."""

from __future__ import annotations

import re
from typing import Any

from typing import TYPE_CHECKING

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from drill.bank import Question
from drill.ratings import RATINGS
from drill.view.numbers import number
from drill.view.safe import data_text, printable

if TYPE_CHECKING:
    from drill.grading import Grade



# Anything that could make markdown differ from plain paragraphs: inline syntax, escapes,
# entities, HTML, tables, and lines that could open a list, heading, quote or code block
# (or end in a hard break).
_MARKUP = re.compile(r"[\\`*_\[\]<>#|~&\t\r]|^ {0,3}(?:[-+=]|\d+[.)])|^ {4}| {2}$", re.M)


def Markdown(text: str):  # noqa: N802, ANN201
    """Bank markdown for the terminal: controls made visible, links printed with their target
    (a bank's link text must not hide where it points). Text without any markdown syntax (most
    prompts) is drawn as the same reflowed paragraphs without importing rich.markdown, whose
    markdown-it and pygments would otherwise cost more than loading the bank before the first card."""
    if text.strip(" \n") and not _MARKUP.search(text):
        return plain_paragraphs(text)
    from rich.markdown import Markdown as RichMarkdown

    return RichMarkdown(printable(text), hyperlinks=False)


def plain_paragraphs(text: str) -> Text:
    """Paragraphs (blank-line separated) with their lines joined, as markdown reflows them."""
    paragraphs = re.split(r"\n(?: *\n)+", printable(text).strip("\n "))
    return Text("\n\n".join(" ".join(line.strip(" ") for line in p.split("\n")) for p in paragraphs),
                style="markdown.paragraph", justify="left")


def question_panel(q: Question, *, header: str = "", show_choices: bool = True) -> Panel:
    body: list[Any] = [data_text(f"{q.kind} · {', '.join(q.topics)}", "dim", one_line=True), Markdown(q.prompt)]
    if q.kind == "choice" and show_choices:
        for i, choice in enumerate(q.choices):
            body.append(data_text(f"  {chr(ord('a') + i)}) {choice}"))
    title = Text.assemble((printable(q.ref, one_line=True), "bold"), "  ", printable(q.id, one_line=True))
    return Panel(Group(*body), title=title, subtitle=data_text(header, one_line=True) if header else None,
                 title_align="left", border_style="cyan")


def answer_block(q: Question, *, show_rubric: bool = True, show_hints: bool = True) -> Group:
    parts: list[Any] = [Text("Back" if q.kind == "card" else "Model answer", style="bold green"), Markdown(q.answer)]
    if q.kind == "choice" and q.correct:
        parts.insert(1, data_text(f"Correct option: {q.correct}) {q.choices[ord(q.correct) - ord('a')]}"))
    if q.see:
        parts.append(data_text("Work it through: " + " · ".join(q.see), "dim"))
    if show_rubric and q.rubric:
        parts.append(Text("Key points", style="bold"))
        parts.append(_marked([("•", p.point, "") for p in q.rubric]))
    if show_hints and q.hints:
        parts.append(Text("Hints", style="bold"))
        parts.append(_marked([("?", h, "") for h in q.hints]))
    return Group(*parts)


def _marked(lines: list[tuple[str, str, str]]) -> Table:
    """(mark, text, style) lines, each text wrapped under itself rather than under its mark."""
    grid = Table.grid(padding=(0, 1), pad_edge=False)
    grid.add_column(no_wrap=True, justify="right", min_width=3)
    grid.add_column()
    for mark, text, style in lines:
        grid.add_row(Text(mark, style=style), data_text(text, style))
    return grid


def feedback(q: Question, grade: "Grade") -> Group:
    verdict = Text(f"{'PASSED' if grade.passed else 'NOT PASSED'}  score {grade.score:.0%}",
                   style="bold green" if grade.passed else "bold red")
    if grade.grader != "builtin":
        verdict.append(f"  (graded by {printable(grade.grader, one_line=True)})", style="dim")
    parts: list[Any] = [verdict]
    if grade.cases:
        parts += _code_cases(grade.cases)
        if grade.message:
            parts.append(data_text(f"  {grade.message}", "yellow"))
        return Group(*parts)
    marked: list[tuple[str, str, str]] = []
    for i, hit in enumerate(grade.hits):
        marked.append(("✓", hit, "green"))
        marked += _evidence(grade.evidence, i)
    marked += [("✗", m, "red") for m in grade.misses]
    for i, correction in enumerate(grade.misconceptions):
        marked.append(("!", correction, "yellow"))
        marked += _evidence(grade.misconception_evidence, i)
    if marked:
        parts.append(_marked(marked))
    if q.kind in ("exercise", "choice") and not grade.passed:
        parts.append(data_text(f"  expected: {_short(grade.expected)}"))
        if grade.received is not None:
            parts.append(data_text(f"  you gave: {_short(grade.received)}"))
    if grade.message:
        parts.append(data_text(f"  {grade.message}", "yellow"))
    return Group(*parts)


_OUTCOME_STYLE = {"hit": "green", "missed": "red", "contradicted": "red", "stated": "yellow", "not stated": "dim"}


def explanation(checks: tuple[Any, ...]) -> Group:
    """`check --explain`: per rubric point, opposite and misconception, each pattern as written
    with the view it matched in (plain or stemmed), the words it matched and the verdict on
    them. Print it with ``soft_wrap=True``: a pattern folded mid-regex reads as two."""
    lines: list[Text] = []
    for check in checks:
        head = Text(f"{check.kind} · {check.outcome}: ", style=_OUTCOME_STYLE.get(check.outcome, ""))
        head.append(check.label, style="bold")
        lines.append(head)
        for pattern, written in zip(check.patterns, check.shown()):
            line = Text("    ")
            line.append(f"'{written}'", style="cyan")
            found = [m for m in check.matches if m.pattern == pattern]
            if not found:
                line.append("  no match", style="dim")
            for m in found:
                line.append(f"  {m.view}: “{m.text}” ")
                line.append(m.verdict, style="green" if m.verdict == "asserted" else "yellow")
            lines.append(line)
    return Group(*lines)


def _evidence(evidence: tuple[str, ...], i: int) -> list[tuple[str, str, str]]:
    """The words of the answer behind a ✓ or a misconception, quoted under it, so a learner
    sees why and a wrong credit shows at once."""
    return [("", f"“{evidence[i]}”", "dim")] if i < len(evidence) and evidence[i] else []


def _code_cases(cases: tuple[dict[str, Any], ...]) -> list[Text]:
    """One line per distinct outcome ("✗ cases 1-5: ..."), then the first failure's values."""
    lines: list[Text] = []
    groups: dict[tuple[bool, str], list[int]] = {}
    for i, case in enumerate(cases, 1):
        groups.setdefault((bool(case.get("passed")), case.get("message") or "ok"), []).append(i)
    for (passed, message), idx in groups.items():
        label = f"case {idx[0]}" if len(idx) == 1 else f"cases {', '.join(map(str, idx))}"
        lines.append(data_text(f"  {'✓' if passed else '✗'} {label}: {message}", "green" if passed else "red"))
    failed = next((c for c in cases if not c.get("passed")), None)
    if failed:
        for key in ("inputs", "expected", "received"):
            values = failed.get(key) or {}
            if values:
                shown = ", ".join(f"{k}={_brief(v)}" for k, v in values.items())
                lines.append(data_text(f"    {key}: {shown}", "dim"))
    return lines


def _brief(value: Any) -> str:
    """Arrays by their shape, short values in full."""
    if isinstance(value, list) and value and isinstance(value[0], list):
        return f"array {len(value)}x{len(value[0])}"
    if isinstance(value, list) and len(value) > 6:
        return f"array ({len(value)},)"
    return _short(value)


def rating_prompt(proposed: int, choices: str | None = None) -> str:
    """``choices``: the ratings with when each brings the question back, when it is scheduled."""
    names = choices or "  ".join(f"{k}={v}" for k, v in RATINGS.items())
    return f"Rating [{names}] Enter accepts {proposed} ({RATINGS[proposed]}): "


def self_rating_prompt(choices: str | None = None) -> str:
    """A card proposes no rating: the learner judges their own recall."""
    names = choices or "  ".join(f"{k}={v}" for k, v in RATINGS.items())
    return f"How well did you recall it? [{names}]: "


def _short(value: Any) -> str:
    """A value in the feedback: 6 digits, so a miss by a tight tolerance shows."""
    if isinstance(value, list) and value and isinstance(value[0], list):
        return "; ".join(" ".join(_short(v) for v in row) for row in value)
    if isinstance(value, list):
        return ", ".join(_short(v) for v in value)
    return number(value, digits=6)
