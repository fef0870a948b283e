"""Importing decks from elsewhere (Anki, markdown notes) as banks of self-rated cards.

Each importer reads its format into a ``Deck``; ``write_bank`` turns that into a bank file. The
bank is checked by the same loader as every bank before anything is written, and written to a
temporary file that replaces the target only when complete, so a failed import leaves nothing
behind. Card ids come from the source's own stable key (Anki's note GUID, or a hash of the
question), so re-importing an updated deck keeps every card's progress.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from drill.errors import BankError, InputError

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Card:
    slug: str
    front: str  # markdown
    back: str  # markdown
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Deck:
    bank: str
    title: str
    source: str
    cards: tuple[Card, ...]
    skipped: tuple[str, ...] = ()  # "WHERE: why" for each note left out
    media: tuple[str, ...] = ()  # media files referred to or packed, which drill does not carry


def slugify(text: str, fallback: str = "imported") -> str:
    """A bank name or id from free text: lowercase ASCII letters, digits and dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-") or fallback


def hashed_slug(prefix: str, key: str) -> str:
    """A stable id for a key that is not a slug itself (Anki GUIDs mix cases and punctuation)."""
    return f"{prefix}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:12]}"


def bank_yaml(deck: Deck) -> str:
    import yaml

    class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc, valid-type] - C when built
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    questions = []
    for card in deck.cards:
        entry: dict[str, object] = {"id": card.slug, "kind": "card"}
        if card.topics:
            entry["topic"] = list(card.topics)
        entry["front"] = card.front
        entry["back"] = card.back
        questions.append(entry)
    data = {"version": 1, "bank": deck.bank, "title": deck.title, "source": deck.source, "questions": questions}
    header = (f"# Imported by drill from {deck.source}. Card ids follow the source's own keys, so importing\n"
              "# an updated deck again (with --force) keeps your progress; edits made here are then replaced.\n")
    return header + yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)


def write_bank(deck: Deck, out: Path, *, force: bool = False) -> None:
    """Check the bank as `drill validate` would, then write it in one step (nothing on failure)."""
    from drill.bank import parse_bank_text

    if not deck.cards:
        raise InputError(f"{deck.source}: no cards to import")
    from drill.export.files import refuse_existing, write_text_atomic

    refuse_existing([out], force)  # before the work, not after it
    text = bank_yaml(deck)
    _, faults = parse_bank_text(text, str(out))
    if faults:
        raise BankError(faults)
    write_text_atomic(out, text, force=force)
