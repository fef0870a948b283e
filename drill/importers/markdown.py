"""Question/answer notes in plain markdown, as terminal flash-card tools keep them::

    # Linear algebra                  <- optional: the bank's title

    Q: What is the rank of a matrix?
    A: The number of linearly independent columns
    (equally, of rows).

    id: orthogonal                    <- optional, directly above a Q: line
    topic: matrices, geometry
    ## Q: Which matrices are orthogonal?
    A: Those with QᵀQ = I: they preserve lengths and angles.
    ---

A card starts at a line ``Q:`` (or a heading ``## Q:``); its front runs to the line ``A:``, its
back to the next ``Q:``, a line ``---`` or the end. Both are markdown and may span lines and
paragraphs; inside a fenced code block nothing is read as a marker. Text outside cards (before
the first ``Q:``, or after a ``---``) is ignored. A card's id is a hash of its question (case, spacing and emphasis aside),
so re-importing keeps progress as long as the question is not reworded; an ``id:`` line above
the ``Q:`` keeps it across rewording.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from drill.errors import DeckError, InputError
from drill.importers import SLUG_RE, Card, Deck, slugify

QUESTION = re.compile(r"^(?:#{1,6}\s+)?Q:\s?(.*)$")
ANSWER = re.compile(r"^A:\s?(.*)$")
META = re.compile(r"^(id|topic):\s*(.*?)\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$")


@dataclass
class _Draft:
    line: int  # of its Q:
    meta: dict[str, tuple[str, int]]  # id/topic -> (value, line)
    front: list[str] = field(default_factory=list)
    back: list[str] | None = None
    answer_line: int = 0


def read_markdown(path: Path, bank: str | None = None) -> Deck:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DeckError(str(path), raw[: exc.start].count(b"\n") + 1, "not UTF-8 text") from None
    file = str(path)
    title = ""
    drafts: list[_Draft] = []
    current: _Draft | None = None
    loose: list[tuple[int, str]] = []  # lines outside any card (the preamble, after a ---)
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
        q = None if fenced else QUESTION.match(line)
        a = None if fenced or FENCE.match(line) else ANSWER.match(line)
        if q:
            if current is not None and current.back is None:
                raise DeckError(file, current.line, "this question has no 'A:' line before the next 'Q:'")
            tail = current.back if current is not None else [text for _, text in loose]
            meta = _take_meta(tail, number)
            current = _Draft(number, meta, [q.group(1)])
            drafts.append(current)
            loose = []
        elif a and current is not None and current.back is None:
            current.back, current.answer_line = [a.group(1)], number
        elif a:
            where = "before any 'Q:'" if current is None else f"a second one for the question at line {current.line}"
            raise DeckError(file, number, f"'A:' {where}")
        elif not fenced and line.strip() == "---" and current is not None:
            if current.back is None:
                raise DeckError(file, current.line, "this question has no 'A:' line before '---'")
            current = None
        elif current is None:
            loose.append((number, line))
            if not drafts and not title and TITLE.match(line) and not any(t.strip() for _, t in loose[:-1]):
                title = TITLE.match(line).group(1)
        elif current.back is None:
            current.front.append(line)
        else:
            current.back.append(line)
    if current is not None and current.back is None:
        raise DeckError(file, current.line, "this question has no 'A:' line")
    if not drafts:
        raise DeckError(file, 1, "no cards: each card is a line 'Q: question' then a line 'A: answer'")
    cards = _cards(drafts, file)
    return Deck(bank or slugify(title or path.stem), title or path.stem, f"markdown notes {path.name}", cards)


def _take_meta(lines: list[str], q_line: int) -> dict[str, tuple[str, int]]:
    """The id:/topic: lines directly above a Q: line, taken off the text they ended."""
    meta: dict[str, tuple[str, int]] = {}
    line = q_line
    while lines and (m := META.match(lines[-1])):
        lines.pop()
        line -= 1
        meta.setdefault(m.group(1), (m.group(2), line))
    return meta


def _cards(drafts: list[_Draft], file: str) -> tuple[Card, ...]:
    cards = []
    seen: dict[str, int] = {}
    for d in drafts:
        front = "\n".join(d.front).strip()
        back = "\n".join(d.back or []).strip()
        if not front:
            raise DeckError(file, d.line, "empty question after 'Q:'")
        if not back:
            raise DeckError(file, d.answer_line, "empty answer after 'A:'")
        if "id" in d.meta:
            slug, line = d.meta["id"]
            if not SLUG_RE.match(slug):
                raise DeckError(file, line, f"id {slug!r} must be lowercase letters, digits and dashes")
        else:
            slug, line = question_slug(front), d.line
        if slug in seen:
            raise DeckError(file, line, f"a second card with id {slug} (the first is at line {seen[slug]}); "
                                        "give one of them its own 'id:' line")
        seen[slug] = line
        topics = tuple(t.strip() for t in d.meta.get("topic", ("", 0))[0].split(",") if t.strip())
        cards.append(Card(slug, front, back, topics))
    return tuple(cards)


def question_slug(front: str) -> str:
    """The id of a question: a hash of its words, so spacing, case and emphasis may change."""
    text = unicodedata.normalize("NFKC", front).casefold()
    text = " ".join(re.sub(r"[*_`]", "", text).split())
    return "q-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
