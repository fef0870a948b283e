"""The bank index: parsed banks kept between runs in one SQLite file, never stale.

Why SQLite and not one pickle of the catalog: a command needs a handful of questions (one
card, one ``show``), and unpickling every question of every bank made its cost grow with the
banks. The index holds a row per bank file (path, mtime, size, sha256) and a row per question
with what listing and filtering read (id, ref, bank, kind, topics, title, file, line,
position); each question's parsed body is pickled in its own row and read only when a
command asks for that question (drill.catalog does the reading).

A file whose mtime or size changed is read again; if its hash is unchanged its rows are kept,
otherwise that file alone is re-parsed. Faulty files are never indexed, so their faults are
reported every time. The index is keyed on drill's version, its format and the question
model's code, so a change of code never reads bodies pickled by another; a damaged or foreign
file is replaced, and the whole cache can be deleted at any time.

A cold load of a large bank (its first run, or after the cache was deleted) parses its files
in worker processes, one file each, since parsing and validating them is independent work.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from drill import __version__
from drill.bank import Bank, duplicate_faults, parse_bank_text
from drill.catalog import BankFile, Catalog, pack
from drill.errors import BankError
from drill.paths import cache_dir

FORMAT = 3  # 3: bodies are compressed
# Below this much YAML, starting worker processes costs more than it saves.
PARALLEL_BYTES = 1_000_000
TOPIC_SEPARATOR = "\x1f"  # the ASCII unit separator: no topic name contains it

Fault = tuple[str, int, str]
Progress = Callable[[int, int], None]  # (bytes parsed so far, bytes to parse)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, shown TEXT NOT NULL,
    mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
    bank TEXT NOT NULL, title TEXT NOT NULL, source TEXT NOT NULL, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS questions (
    pk INTEGER PRIMARY KEY, file_id INTEGER NOT NULL, position INTEGER NOT NULL,
    id TEXT NOT NULL, ref TEXT NOT NULL, slug TEXT NOT NULL, bank TEXT NOT NULL, kind TEXT NOT NULL,
    topics TEXT NOT NULL, title TEXT NOT NULL, line INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS questions_order ON questions (file_id, position);
CREATE INDEX IF NOT EXISTS questions_id ON questions (id);
CREATE INDEX IF NOT EXISTS questions_ref ON questions (ref COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS questions_slug ON questions (slug);
CREATE INDEX IF NOT EXISTS questions_kind ON questions (kind, file_id);
CREATE TABLE IF NOT EXISTS topics (question INTEGER NOT NULL, topic TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS topics_topic ON topics (topic, question);
CREATE TABLE IF NOT EXISTS bodies (question INTEGER PRIMARY KEY, body BLOB NOT NULL);
-- sets of files (ids and hashes) whose ids and refs were found unique together
CREATE TABLE IF NOT EXISTS checked (files TEXT PRIMARY KEY);
"""


def index_path() -> Path:
    return cache_dir() / "index.sqlite3"


def _code_key() -> str:
    """What the pickled bodies depend on: drill's version, this format, and the modules that
    build them (their mtime and size): the question model, and drill.patterns, whose plans
    (parsed and stemmed patterns) travel in the bodies. An edited checkout, or another
    helper's new Question field, never unpickles a body written by older code."""
    from importlib.util import find_spec  # finds the files without importing drill.patterns: listing needs none

    parts = []
    for module in ("drill.bank", "drill.patterns"):
        try:
            st = os.stat(find_spec(module).origin)
            parts.append(f"{st.st_mtime_ns}:{st.st_size}")
        except (OSError, TypeError, AttributeError):
            parts.append("?")
    return f"{FORMAT}:{__version__}:{':'.join(parts)}"


# --- the database --------------------------------------------------------------------------


def _connect(path: Path | str) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def _create(db: sqlite3.Connection, key: str) -> None:
    """The tables, once: two drills starting together on a new cache both get through here."""
    db.execute("PRAGMA journal_mode = WAL")  # readers never wait for another drill's write
    db.executescript(SCHEMA)
    db.execute("INSERT OR IGNORE INTO meta VALUES ('code', ?)", (key,))


