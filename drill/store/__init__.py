"""The progress store: one SQLite file holding cards, the review log and sessions.

Every confirmed review is one short ``BEGIN IMMEDIATE`` transaction (review row and card
update together), in WAL mode with a busy timeout, so two drill processes sharing a store
both keep all their reviews, and a process killed at any moment loses nothing it confirmed.
A file that is not a drill database, or is damaged, is reported and never overwritten.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Protocol

from drill.errors import StoreError
from drill.paths import db_path
from drill.store.migrations import LATEST, migrate

Clock = Callable[[], datetime]
DAY_START_HOUR = 4  # a study day starts at 4 a.m. local time, as in Anki
LOCK_WAIT = 10.0  # seconds to wait for another drill process holding the database
REVIEW_STATE = 2  # fsrs.State.Review: reviews made in it count toward retention


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(dt: datetime) -> str:
    """UTC timestamps in one fixed, lexicographically sortable format."""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")


def utc_text(dt: datetime) -> str:
    """ISO 8601 in UTC with a Z, to the microsecond, for files and JSON that leave drill."""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc)


def study_day(dt: datetime) -> str:
    """The local study day a moment belongs to (days start at 4 a.m.)."""
    return (dt.astimezone() - timedelta(hours=DAY_START_HOUR)).date().isoformat()


@dataclass(frozen=True)
class CardRow:
    question_id: str
    state: int
    due: datetime
    card: dict[str, Any]
    reps: int
    lapses: int


@dataclass(frozen=True)
class ReviewRecord:
    """One confirmed review, ready to be written."""

    question_id: str
    reviewed_at: datetime
    score: float
    passed: bool
    rating: int
    duration_ms: int
    card_before: dict[str, Any] | None
    card_after: dict[str, Any]
    state_after: int
    due_after: datetime
    session_id: int | None = None
    variant_seed: int | None = None


@dataclass(frozen=True)
class LoggedReview:
    """One review as the progress file carries it: enough to replay the card's state."""

    question_id: str
    reviewed_at: datetime
    rating: int
    duration_ms: int


@dataclass(frozen=True)
class MergeResult:
    added: int
    already_known: int
    cards: int  # cards whose state was replayed


@dataclass(frozen=True)
class FittedParameters:
    """Personal FSRS parameters and how well they and the defaults predict the learner's reviews."""

    parameters: tuple[float, ...]
    fitted_at: datetime
    reviews: int
    items: int
    log_loss_before: float
    log_loss_after: float
    rmse_before: float
    rmse_after: float


class Replay(Protocol):
    def __call__(self, reviews: list[tuple[int, datetime]], key: str) -> list[Any]: ...


