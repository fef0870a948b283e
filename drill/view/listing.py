"""`drill list` as aligned plain-text columns: grep-friendly, and no rich import on a
command people run many times a day."""

from __future__ import annotations

import shutil
import sys
from typing import Iterable, Iterator, Sequence

from drill.catalog import Entry
from drill.view.safe import printable

HEADER = ("id", "ref", "kind", "topics", "prompt")
TOPICS_WIDTH = 28  # in a terminal, longer topic lists are cut so that the prompt keeps some room


def question_lines(questions: Iterable[Entry], width: int | None = None) -> Iterator[str]:
    """One line per question. ``width`` (default: the terminal's, and no limit when stdout is not
    a terminal, so `drill list | grep` sees whole prompts) cuts long topics and prompts with `…`,
    and drops the topics column when even then a prompt would get under 20 columns."""
    if width is None and sys.stdout.isatty():
        width = shutil.get_terminal_size((100, 24)).columns
    header, rows = HEADER, [tuple(printable(cell, one_line=True) for cell in (q.id, q.ref, q.kind, ", ".join(q.topics), q.title))
                            for q in questions]
    if width:
        rows = [(*r[:3], _cut(r[3], TOPICS_WIDTH), r[4]) for r in rows]
        if sum(_widths(header, rows)) + 2 * len(header) + 20 > width:
            header, rows = header[:3] + header[4:], [r[:3] + r[4:] for r in rows]
    widths = _widths(header, rows)
    for row in [header, *rows]:
        head = "  ".join(cell.ljust(w) for cell, w in zip(row, widths))
        prompt = _cut(row[-1], max(10, width - len(head) - 2)) if width else row[-1]
        yield f"{head}  {prompt}".rstrip()
    yield f"{len(rows)} questions"


def _widths(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    """The widths of every column but the last (the prompt, which takes the rest)."""
    return [max([len(header[i])] + [len(r[i]) for r in rows]) for i in range(len(header) - 1)]


def _cut(text: str, room: int) -> str:
    return text if len(text) <= room else text[: room - 1] + "…"
