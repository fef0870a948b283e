"""Anki decks in: the text export (File > Export > Notes in Plain Text) and .apkg/.colpkg packages.

The text export starts with ``#key:value`` header lines (``#separator:tab``, ``#html:true``,
``#guid column:1``, ``#notetype column:2``, ``#deck column:3``, ``#tags column:6``; also
``#deck:``, ``#notetype:``, ``#tags:`` for the whole file), then one note per CSV row, fields
quoted with ``"`` when they hold the separator, quotes or line breaks. The separator is a name
(tab, comma, semicolon, space, pipe, colon) or the character; without the header it is guessed.

A package is a zip holding the collection as SQLite: ``collection.anki21`` (or the older
``collection.anki2``), whose ``notes`` table has each note's GUID, its fields joined by \\x1f
and its tags. Anki 2.1.50+ may pack only ``collection.anki21b``, compressed with zstd, which
needs a library drill does not depend on: that case is one clear message.

The first field is the card's front, the second its back, and any further non-empty fields are
added to the back. A cloze note shows its text with each deletion hidden on the front and
revealed on the back. Ids come from the note GUIDs (drill's own exports use the question id as
GUID, so they come back with the same ids); a text export without a GUID column hashes the front.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from drill.errors import DeckError, InputError
from drill.importers import SLUG_RE, Card, Deck, hashed_slug, slugify
from drill.importers.html import html_to_markdown, plain_to_markdown

SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "space": " ", "pipe": "|", "colon": ":"}
DRILL_GUID = re.compile(r"^([a-z0-9][a-z0-9-]*)/([a-z0-9][a-z0-9-]*)$")
CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::(.*?))?\}\}", re.S)
LOOKS_HTML = re.compile(r"<[a-zA-Z/][^>]*>|&(#?\w+);")
MAX_COLLECTION_BYTES = 2 * 2**30  # unpacked; a package claiming more is refused before it fills the disk


@dataclass
class _Note:
    file: str
    line: int  # in a text export; 0 in a package
    guid: str | None
    fields: list[str]
    tags: list[str]
    deck: str = ""
    cloze: bool = False
    html: bool = True

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else f"{self.file}: note {self.guid}"


@dataclass
class _Header:
    separator: str | None = None
    html: bool | None = None
    columns: dict[str, int] = field(default_factory=dict)  # guid/notetype/deck/tags -> 1-based column
    deck: str = ""
    notetype: str = ""
    tags: list[str] = field(default_factory=list)
    lines: int = 0


def read_anki(path: Path, bank: str | None = None) -> Deck:
    """A text export or a package, told apart by content (a package is a zip)."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if zipfile.is_zipfile(path) or path.suffix.lower() in (".apkg", ".colpkg"):
        notes, media = _package_notes(path)
        kind = "Anki package"
    else:
        notes, media, kind = _text_notes(path), [], "Anki text export"
    return _deck(path, notes, media, bank, kind)


# --- the text export ---------------------------------------------------------------------


def _text_notes(path: Path) -> list[_Note]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DeckError(str(path), raw[: exc.start].count(b"\n") + 1, "not UTF-8 text; export it from Anki again") from None
    lines = text.splitlines(keepends=True)
    header = _header(lines, path)
    body = lines[header.lines:]
    sep = header.separator or _guess_separator(body)
    reader = csv.reader(body, delimiter=sep, quotechar='"', strict=True)
    notes: list[_Note] = []
    start = header.lines + 1
    try:
        for row in reader:
            line, start = start, header.lines + reader.line_num + 1
            if not any(cell.strip() for cell in row) or row[0].startswith("#"):
                continue
            notes.append(_row_note(row, header, sep, path, line))
    except csv.Error as exc:
        why = "a quoted field is never closed" if "end of data" in str(exc) else str(exc)
        raise DeckError(str(path), start, f"not a valid {_sep_name(sep)}-separated row: {why}") from None
    html = header.html if header.html is not None else any(LOOKS_HTML.search(f) for n in notes for f in n.fields)
    for note in notes:
        note.html = html
    return notes


def _header(lines: list[str], path: Path) -> _Header:
    header = _Header()
    for i, line in enumerate(lines):
        text = line.rstrip("\r\n")
        if i == 0 and text.startswith("tags:"):
            header.tags = text[5:].split()
        elif not text.startswith("#"):
            break
        elif ":" in text:
            key, value = text[1:].split(":", 1)
            _header_value(header, key.strip().lower(), value, path, i + 1)
        header.lines = i + 1
    return header


