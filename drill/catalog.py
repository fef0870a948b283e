"""Finding questions: by id or ref, and by the filters every selecting command shares.

The catalog reads the bank index (drill.index) and costs what a command asks of it, not the
size of the banks: filters become SQL, a selection is a sequence of light entries (id, ref,
bank, kind, topics, title, file, line) fetched as they are used, and a question's full body is
unpickled only when a command asks for that question. `drill quiz -n 1` on a bank of 200,000
questions counts the matches, fetches one entry and unpickles one question.
"""

from __future__ import annotations

import fnmatch
import pickle
import sqlite3
import zlib
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, Iterator, NamedTuple, overload

from drill.bank import Bank, Question
from drill.errors import NotFoundError


def pack(question: Question) -> bytes:
    """A question's body as the index stores it. Compressed (zlib's fastest level: a quarter of
    the size, since the pattern plans in a body repeat their texts) because every home holds
    the built-in banks' bodies; inflating one costs a sixth of unpickling it."""
    return zlib.compress(pickle.dumps(question, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(body: bytes) -> Question:
    return pickle.loads(zlib.decompress(body))


@dataclass(frozen=True)
class Filters:
    """--bank, --topic, --kind and --id (a glob on id or ref); empty means no restriction."""

    banks: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()

    def nothing_matches(self) -> NotFoundError:
        """The error of a session these filters leave empty, naming them as the options set them."""
        opts = [f"--{name} {value}" for name, values in (("bank", self.banks), ("topic", self.topics),
                                                         ("kind", self.kinds), ("id", self.ids)) for value in values]
        return NotFoundError(f"no question matches {' '.join(opts) or 'no filters'} "
                             "(drill list shows ids, topics and kinds)")


def _glob(patterns: Sequence[str], qid: str, ref: str, slug: str) -> bool:
    return any(fnmatch.fnmatchcase(qid, g) or fnmatch.fnmatchcase(ref, g) or fnmatch.fnmatchcase(slug, g)
               for g in patterns)


@dataclass(frozen=True)
class BankFile:
    """One loaded bank file, as the index records it."""

    key: int
    name: str
    title: str
    source: str
    file: str
    count: int


class Entry(NamedTuple):
    """A question as the index lists it: enough to list, filter and pick it, without its body.
    A named tuple: listing or scanning a large bank builds one per question, and a tuple is
    built several times faster than a frozen dataclass."""

    key: int
    id: str
    ref: str
    bank: str
    kind: str
    topics: tuple[str, ...]
    title: str
    file: str
    line: int

    @property
    def slug(self) -> str:
        return self.id.split("/", 1)[1]


_SEP = "\x1f"  # drill.index.TOPIC_SEPARATOR, and the separator of --id globs passed to SQL
_COLUMNS = "q.pk, q.id, q.ref, q.bank, q.kind, q.topics, q.title, f.shown, q.line"
_FROM = "questions q JOIN files f ON f.id = q.file_id"


def _entry(row: tuple) -> Entry:
    return Entry(row[0], row[1], row[2], row[3], row[4], tuple(row[5].split(_SEP)) if row[5] else (), *row[6:])


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


class Selection(Sequence[Entry]):
    """The questions matching some filters, in bank order, read from the index as they are used:
    counting them costs one query (none without kind, topic or id filters), any one entry one
    query, and iterating streams the rows."""

    def __init__(self, db: sqlite3.Connection, files: list[BankFile], where: str, params: tuple):
        self._db, self._where, self._params = db, where, params
        if where:
            counts = dict(db.execute(
                f"SELECT q.file_id, COUNT(*) FROM questions q WHERE q.file_id IN ({_marks(files)}) AND {where}"
                " GROUP BY q.file_id", (*(f.key for f in files), *params)))
            self._parts = [(f, counts[f.key]) for f in files if counts.get(f.key)]
        else:
            self._parts = [(f, f.count) for f in files if f.count]
        self._ends = list(accumulate(n for _, n in self._parts))

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    @overload
    def __getitem__(self, i: int) -> Entry: ...

    @overload
    def __getitem__(self, i: slice) -> list[Entry]: ...

    def __getitem__(self, i: int | slice) -> Entry | list[Entry]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("selection index out of range")
        part = bisect_right(self._ends, i)
        offset = i - (self._ends[part - 1] if part else 0)
        row = self._db.execute(f"SELECT {_COLUMNS} FROM {_FROM} WHERE q.file_id = ? {self._and()}"
                               " ORDER BY q.position LIMIT 1 OFFSET ?",
                               (self._parts[part][0].key, *self._params, offset)).fetchone()
        return _entry(row)

    def _and(self) -> str:
        return f"AND {self._where}" if self._where else ""

    def _rows(self, columns: str) -> Iterator[tuple[BankFile, tuple]]:
        """(file, row) for each selected question, a query per file (no join: the file is known)."""
        for f, _ in self._parts:
            for row in self._db.execute(f"SELECT {columns} FROM questions q WHERE q.file_id = ? {self._and()}"
                                        " ORDER BY q.position", (f.key, *self._params)):
                yield f, row

    def __iter__(self) -> Iterator[Entry]:
        for f, r in self._rows("q.pk, q.id, q.ref, q.bank, q.kind, q.topics, q.title, q.line"):
            yield Entry(r[0], r[1], r[2], r[3], r[4], tuple(r[5].split(_SEP)) if r[5] else (), r[6], f.file, r[7])

    def ids(self) -> Iterator[str]:
        """Every selected id, in order: a scan that builds no entries."""
        for _, (qid,) in self._rows("q.id"):
            yield qid

    def questions(self) -> Iterator[Question]:
        """Every selected question with its body, one at a time (a listing streams them)."""
        for _, (body,) in self._rows("(SELECT body FROM bodies WHERE question = q.pk)"):
            yield unpack(body)

    def having(self, ids: Sequence[str]) -> list[Entry]:
        """The selected entries among these ids, in the order of ``ids`` (the due queue's)."""
        found: dict[str, Entry] = {}
        files = [f.key for f, _ in self._parts]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            found.update((e.id, e) for e in map(_entry, self._db.execute(
                f"SELECT {_COLUMNS} FROM {_FROM} WHERE q.id IN ({_marks(chunk)})"  # by the id index: the
                f" AND +q.file_id IN ({_marks(files)}) {self._and()}",  # unary + keeps SQLite off file_id's
                (*chunk, *files, *self._params))))
        return [found[i] for i in ids if i in found]


class Catalog:
    """Every loaded question, in bank order, with look-ups by id, slug and ref."""

    def __init__(self, db: sqlite3.Connection, files: list[BankFile]):
        self.db = db
        self.bank_files = files
        db.create_function("drill_glob", 4, lambda pats, i, r, s: _glob(pats.split(_SEP), i, r, s),
                           deterministic=True)

    def _in_files(self) -> tuple[str, list[int]]:
        keys = [f.key for f in self.bank_files]
        return f"q.file_id IN ({_marks(keys)})", keys

    def select(self, filters: Filters) -> Selection:
        known_banks = {f.name for f in self.bank_files}
        for name in filters.banks:
            if name not in known_banks:
                raise NotFoundError(f"no bank named '{name}' (banks: {', '.join(sorted(known_banks))})")
        files = [f for f in self.bank_files if not filters.banks or f.name in filters.banks]
        where: list[str] = []
        params: list[str] = []
        if filters.kinds:
            where.append(f"q.kind IN ({_marks(filters.kinds)})")
            params += filters.kinds
        if filters.topics:
            where.append(f"q.pk IN (SELECT question FROM topics WHERE topic IN ({_marks(filters.topics)}))")
            params += filters.topics
        if filters.ids:
            where.append("drill_glob(?, q.id, q.ref, q.slug)")
            params.append(_SEP.join(filters.ids))
        return Selection(self.db, files, " AND ".join(where), tuple(params))

    def entries(self) -> Selection:
        """Every question's entry, in bank order."""
        return self.select(Filters())

    def question(self, entry: Entry) -> Question:
        """The question behind an entry, unpickled from the index."""
        (body,) = self.db.execute("SELECT body FROM bodies WHERE question = ?", (entry.key,)).fetchone()
        return unpack(body)

    def questions_of(self, entries: Sequence[Entry]) -> list[Question]:
        """The questions behind many entries (a review's due cards), a query per 500."""
        bodies: dict[int, bytes] = {}
        for start in range(0, len(entries), 500):
            keys = [e.key for e in entries[start:start + 500]]
            bodies.update(self.db.execute(f"SELECT question, body FROM bodies WHERE question IN ({_marks(keys)})", keys))
        return [unpack(bodies[e.key]) for e in entries]

    def get(self, key: str) -> Question:
        """A question by id, ref (any case) or unambiguous slug; NotFoundError suggests close ids."""
        in_files, params = self._in_files()
        for where, arg in (("q.id = ?", key), ("q.ref = ? COLLATE NOCASE", key), ("q.slug = ?", key),
                           ("q.id = ?", key.lower()), ("q.slug = ?", key.lower())):
            rows = self.db.execute(f"SELECT {_COLUMNS} FROM {_FROM} WHERE {where} AND {in_files} LIMIT 2",
                                   (arg, *params)).fetchall()
            if len(rows) == 1:  # two rows: a slug shared by two banks, which names neither
                return self.question(_entry(rows[0]))
        import difflib

        entries = self.entries()
        candidates = [e.id for e in entries] + [e.ref for e in entries]
        close = difflib.get_close_matches(key, candidates, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `drill list` shows them all"
        raise NotFoundError(f"no question with id or ref '{key}'{hint}")

    @property
    def questions(self) -> list[Question]:
        """Every question with its body: what an export needs. It unpickles them all."""
        return list(self.entries().questions())

    @property
    def banks(self) -> list[Bank]:
        """Every bank file with its questions' bodies (the markdown guide's chapters)."""
        by_file: dict[str, list[Question]] = {}
        for q in self.entries().questions():
            by_file.setdefault(q.file, []).append(q)
        return [Bank(f.name, f.title, f.source, f.file, tuple(by_file.get(f.file, ()))) for f in self.bank_files]

    def bank_names(self) -> list[str]:
        return list(dict.fromkeys(f.name for f in self.bank_files))

    def ids(self) -> set[str]:
        in_files, params = self._in_files()
        return {i for (i,) in self.db.execute(f"SELECT q.id FROM questions q WHERE {in_files}", params)}

    def topics(self) -> list[str]:
        in_files, params = self._in_files()
        return sorted(t for (t,) in self.db.execute(
            f"SELECT DISTINCT topic FROM topics JOIN questions q ON q.pk = topics.question WHERE {in_files}", params))
