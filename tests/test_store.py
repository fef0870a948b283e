"""The store: migrations, damaged files, locking, stats and forgetting."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

from typer.testing import CliRunner

from drill.cli import app
from drill.store import Store
from drill.store.migrations import LATEST, MIGRATIONS

runner = CliRunner()

EXPECTED_TABLES = {
    "cards": ["question_id", "state", "due", "card", "reps", "lapses", "first_seen", "first_day", "mature_reviews",
              "mature_passed"],
    "sessions": ["id", "kind", "started", "ended"],
    "reviews": ["id", "question_id", "session_id", "reviewed_at", "day", "score", "passed", "rating",
                "duration_ms", "state_before", "card_before", "card_after", "variant_seed"],
    "interviews": ["id", "session_id", "started", "minutes", "seed", "score", "report"],
    "parameters": ["id", "fitted_at", "parameters", "reviews", "items", "log_loss_before", "log_loss_after",
                   "rmse_before", "rmse_after"],
}
EXPECTED_INDEXES = {"cards_due", "cards_first_day", "reviews_question", "reviews_day"}


def schema(db: sqlite3.Connection) -> tuple[dict, set]:
    tables = {
        name: [row[1] for row in db.execute(f"PRAGMA table_info({name})")]
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    indexes = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    return tables, indexes


def test_migrate_from_blank_gives_the_expected_schema(tmp_path):
    with Store(tmp_path / "s.db") as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == LATEST == len(MIGRATIONS)
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert schema(store.db) == (EXPECTED_TABLES, EXPECTED_INDEXES)


def test_upgrade_from_every_earlier_version_keeps_data(tmp_path):
    for version in range(1, LATEST):
        path = tmp_path / f"v{version}.db"
        db = sqlite3.connect(path, isolation_level=None)
        for _, fn in MIGRATIONS[:version]:
            fn(db)
        db.execute(f"PRAGMA user_version = {version}")
        db.execute("INSERT INTO cards(question_id, state, due, card, reps, lapses, first_seen, first_day) "
                   "VALUES ('b/q', 2, '2026-01-01T00:00:00.000000', '{}', 3, 0, 'x', '2025-12-01')")
        db.close()
        with Store(path) as store:
            assert store.db.execute("PRAGMA user_version").fetchone()[0] == LATEST
            assert schema(store.db) == (EXPECTED_TABLES, EXPECTED_INDEXES)
            assert store.card("b/q").reps == 3


def test_upgrade_from_schema_2_keeps_reviews_and_starts_on_default_parameters(tmp_path):
    """A store made before `drill optimize` existed: its reviews stay, the scheduler keeps FSRS's
    defaults until a fit is saved, and then uses the newest fit."""
    from drill.schedule import user_schedule
    from drill.store import FittedParameters
    from fsrs.scheduler import DEFAULT_PARAMETERS

    path = tmp_path / "v2.db"
    db = sqlite3.connect(path, isolation_level=None)
    for _, fn in MIGRATIONS[:2]:
        fn(db)
    db.execute("PRAGMA user_version = 2")
    db.execute("INSERT INTO reviews(question_id, reviewed_at, day, score, passed, rating, duration_ms, card_after) "
               "VALUES ('b/q', '2026-01-01T10:00:00.000000', '2026-01-01', 1, 1, 3, 900, '{}')")
    db.close()
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == LATEST
        assert [(r.question_id, r.rating, r.duration_ms) for r in store.review_log()] == [("b/q", 3, 900)]
        assert store.fitted_parameters() is None
        assert user_schedule(store, 0.9).parameters == tuple(DEFAULT_PARAMETERS)
        mine = tuple(p * 1.01 if i in (0, 1, 2, 3) else p for i, p in enumerate(DEFAULT_PARAMETERS))
        for params in (DEFAULT_PARAMETERS, mine):
            store.save_parameters(FittedParameters(tuple(params), datetime(2026, 2, 1, tzinfo=timezone.utc), 500,
                                                   300, 0.4, 0.3, 0.05, 0.02))
    with Store(path) as store:
        assert store.fitted_parameters().parameters == mine
        assert user_schedule(store, 0.9).parameters == mine


def test_damaged_database_is_reported_and_left_untouched(tmp_path, drill_home):
    drill_home.mkdir(parents=True, exist_ok=True)
    path = drill_home / "drill.sqlite3"
    garbage = b"this is not sqlite at all" * 100
    path.write_bytes(garbage)
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"drill: {path}: not a drill database or damaged")
    assert path.read_bytes() == garbage


def test_newer_schema_is_refused(tmp_path, drill_home):
    drill_home.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(drill_home / "drill.sqlite3")
    db.execute(f"PRAGMA user_version = {LATEST + 5}")
    db.close()
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 2
    assert "made by a newer drill" in result.stderr


def test_stats_json_keys_and_orphans_and_forget(mini_banks, drill_home):
    answers = "b\n---\n3\n---\nsubtract the learning rate times the gradient\n---\n"
    runner.invoke(app, ["quiz", "--bank", "mini", "--json", "--seed", "4"], input=answers)
    with Store() as store:  # a card whose question no longer exists
        store.db.execute("INSERT INTO cards(question_id, state, due, card, reps, lapses, first_seen, first_day) "
                         "VALUES ('gone/q', 2, '2030-01-01T00:00:00.000000', '{}', 1, 0, 'x', 'y')")
    result = runner.invoke(app, ["stats", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {"reviews_total", "reviewed_today", "due_now", "new_available", "retention", "by_topic",
            "forecast"} <= set(data)
    assert data["reviews_total"] == 3 and data["reviewed_today"] == 3
    assert len(data["forecast"]) == 14
    assert data["orphans"] == ["gone/q"]
    assert "gone/q" in runner.invoke(app, ["stats"]).stdout
    unconfirmed = runner.invoke(app, ["forget", "gone/q"])  # no terminal to ask on: nothing dropped
    assert unconfirmed.exit_code == 2 and "add --yes" in unconfirmed.stderr
    assert json.loads(runner.invoke(app, ["stats", "--json"]).stdout)["orphans"] == ["gone/q"]
    forgot = runner.invoke(app, ["forget", "gone/q", "--yes"])
    assert forgot.exit_code == 0
    assert json.loads(runner.invoke(app, ["stats", "--json"]).stdout)["orphans"] == []
    assert runner.invoke(app, ["forget", "gone/q", "--yes"]).exit_code == 2


def test_status_screen_counts(mini_banks, drill_home):
    first = runner.invoke(app, [])
    assert first.exit_code == 0
    assert "Due now" in first.stdout and "drill review" in first.stdout
    runner.invoke(app, ["quiz", "--id", "9.9-Q3", "--json"], input="a\n")
    after = runner.invoke(app, [])
    assert "Reviewed today  1" in after.stdout
    assert "Streak          1 day" in after.stdout


def test_retention_counts_only_reviews_of_mature_cards(tmp_path, mini_banks):
    from drill.bank import bank_files
    from drill.catalog import Filters
    from drill.index import load_catalog_from
    from drill.stats import compute
    from drill.store import ReviewRecord

    now = datetime(2026, 5, 1, 12, tzinfo=timezone.utc)
    with Store(tmp_path / "r.db", clock=lambda: now) as store:
        # (question, FSRS state before the review, passed): state 2 is "review", 1 "learning"
        rows = [("mini/gd-update", 2, True), ("mini/gd-update", 2, False), ("mini/gd-update", 1, False),
                ("mini/pick-relu", 2, True), ("mini/pick-relu", None, False)]
        for i, (qid, state, passed) in enumerate(rows):
            store.record(ReviewRecord(
                question_id=qid, reviewed_at=now - timedelta(minutes=10 - i), score=float(passed), passed=passed,
                rating=3 if passed else 1, duration_ms=1000, card_before=None if state is None else {"state": state},
                card_after={"state": 2}, state_after=2, due_after=now + timedelta(days=1)))
        mini = load_catalog_from(bank_files([mini_banks], builtin=False))
        stats = compute(store, mini, Filters(), new_limit=10)
    assert stats.retention == 2 / 3
    assert stats.by_topic[0] == {"name": "optimisation", "retention": 0.5, "reviews": 2}
    assert stats.by_bank == [{"name": "mini", "retention": 2 / 3, "reviews": 3}]


def test_streak_counts_consecutive_study_days_and_survives_until_today_ends(tmp_path):
    from drill.stats import streak

    with Store(tmp_path / "s.db") as store:
        def review_on(*days):
            store.db.execute("DELETE FROM reviews")
            for d in days:
                store.db.execute("INSERT INTO reviews(question_id, reviewed_at, day, score, passed, rating, duration_ms,"
                                 " card_after) VALUES ('q', 'x', ?, 1, 1, 3, 0, '{}')", (d,))

        review_on("2026-05-10", "2026-05-09", "2026-05-08", "2026-05-06", "2026-05-05")
        assert streak(store, "2026-05-10") == 3
        assert streak(store, "2026-05-11") == 3  # not yet reviewed today: the streak is still alive
        assert streak(store, "2026-05-12") == 0
        review_on("2026-05-10", "2026-05-10")
        assert streak(store, "2026-05-10") == 1
        review_on()
        assert streak(store, "2026-05-10") == 0
