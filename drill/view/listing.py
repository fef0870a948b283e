"""`drill list` as aligned plain-text columns: grep-friendly, and no rich import on a
command people run many times a day."""

from __future__ import annotations

import shutil
from typing import Iterator, Sequence

from drill.bank import Question

HEADER = ("id", "ref", "kind", "topics", "prompt")


def question_lines(questions: Sequence[Question], width: int | None = None) -> Iterator[str]:
    width = width or shutil.get_terminal_size((100, 24)).columns
    rows = [(q.id, q.ref, q.kind, ", ".join(q.topics), q.title) for q in questions]
    widths = [max([len(HEADER[i])] + [len(r[i]) for r in rows]) for i in range(4)]
    for row in [HEADER, *rows]:
        head = "  ".join(cell.ljust(w) for cell, w in zip(row, widths))
        room = max(10, width - len(head) - 2)
        prompt = row[4] if len(row[4]) <= room else row[4][: room - 1] + "…"
        yield f"{head}  {prompt}".rstrip()
    yield f"{len(rows)} questions"
