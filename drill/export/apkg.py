"""An Anki package (.apkg): one file Anki opens on a double click, written with genanki.

Each bank becomes the deck ``drill::<bank>`` with its own note type (fields Front and Back).
The deck and note-type ids are derived from the bank name and each note's GUID is the question
id, so importing a newer export into Anki updates the notes in place and keeps their reviews.
Fields are the same HTML as the text export (drill.export.anki.front/back): the worked
solutions included. Tags are the topics, with spaces made underscores (Anki splits tags on spaces).
"""

from __future__ import annotations

import hashlib
from itertools import groupby
from pathlib import Path
from typing import Iterable

from drill.bank import Question
from drill.errors import InputError
from drill.export.anki import back, front

CSS = """.card { font-family: sans-serif; font-size: 18px; text-align: left; }
table { border-collapse: collapse; } td, th { border: 1px solid #999; padding: 2px 6px; }
.drill-ref { color: #888; }"""


def stable_id(kind: str, bank: str) -> int:
    """An id in the range genanki advises (2**30 to 2**31), the same for a bank on every export."""
    digest = int(hashlib.sha256(f"drill-{kind}:{bank}".encode()).hexdigest(), 16)
    return (1 << 30) + digest % (1 << 30)


def write_apkg(questions: Iterable[Question], path: Path, *, force: bool = False) -> int:
    """Write the package in one step (a temporary file renamed), returning the number of notes.
    An existing file is kept unless ``force``."""
    import genanki

    from drill.export.files import refuse_existing, write_atomic

    refuse_existing([path], force)
    decks = []
    count = 0
    for bank, qs in groupby(sorted(questions, key=lambda q: q.bank), key=lambda q: q.bank):
        model = genanki.Model(
            stable_id("model", bank), f"drill ({bank})",
            fields=[{"name": "Front"}, {"name": "Back"}],
            templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
            css=CSS,
        )
        deck = genanki.Deck(stable_id("deck", bank), f"drill::{bank}")
        for q in qs:
            tags = [t.replace(" ", "_") for t in q.topics]
            deck.add_note(genanki.Note(model=model, fields=[front(q), back(q)], guid=q.id, tags=tags))
            count += 1
        decks.append(deck)
    if not decks:
        raise InputError("no questions match these filters: nothing to export")
    write_atomic(path, genanki.Package(decks).write_to_file, force=force)
    return count