def _header_value(header: _Header, key: str, raw: str, path: Path, line: int) -> None:
    value = raw.strip()
    if key == "separator":  # a name, or the character itself (which may be a space)
        sep = SEPARATORS.get(value.lower()) or (raw if len(raw) == 1 else None)
        if sep is None:
            raise DeckError(str(path), line, f"unknown separator {value!r} (expected {', '.join(SEPARATORS)} or one character)")
        header.separator = sep
    elif key == "html":
        if value.lower() not in ("true", "false"):
            raise DeckError(str(path), line, f"#html must be true or false, got {value!r}")
        header.html = value.lower() == "true"
    elif key in ("guid column", "notetype column", "deck column", "tags column"):
        if not value.isdigit() or int(value) < 1:
            raise DeckError(str(path), line, f"#{key} must be a column number from 1, got {value!r}")
        header.columns[key.split()[0]] = int(value)
    elif key in ("deck", "notetype"):
        setattr(header, key, value)
    elif key == "tags":
        header.tags = value.split()


def _guess_separator(body: list[str]) -> str:
    """Without a #separator line: the first of tab, semicolon, comma that splits the opening rows
    into the same number (two or more) of columns, else the first that occurs."""
    sample = body[:50]
    for sep in ("\t", ";", ","):
        try:
            widths = {len(row) for row in csv.reader(sample, delimiter=sep) if row}
        except csv.Error:
            continue
        if len(widths) == 1 and widths.pop() >= 2:
            return sep
    text = "".join(sample)
    return next((sep for sep in ("\t", ";", ",") if sep in text), "\t")


def _sep_name(sep: str) -> str:
    return next((name for name, s in SEPARATORS.items() if s == sep), repr(sep))


def _row_note(row: list[str], header: _Header, sep: str, path: Path, line: int) -> _Note:
    meta = header.columns
    for name, column in meta.items():
        if column > len(row):
            raise DeckError(str(path), line, f"this row has {len(row)} columns but the header puts the {name} "
                                             f"in column {column}; is the separator right?")
    fields = [cell for i, cell in enumerate(row, 1) if i not in meta.values()]
    if len(fields) < 2:
        raise DeckError(str(path), line, f"a note needs a front and a back, this row has {len(fields)} field; "
                                         f"is the separator ({_sep_name(sep)}) right?")
    notetype = row[meta["notetype"] - 1] if "notetype" in meta else header.notetype
    return _Note(
        file=str(path), line=line,
        guid=row[meta["guid"] - 1].strip() if "guid" in meta else None,
        fields=fields,
        tags=header.tags + (row[meta["tags"] - 1].split() if "tags" in meta else []),
        deck=row[meta["deck"] - 1] if "deck" in meta else header.deck,
        cloze="cloze" in notetype.lower(),
    )


# --- the package -------------------------------------------------------------------------


def _package_notes(path: Path) -> tuple[list[_Note], list[str]]:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            member = next((n for n in ("collection.anki21", "collection.anki2") if n in names), None)
            if "collection.anki21b" in names and member != "collection.anki21":
                raise InputError(
                    f"{path}: this package uses Anki's newer compressed format (collection.anki21b, zstd), which "
                    "drill cannot read without an extra library; in Anki, export it again with "
                    "'Support older Anki versions' ticked")
            if member is None:
                raise InputError(f"{path}: not an Anki package (no collection.anki21 or collection.anki2 inside)")
            size = zf.getinfo(member).file_size
            if size > MAX_COLLECTION_BYTES:
                raise InputError(f"{path}: the collection inside unpacks to {size / 2**30:.1f} GiB; drill reads "
                                 f"up to {MAX_COLLECTION_BYTES // 2**30} GiB")
            media = _media_names(zf, names)
            with tempfile.TemporaryDirectory(prefix="drill-import-") as tmp:
                db = Path(tmp) / "collection.sqlite"
                db.write_bytes(zf.read(member))
                notes = _collection_notes(db, path)
    except zipfile.BadZipFile as exc:
        raise InputError(f"{path}: not a readable Anki package ({exc})") from None
    return notes, media


def _media_names(zf: zipfile.ZipFile, names: set[str]) -> list[str]:
    """The packed media files' names (the ``media`` member maps "0", "1", ... to them)."""
    numbered = sorted((n for n in names if n.isdigit()), key=int)
    try:
        mapping = json.loads(zf.read("media")) if "media" in names else {}
    except (ValueError, UnicodeDecodeError):  # a newer package's binary map: only the count is known
        mapping = {}
    return [str(mapping.get(n, f"media file {n}")) for n in numbered]


