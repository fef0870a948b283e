"""Anki notes for File > Import: a tab-separated file with Anki's header lines.

The first column is the stable question id, declared as the note GUID (``#guid column:1``),
so importing an updated export updates the existing notes and keeps their scheduling.
Front and back are HTML rendered from the question's markdown with raw HTML off, and every
plain-text field escaped (drill.export.render): a shared bank cannot put a script into Anki.
"""

from __future__ import annotations

import csv
import io
from typing import Iterable

from drill.bank import Question
from drill.export.render import escape_html, escape_markdown, html_from_markdown


def front(q: Question) -> str:
    text = q.prompt.strip()
    if q.kind == "choice":
        text += "\n\n" + "\n".join(f"{chr(ord('a') + i)}) {escape_markdown(c)}  " for i, c in enumerate(q.choices))
    return html_from_markdown(text) + f'<p class="drill-ref"><small>{escape_html(q.ref)} · {escape_html(q.id)}</small></p>'


def back(q: Question) -> str:
    from drill.export.markdown import steps_markdown
    from drill.grading import solve_question

    text = q.answer.strip()
    if q.see:
        text += "\n\nWork it through: " + " · ".join(f"`{c}`" for c in q.see)
    if q.kind == "choice" and q.correct:
        text = f"**Correct option: {q.correct})**\n\n" + text
    if q.rubric:
        text += "\n\n**Key points**\n\n" + "\n".join(f"- {escape_markdown(p.point)}" for p in q.rubric)
    if q.kind == "exercise":
        text += "\n\n**Worked solution**\n\n" + steps_markdown(solve_question(q))
    return html_from_markdown(text)


def tags(q: Question) -> str:
    return " ".join(escape_html("_".join(t.split())) for t in (f"drill::{q.bank}", *q.topics))


def export(questions: Iterable[Question]) -> str:
    questions = list(questions)
    banks = sorted({q.bank for q in questions})
    header = ["#separator:tab", "#html:true", "#notetype:Basic", "#guid column:1"]
    if len(banks) == 1:
        header.append(f"#deck:drill::{banks[0]}")
    else:
        header += ["#deck:drill", "#deck column:4"]
    header.append("#tags column:5" if len(banks) != 1 else "#tags column:4")
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    for q in questions:
        row = [q.id, front(q), back(q)]
        if len(banks) != 1:
            row.append(f"drill::{q.bank}")
        row.append(tags(q))
        writer.writerow(row)
    return "\n".join(header) + "\n" + buf.getvalue()