def _open() -> sqlite3.Connection:
    """The index file, created when missing, replaced when damaged, foreign or written by other
    code; an in-memory index when the cache directory cannot be written (that costs only speed)."""
    path, key = index_path(), _code_key()
    for _ in range(2):
        try:
            if path.exists():
                db = _connect(path)
                if _written_by(db, key):
                    return db
                db.close()
                _remove(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            db = _connect(path)
            _create(db, key)
            return db
        except (OSError, sqlite3.Error):
            _remove(path)
    db = _connect(":memory:")
    _create(db, key)
    return db


def _written_by(db: sqlite3.Connection, key: str) -> bool:
    """Whether the code of this key wrote the index (a damaged or foreign file was not)."""
    try:
        return db.execute("SELECT value FROM meta WHERE key = 'code'").fetchone() == (key,)
    except sqlite3.DatabaseError:
        return False


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            p.unlink(missing_ok=True)
        except OSError:
            pass


# --- parsing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """A bank file to read and, unless its bytes are the ones already indexed, to parse. Workers
    read the file themselves, so the parent never holds the text of a large bank."""

    path: str  # absolute: the key of the file's row
    shown: str  # as given: what faults and questions name
    size: int  # at the parent's stat, for the progress bar
    indexed: tuple[int, str] | None = None  # the file's row id and sha256, when it has a row


@dataclass(frozen=True)
class Parsed:
    """One bank file turned into index rows (each question's body already pickled), or its
    faults, or ``same``: its bytes are the ones indexed (a file touched but not changed)."""

    mtime_ns: int = 0
    size: int = 0
    sha256: str = ""
    same: bool = False
    name: str = ""
    title: str = ""
    source: str = ""
    rows: tuple[tuple, ...] = ()  # (position, id, ref, slug, bank, kind, topics, title, line, body)
    faults: tuple[Fault, ...] = ()


def index_file(job: Job) -> Parsed:
    """Read, hash, parse and validate one file and turn its questions into index rows. Runs in
    a worker process on a large cold load: the parent receives only rows of bytes to store."""
    import hashlib  # only when a file changed

    path = Path(job.shown)
    try:
        st = path.stat()  # before reading: a write after it shows as a change at the next load
        raw = path.read_bytes()
    except OSError as exc:
        return Parsed(faults=((job.shown, 0, f"cannot read: {exc.strerror}"),))
    digest = hashlib.sha256(raw).hexdigest()
    if job.indexed and job.indexed[1] == digest:
        return Parsed(st.st_mtime_ns, st.st_size, digest, same=True)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Parsed(faults=((job.shown, 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})"),))
    bank, faults = parse_bank_text(text, job.shown)
    if bank is None or faults:
        return Parsed(faults=tuple(faults))
    rows = tuple(
        (position, q.id, q.ref, q.slug, q.bank, q.kind, TOPIC_SEPARATOR.join(q.topics), q.title, q.line,
         pack(q))
        for position, q in enumerate(bank.questions)
    )
    return Parsed(st.st_mtime_ns, st.st_size, digest, False, bank.name, bank.title, bank.source, rows)


def parse_many(jobs: list[Job], progress: Progress | None = None) -> Iterator[Parsed]:
    """index_file of each job, in order, as each is done. A large cold load (a big bank's first
    run, or a deleted cache) is spread over the CPUs: nearly all of its time is YAML parsing
    and compiling every rubric pattern for validation, file by file and independent.
    ``progress`` hears the bytes parsed so far after each file."""
    from drill.workers import spread

    total = sum(job.size for job in jobs)
    done = 0
    for job, parsed in zip(jobs, spread(index_file, jobs, parallel=total >= PARALLEL_BYTES)):
        done += job.size
        if progress:
            progress(done, total)
        yield parsed


# --- bringing the index up to date --------------------------------------------------------


def _stale(db: sqlite3.Connection, files: Iterable[Path]) -> list:
    """Each file in order: its row id when the index holds it fresh (same path, mtime and size),
    a job to read it, or the fault saying why it cannot be read."""
    rows = {r[1]: r for r in db.execute("SELECT id, path, shown, mtime_ns, size, sha256 FROM files")}
    order: list = []
    for path in files:
        shown = str(path)
        key = os.path.abspath(shown)  # not resolved: bank_files has already put aside other spellings
        try:
            st = os.stat(shown)
        except OSError as exc:
            order.append((shown, 0, f"cannot read: {exc.strerror}"))
            continue
        row = rows.get(key)
        if row and row[2] == shown and row[3] == st.st_mtime_ns and row[4] == st.st_size:
            order.append(row[0])
        else:
            order.append(Job(key, shown, st.st_size, (row[0], row[5]) if row and row[2] == shown else None))
    return order


def _forget(db: sqlite3.Connection, path: str) -> None:
    """Drop a file's rows: it changed, became faulty, or no longer exists."""
    row = db.execute("SELECT id FROM files WHERE path = ?", (path,)).fetchone()
    if row is None:
        return
    questions = "SELECT pk FROM questions WHERE file_id = ?"
    db.execute(f"DELETE FROM bodies WHERE question IN ({questions})", row)
    db.execute(f"DELETE FROM topics WHERE question IN ({questions})", row)
    db.execute("DELETE FROM questions WHERE file_id = ?", row)
    db.execute("DELETE FROM files WHERE id = ?", row)


def _store(db: sqlite3.Connection, job: Job, parsed: Parsed) -> int:
    """Index one clean file in its own transaction; returns its files row id. When another
    drill has just stored the same bytes (two drills started together on a new cache), its
    rows are kept: replacing them would renumber the questions under that drill's catalog."""
    db.execute("BEGIN IMMEDIATE")
    try:
        same = db.execute("SELECT id FROM files WHERE path = ? AND shown = ? AND mtime_ns = ? AND size = ?"
                          " AND sha256 = ?", (job.path, job.shown, parsed.mtime_ns, parsed.size, parsed.sha256)).fetchone()
        if same:
            db.execute("COMMIT")
            return same[0]
        _forget(db, job.path)
        file_id = db.execute(
            "INSERT INTO files (path, shown, mtime_ns, size, sha256, bank, title, source, count)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (job.path, job.shown, parsed.mtime_ns, parsed.size, parsed.sha256, parsed.name, parsed.title,
             parsed.source, len(parsed.rows)),
        ).lastrowid
        first = db.execute("SELECT COALESCE(MAX(pk), 0) + 1 FROM questions").fetchone()[0]
        db.executemany(
            "INSERT INTO questions (pk, file_id, position, id, ref, slug, bank, kind, topics, title, line)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((first + i, file_id, *row[:9]) for i, row in enumerate(parsed.rows)),
        )
        db.executemany("INSERT INTO bodies VALUES (?, ?)", ((first + i, row[9]) for i, row in enumerate(parsed.rows)))
        db.executemany("INSERT INTO topics VALUES (?, ?)", (
            (first + i, topic) for i, row in enumerate(parsed.rows) for topic in row[6].split(TOPIC_SEPARATOR) if topic))
        db.execute("DELETE FROM checked")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return file_id


def _prune(db: sqlite3.Connection, loaded: list[int]) -> None:
    """Drop the rows of files that no longer exist, so deleted banks do not pile up (a file
    only left out of this run, such as another --bank-dir, keeps its rows)."""
    keep = set(loaded)
    gone = [path for i, path in db.execute("SELECT id, path FROM files") if i not in keep and not os.path.exists(path)]
    for path in gone:
        db.execute("BEGIN IMMEDIATE")
        _forget(db, path)
        db.execute("DELETE FROM checked")
        db.execute("COMMIT")


class _Raced(Exception):
    """Another drill re-indexed a file between this one's look and its read: read again."""


def _bank_files(db: sqlite3.Connection, ids: list[int]) -> list[BankFile]:
    found = {r[0]: BankFile(*r) for r in db.execute(
        f"SELECT id, bank, title, source, shown, count FROM files WHERE id IN ({','.join('?' * len(ids))})", ids)}
    if len(found) < len(set(ids)):
        raise _Raced
    return [found[i] for i in ids]


def _check_unique(db: sqlite3.Connection, catalog: Catalog) -> list[Fault]:
    """Ids and refs must be unique across the loaded files. Checked only for a set of files
    (and contents) not checked before, so a warm start does not read every row."""
    ids = [f.key for f in catalog.bank_files]
    hashes = dict(db.execute(f"SELECT id, sha256 FROM files WHERE id IN ({','.join('?' * len(ids))})", ids))
    signature = " ".join(f"{i}:{hashes[i]}" for i in sorted(ids))
    if db.execute("SELECT 1 FROM checked WHERE files = ?", (signature,)).fetchone():
        return []
    faults = duplicate_faults(catalog.entries())
    if not faults:
        db.execute("INSERT OR IGNORE INTO checked VALUES (?)", (signature,))
    return faults


def load_catalog_from(files: Iterable[Path], progress: Progress | None = None) -> Catalog:
    """The catalog of these files through the index: re-parses only files that changed, and
    raises BankError listing every fault (faulty files stay out of the index)."""
    db = _open()
    files = list(files)
    try:
        for _ in range(5):
            try:
                return _load(db, files, progress)
            except _Raced:
                continue
        return _load(db, files, progress)
    except (sqlite3.OperationalError, _Raced):  # another writer held the index too long, or the disk is full
        db.close()
        db = _connect(":memory:")
        _create(db, _code_key())
        return _load(db, files, progress)


def _load(db: sqlite3.Connection, files: Iterable[Path], progress: Progress | None) -> Catalog:
    order = _stale(db, files)
    parsed = parse_many([item for item in order if isinstance(item, Job)], progress)
    ids: list[int] = []
    faults: list[Fault] = []
    for item in order:  # in file order, so faults are reported as the files come
        if isinstance(item, int):
            ids.append(item)
        elif isinstance(item, tuple):
            faults.append(item)
        else:
            result = next(parsed)
            if result.faults:
                faults += result.faults
                db.execute("BEGIN IMMEDIATE")
                _forget(db, item.path)
                db.execute("COMMIT")
            elif result.same and item.indexed:  # touched, same bytes: only the new mtime is recorded
                db.execute("UPDATE files SET mtime_ns = ?, size = ? WHERE id = ?",
                           (result.mtime_ns, result.size, item.indexed[0]))
                ids.append(item.indexed[0])
            else:
                ids.append(_store(db, item, result))
    _prune(db, ids)
    catalog = Catalog(db, _bank_files(db, ids))
    faults += _check_unique(db, catalog)
    if faults:
        db.close()
        raise BankError(faults)
    return catalog


def indexed_bank(path: Path) -> Bank | None:
    """The bank of one file as the index holds it, when it holds that file unchanged (the path
    as given, its mtime and size) for this code; else None. Only a file without faults is ever
    indexed, so ``drill validate`` can take its questions as parsed, with their pattern plans,
    and check only what loading does not: exercises re-solved, examples graded. Never creates
    the index."""
    try:
        if not index_path().exists():
            return None
        db = _connect(index_path())
        try:
            if not _written_by(db, _code_key()):
                return None
            [fresh] = _stale(db, [path])  # the row id when held unchanged, as for every load
            if not isinstance(fresh, int):
                return None
            catalog = Catalog(db, _bank_files(db, [fresh]))
            held = catalog.bank_files[0]
            return Bank(held.name, held.title, held.source, str(path), tuple(catalog.questions))
        finally:
            db.close()
    except Exception:  # noqa: BLE001 - a missing, locked or damaged index: the file is parsed instead
        return None


def load_catalog(extra: Iterable[str | os.PathLike[str]] = (), progress: Progress | None = None) -> Catalog:
    """Built-in banks, DRILL_BANKS and the given directories, through the index."""
    from drill.bank import bank_files

    return load_catalog_from(bank_files(extra), progress)