class Store:
    def __init__(self, path: Path | None = None, *, clock: Clock = utc_now):
        self.path = Path(path) if path else db_path()
        self.clock = clock
        self.db = self._connect()

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.path.parent}: cannot create the data directory ({exc.strerror})") from None
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                return self._setup()
            except sqlite3.OperationalError as exc:
                # Two processes creating or migrating the file at the same moment can get SQLITE_BUSY
                # without the busy handler being consulted (journal-mode change, schema upgrade): retry.
                if ("locked" in str(exc) or "busy" in str(exc)) and time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                raise self._open_error(exc) from None
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{self.path}: not a drill database or damaged ({exc}); left untouched") from None

    def _setup(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, timeout=LOCK_WAIT)
        try:
            db.execute(f"PRAGMA busy_timeout = {int(LOCK_WAIT * 1000)}")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > LATEST:
                raise StoreError(f"{self.path}: made by a newer drill (schema {version}, this drill knows {LATEST})")
            self._refuse_foreign(db, version)
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    def _refuse_foreign(self, db: sqlite3.Connection, version: int) -> None:
        """Another program's SQLite file at drill's path is left exactly as it is: checked
        before WAL mode or any table is set up (an empty file is a new drill database)."""
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if (version == 0 and tables) or (version > 0 and "cards" not in tables):
            raise StoreError(f"{self.path}: an SQLite file that is not a drill database; left untouched "
                             "(move it, or set DRILL_HOME to another directory)")

    def _open_error(self, exc: sqlite3.OperationalError) -> StoreError:
        if "unable to open" in str(exc):
            return StoreError(f"{self.path}: cannot open the database (check the path and permissions)")
        if "locked" in str(exc) or "busy" in str(exc):
            return StoreError(f"{self.path}: database is locked by another process; try again")
        return StoreError(f"{self.path}: not a drill database or damaged ({exc}); left untouched")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self, sql: str, args: Iterable[Any] = ()) -> sqlite3.Cursor:
        try:
            return self.db.execute(sql, tuple(args))
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(f"{self.path}: database is locked by another process; try again") from None
            raise StoreError(f"{self.path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: damaged database ({exc}); left untouched") from None

    # --- sessions and reviews -------------------------------------------------------------

    def start_session(self, kind: str) -> int:
        return self._run("INSERT INTO sessions(kind, started) VALUES (?, ?)", (kind, iso(self.clock()))).lastrowid

    def end_session(self, session_id: int) -> None:
        self._run("UPDATE sessions SET ended = ? WHERE id = ?", (iso(self.clock()), session_id))

    def record(self, r: ReviewRecord) -> None:
        """Write one confirmed review and the card's new state in a single transaction."""
        at = iso(r.reviewed_at)
        day = study_day(r.reviewed_at)
        state_before = r.card_before.get("state") if r.card_before else None
        self._run("BEGIN IMMEDIATE")
        try:
            self._run(
                """INSERT INTO reviews(question_id, session_id, reviewed_at, day, score, passed, rating,
                       duration_ms, state_before, card_before, card_after, variant_seed)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (r.question_id, r.session_id, at, day, r.score, int(r.passed), r.rating, r.duration_ms,
                 state_before, json.dumps(r.card_before) if r.card_before else None, json.dumps(r.card_after),
                 r.variant_seed),
            )
            mature = int(state_before == REVIEW_STATE)
            self._run(
                """INSERT INTO cards(question_id, state, due, card, reps, lapses, first_seen, first_day,
                       mature_reviews, mature_passed)
                   VALUES (?, ?, ?, ?, 1, 0, ?, ?, ?, ?)
                   ON CONFLICT(question_id) DO UPDATE SET state = excluded.state, due = excluded.due,
                       card = excluded.card, reps = reps + 1,
                       lapses = lapses + (CASE WHEN ? = 1 AND state = 2 THEN 1 ELSE 0 END),
                       mature_reviews = mature_reviews + excluded.mature_reviews,
                       mature_passed = mature_passed + excluded.mature_passed""",
                (r.question_id, r.state_after, iso(r.due_after), json.dumps(r.card_after), at, day,
                 mature, mature * int(r.passed), r.rating),
            )
            self._run("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def card(self, question_id: str) -> CardRow | None:
        row = self._run("SELECT question_id, state, due, card, reps, lapses FROM cards WHERE question_id = ?",
                        (question_id,)).fetchone()
        return self._card_row(row) if row else None

    def cards(self) -> Iterator[CardRow]:
        for row in self._run("SELECT question_id, state, due, card, reps, lapses FROM cards"):
            yield self._card_row(row)

    def _card_row(self, row: tuple) -> CardRow:
        qid, state, due, card, reps, lapses = row
        try:
            return CardRow(qid, state, parse_iso(due), json.loads(card), reps, lapses)
        except (TypeError, ValueError):  # edited by hand or by another program
            raise self._damaged(qid, due) from None

    def _damaged(self, question_id: str, due: Any) -> StoreError:
        return StoreError(f"{self.path}: the card of {question_id} is damaged (due {due!r}); "
                          f"`drill forget {question_id}` drops it")

    def due(self, now: datetime | None = None, limit: int | None = None) -> list[str]:
        """Question ids due at ``now``, most overdue first (an index range scan, no parsing)."""
        now = now or self.clock()
        sql = "SELECT question_id FROM cards WHERE due <= ? ORDER BY due"
        args: list[Any] = [iso(now)]
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return [q for (q,) in self._run(sql, args)]

    def known_ids(self) -> set[str]:
        return {q for (q,) in self._run("SELECT question_id FROM cards")}

    def new_introduced_on(self, day: str) -> int:
        return self._run("SELECT COUNT(*) FROM cards WHERE first_day = ?", (day,)).fetchone()[0]

    def next_due(self) -> datetime | None:
        row = self._run("SELECT question_id, MIN(due) FROM cards").fetchone()
        if not row or row[1] is None:
            return None
        try:
            return parse_iso(row[1])
        except (TypeError, ValueError):
            raise self._damaged(row[0], row[1]) from None

    def forget(self, question_id: str) -> int:
        """Drop a card and its review history; returns the number of reviews removed."""
        self._run("BEGIN IMMEDIATE")
        try:
            n = self._run("DELETE FROM reviews WHERE question_id = ?", (question_id,)).rowcount
            self._run("DELETE FROM cards WHERE question_id = ?", (question_id,))
            self._run("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        return n

    def review_count(self) -> int:
        return self._run("SELECT COUNT(*) FROM reviews").fetchone()[0]

    def query(self, sql: str, args: Iterable[Any] = ()) -> list[tuple]:
        """Read-only queries for stats; kept here so SQL stays behind this module."""
        return self._run(sql, args).fetchall()

    def iterate(self, sql: str, args: Iterable[Any] = ()) -> Iterator[tuple]:
        """Rows one at a time, for a reader that stops early."""
        return iter(self._run(sql, args))

    # --- interviews ---------------------------------------------------------------------

    def save_interview(self, session_id: int | None, started: datetime, minutes: float, seed: int,
                       score: float, report: dict[str, Any]) -> int:
        return self._run(
            "INSERT INTO interviews(session_id, started, minutes, seed, score, report) VALUES (?, ?, ?, ?, ?, ?)",
            (session_id, iso(started), minutes, seed, score, json.dumps(report)),
        ).lastrowid

    def interviews(self) -> list[dict[str, Any]]:
        rows = self._run("SELECT id, started, minutes, seed, score, report FROM interviews ORDER BY started")
        return [
            {"id": i, "started": s, "minutes": m, "seed": seed, "score": sc, "report": json.loads(rep)}
            for i, s, m, seed, sc, rep in rows
        ]

    # --- the review log moved between machines, personal FSRS parameters -------------------

    def review_log(self) -> Iterator[LoggedReview]:
        """Every review, card by card, each card's in time order."""
        rows = self._run("SELECT question_id, reviewed_at, rating, duration_ms FROM reviews "
                         "ORDER BY question_id, reviewed_at, id")
        for qid, at, rating, ms in rows:
            yield LoggedReview(qid, parse_iso(at), rating, ms)

    def merge_reviews(self, reviews: Iterable[LoggedReview], replay: Replay) -> MergeResult:
        """Add the reviews this store lacks (same card, time and rating: the same review), then
        rebuild each touched card from its whole log with ``replay``; one transaction."""
        self._run("BEGIN IMMEDIATE")
        try:
            added: set[str] = set()
            n_added = n_known = 0
            for r in reviews:
                at = iso(r.reviewed_at)
                if self._run("SELECT 1 FROM reviews WHERE question_id = ? AND reviewed_at = ? AND rating = ?",
                             (r.question_id, at, r.rating)).fetchone():
                    n_known += 1
                    continue
                passed = int(r.rating > 1)  # the file has no score: Hard, Good and Easy count as recalled
                self._run("INSERT INTO reviews(question_id, reviewed_at, day, score, passed, rating, duration_ms, "
                          "card_after) VALUES (?, ?, ?, ?, ?, ?, ?, '{}')",
                          (r.question_id, at, study_day(r.reviewed_at), float(passed), passed, r.rating,
                           r.duration_ms))
                added.add(r.question_id)
                n_added += 1
            for qid in sorted(added):
                self._rebuild_card(qid, replay)
            self._run("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        return MergeResult(n_added, n_known, len(added))

    def _rebuild_card(self, qid: str, replay: Replay) -> None:
        rows = self._run("SELECT id, reviewed_at, rating, passed FROM reviews WHERE question_id = ? "
                         "ORDER BY reviewed_at, id", (qid,)).fetchall()
        outcomes = replay([(rating, parse_iso(at)) for _, at, rating, _ in rows], qid)
        lapses = mature = mature_passed = 0
        for (rid, _, rating, passed), o in zip(rows, outcomes):
            state_before = o.card_before.get("state") if o.card_before else None
            lapses += int(rating == 1 and state_before == REVIEW_STATE)
            mature += int(state_before == REVIEW_STATE)
            mature_passed += int(state_before == REVIEW_STATE and passed)
            self._run("UPDATE reviews SET state_before = ?, card_before = ?, card_after = ? WHERE id = ?",
                      (state_before, json.dumps(o.card_before) if o.card_before else None,
                       json.dumps(o.card_after), rid))
        last, first_at = outcomes[-1], rows[0][1]
        self._run("DELETE FROM cards WHERE question_id = ?", (qid,))
        self._run("INSERT INTO cards(question_id, state, due, card, reps, lapses, first_seen, first_day, "
                  "mature_reviews, mature_passed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  (qid, last.state_after, iso(last.due_after), json.dumps(last.card_after), len(rows), lapses,
                   first_at, study_day(parse_iso(first_at)), mature, mature_passed))

    def save_parameters(self, fit: FittedParameters) -> None:
        self._run("INSERT INTO parameters(fitted_at, parameters, reviews, items, log_loss_before, log_loss_after, "
                  "rmse_before, rmse_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  (iso(fit.fitted_at), json.dumps(list(fit.parameters)), fit.reviews, fit.items,
                   fit.log_loss_before, fit.log_loss_after, fit.rmse_before, fit.rmse_after))

    def fitted_parameters(self) -> FittedParameters | None:
        """The newest fit, which the scheduler uses; None: FSRS's defaults."""
        row = self._run("SELECT fitted_at, parameters, reviews, items, log_loss_before, log_loss_after, "
                        "rmse_before, rmse_after FROM parameters ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        at, params, *rest = row
        return FittedParameters(tuple(json.loads(params)), parse_iso(at), *rest)