def _collection_notes(db: Path, path: Path) -> list[_Note]:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            models_json, decks_json = con.execute("SELECT models, decks FROM col").fetchone()
            models, decks = json.loads(models_json or "{}"), json.loads(decks_json or "{}")
            deck_of = dict(con.execute("SELECT nid, did FROM cards ORDER BY ord DESC"))
            rows = con.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id").fetchall()
        finally:
            con.close()
    except (sqlite3.DatabaseError, TypeError, ValueError) as exc:
        raise InputError(f"{path}: the collection inside cannot be read ({exc})") from None
    deck_names = {str(k): v.get("name", "") for k, v in decks.items()}
    notes = []
    for nid, guid, mid, tags, flds in rows:
        model = models.get(str(mid), {})
        notes.append(_Note(
            file=str(path), line=0, guid=guid, fields=flds.split("\x1f"), tags=tags.split(),
            deck=deck_names.get(str(deck_of.get(nid)), ""), cloze=model.get("type") == 1,
        ))
    return notes


# --- notes into cards --------------------------------------------------------------------


def _deck(path: Path, notes: list[_Note], media: list[str], bank: str | None, kind: str) -> Deck:
    if not notes:
        raise InputError(f"{path}: no notes in this {kind}")
    decks = Counter(n.deck for n in notes if n.deck)
    title = decks.most_common(1)[0][0] if decks else ""
    bank = bank or _bank_name(notes, title, path)
    cards: list[Card] = []
    skipped: list[str] = []
    seen: dict[str, str] = {}
    media = list(media)
    for note in notes:
        slug = _slug(note, bank)
        if slug in seen:
            what = f"note {note.guid!r}" if note.guid else "the same front"
            if not note.line:  # a package has no lines to point at
                raise InputError(f"{path}: {what} appears twice")
            raise DeckError(str(path), note.line, f"{what} appears twice (first at {seen[slug]})")
        seen[slug] = note.where
        front, back, found = _sides(note)
        media += found
        if not front or not back:
            skipped.append(f"{note.where}: empty {'front' if not front else 'back'}")
            continue
        topics = tuple(dict.fromkeys(t for t in note.tags if not t.startswith("drill::")))
        cards.append(Card(slug, front, back, topics))
    return Deck(bank, title or path.stem, f"{kind} {path.name}", tuple(cards), tuple(skipped),
                tuple(dict.fromkeys(media)))


def _bank_name(notes: list[_Note], title: str, path: Path) -> str:
    """drill's own GUIDs name their bank; otherwise the deck's last part, or the file name."""
    prefixes = {m.group(1) for n in notes if n.guid and (m := DRILL_GUID.match(n.guid))}
    if len(prefixes) == 1 and all(n.guid and DRILL_GUID.match(n.guid) for n in notes):
        return prefixes.pop()
    return slugify(title.split("::")[-1] if title else path.stem)


def _slug(note: _Note, bank: str) -> str:
    if note.guid is None:  # no GUID column: the front is the only key there is
        return hashed_slug("anki", " ".join(note.fields[0].split()).casefold())
    drill = DRILL_GUID.match(note.guid)
    if drill:
        return drill.group(2) if drill.group(1) == bank else f"{drill.group(1)}-{drill.group(2)}"
    if SLUG_RE.match(note.guid) and len(note.guid) <= 60:
        return note.guid
    return hashed_slug("anki", note.guid)


def _sides(note: _Note) -> tuple[str, str, list[str]]:
    """Front and back as markdown, and the media they refer to."""
    fields = list(note.fields)
    if note.cloze:
        text, bold = fields[0], ("<b>", "</b>") if note.html else ("**", "**")
        hidden = CLOZE.sub(lambda m: f"[{m.group(2) or '...'}]", text)
        shown = CLOZE.sub(lambda m: f"{bold[0]}{m.group(1)}{bold[1]}", text)
        fields = [hidden, shown, *fields[1:]]
    media: list[str] = []
    sides = []
    for f in fields:
        text, found = html_to_markdown(f) if note.html else plain_to_markdown(f)
        media += found
        sides.append(text.strip())
    back = "\n\n".join(s for s in sides[1:] if s)
    return sides[0], back, media
