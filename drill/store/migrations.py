"""Schema migrations, applied in order on every open; ``PRAGMA user_version`` is the number
of the last one applied. A released migration is never edited; numbers are never reused."""

from __future__ import annotations

import sqlite3
from typing import Callable

MIGRATIONS: list[tuple[int, Callable[[sqlite3.Connection], None]]] = []


def migration(fn: Callable[[sqlite3.Connection], None]) -> Callable[[sqlite3.Connection], None]:
    number = int(fn.__name__[1:4])
    assert number == len(MIGRATIONS) + 1, f"migration {fn.__name__} out of order"
    MIGRATIONS.append((number, fn))
    return fn


@migration
def m001_initial(db: sqlite3.Connection) -> None:
    db.execute("""
        CREATE TABLE cards (
            question_id TEXT PRIMARY KEY,
            state INTEGER NOT NULL,          -- FSRS state: 1 learning, 2 review, 3 relearning
            due TEXT NOT NULL,               -- UTC, ISO 8601, sortable
            card TEXT NOT NULL,              -- the FSRS card as JSON
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            first_seen TEXT NOT NULL,
            first_day TEXT NOT NULL,         -- study day the card was first reviewed (new-card limit)
            mature_reviews INTEGER NOT NULL DEFAULT 0,  -- reviews made in review state (retention's base)
            mature_passed INTEGER NOT NULL DEFAULT 0    -- of which passed
        )""")
    db.execute("CREATE INDEX cards_due ON cards(due)")
    db.execute("CREATE INDEX cards_first_day ON cards(first_day)")
    db.execute("""
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,              -- quiz | review | interview
            started TEXT NOT NULL,
            ended TEXT
        )""")
    db.execute("""
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            question_id TEXT NOT NULL,
            session_id INTEGER REFERENCES sessions(id),
            reviewed_at TEXT NOT NULL,       -- UTC, ISO 8601
            day TEXT NOT NULL,               -- local study day (starts at 4 a.m.), YYYY-MM-DD
            score REAL NOT NULL,
            passed INTEGER NOT NULL,
            rating INTEGER NOT NULL,         -- 1 Again, 2 Hard, 3 Good, 4 Easy
            duration_ms INTEGER NOT NULL,
            state_before INTEGER,            -- FSRS state before; NULL for a new card
            card_before TEXT,                -- FSRS card JSON before (NULL for a new card)
            card_after TEXT NOT NULL,        -- FSRS card JSON after
            variant_seed INTEGER             -- the seed of a fresh exercise variant, if any
        )""")
    db.execute("CREATE INDEX reviews_question ON reviews(question_id, reviewed_at)")
    db.execute("CREATE INDEX reviews_day ON reviews(day, passed, duration_ms)")  # covers the per-day stats


@migration
def m002_interviews(db: sqlite3.Connection) -> None:
    db.execute("""
        CREATE TABLE interviews (
            id INTEGER PRIMARY KEY,
            session_id INTEGER REFERENCES sessions(id),
            started TEXT NOT NULL,
            minutes REAL NOT NULL,
            seed INTEGER NOT NULL,
            score REAL NOT NULL,             -- mean score over the questions asked, 0..1
            report TEXT NOT NULL             -- the full report as JSON
        )""")


@migration
def m003_parameters(db: sqlite3.Connection) -> None:
    db.execute("""
        CREATE TABLE parameters (
            id INTEGER PRIMARY KEY,
            fitted_at TEXT NOT NULL,         -- UTC, ISO 8601; the newest row is the one in use
            parameters TEXT NOT NULL,        -- the FSRS-6 weights as a JSON list
            reviews INTEGER NOT NULL,        -- reviews in the log when fitted
            items INTEGER NOT NULL,          -- of which the optimizer could learn from
            log_loss_before REAL NOT NULL,   -- default parameters on the same reviews
            log_loss_after REAL NOT NULL,
            rmse_before REAL NOT NULL,
            rmse_after REAL NOT NULL
        )""")


def migrate(db: sqlite3.Connection) -> int:
    """Bring the schema up to date, one transaction per migration; returns the version."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    for number, fn in MIGRATIONS:
        if number <= version:
            continue
        db.execute("BEGIN IMMEDIATE")  # outside the try: if it fails there is nothing to roll back
        try:
            # re-read inside the lock: another process may have migrated meanwhile
            if db.execute("PRAGMA user_version").fetchone()[0] >= number:
                db.execute("ROLLBACK")
                continue
            fn(db)
            db.execute(f"PRAGMA user_version = {number}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        version = number
    return version


LATEST = len(MIGRATIONS)
