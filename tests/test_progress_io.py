"""Progress that moves: the review log exported as CSV, merged into another store, replayed."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drill.cli import app
from drill.errors import DataFileError
from drill.index import load_catalog
from drill.progress_io import read_log, write_log
from drill.schedule import Schedule
from drill.session import Item, Session, StoreRecorder
from drill.store import Store

runner = CliRunner()
T0 = datetime(2026, 2, 2, 8, tzinfo=timezone.utc)
HEADER = "card_id,reviewed_at,rating,duration_ms\n"


def card_states(store: Store) -> list[tuple]:
    return sorted((c.question_id, c.state, c.due, c.card, c.reps, c.lapses) for c in store.cards())


def dump(store: Store) -> tuple[list, list]:
    return (store.query("SELECT * FROM reviews ORDER BY id"), store.query("SELECT * FROM cards ORDER BY question_id"))


def review(store: Store, question, rating: int, at: datetime) -> None:
    """One review as `drill quiz` records it, at time ``at``."""
    session = Session([Item(question)], StoreRecorder(store, Schedule(), "quiz"), clock=lambda: at)
    session.show()
    session.submit("some answer")
    session.confirm(rating)


def test_two_machines_merged_hold_the_states_of_one_store_that_saw_every_review(mini_banks, tmp_path):
    """Sixty days of reviews of the same three questions, each made on the laptop or the
    desktop at random, and also recorded in a third store that saw them all. After each
    machine imports the other's file, all three hold the same FSRS card states."""
    questions = [q for q in load_catalog().questions if q.bank == "mini"]
    rng = random.Random(5)
    laptop, desktop, both = Store(tmp_path / "laptop.db"), Store(tmp_path / "desktop.db"), Store(tmp_path / "all.db")
    at = T0
    for _ in range(60):
        at += timedelta(hours=rng.choice([0.2, 5, 20, 30, 70]))
        q, rating = rng.choice(questions), rng.choice([1, 2, 3, 3, 3, 4])
        review(rng.choice([laptop, desktop]), q, rating, at)
        review(both, q, rating, at)
    assert card_states(laptop) != card_states(both) != card_states(desktop)
    write_log(laptop.review_log(), tmp_path / "laptop.csv")
    write_log(desktop.review_log(), tmp_path / "desktop.csv")
    replay = Schedule().replay
    merged = laptop.merge_reviews(read_log(tmp_path / "desktop.csv"), replay)
    assert merged.added == desktop.review_count() and merged.already_known == 0
    desktop.merge_reviews(read_log(tmp_path / "laptop.csv"), replay)
    assert laptop.review_count() == desktop.review_count() == both.review_count() == 60
    assert card_states(laptop) == card_states(desktop) == card_states(both)
    assert len(card_states(both)) == 3
    for s in (laptop, desktop, both):
        s.close()


def test_importing_the_same_file_twice_changes_nothing(mini_banks, tmp_path, drill_home):
    q = next(q for q in load_catalog().questions if q.id == "mini/gd-update")
    with Store(tmp_path / "other.db") as other:
        for days, rating in ((0, 3), (1, 3), (4, 1), (4.01, 3), (9, 4)):
            review(other, q, rating, T0 + timedelta(days=days))
        write_log(other.review_log(), tmp_path / "p.csv")
        expected = card_states(other)
    first = runner.invoke(app, ["import", "progress", str(tmp_path / "p.csv")])
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("Imported 5 new reviews (0 already here)")
    with Store() as store:
        assert card_states(store) == expected
        before = dump(store)
    again = runner.invoke(app, ["import", "progress", str(tmp_path / "p.csv"), "--json"])
    assert again.exit_code == 0 and again.stdout.strip() == '{"added": 0, "already_known": 5, "cards": 0}'
    with Store() as store:
        assert dump(store) == before


def test_export_writes_the_documented_csv_and_keeps_an_existing_file(mini_banks, tmp_path, drill_home):
    q = next(q for q in load_catalog().questions if q.id == "mini/pick-relu")
    with Store() as store:
        review(store, q, 3, T0)
        review(store, q, 1, T0 + timedelta(days=2, seconds=0.25))
    out = tmp_path / "progress.csv"
    result = runner.invoke(app, ["export", "progress", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == HEADER + (
        "mini/pick-relu,2026-02-02T08:00:00.000000Z,3,0\n"
        "mini/pick-relu,2026-02-04T08:00:00.250000Z,1,0\n")
    out.write_text("mine\n")
    refused = runner.invoke(app, ["export", "progress", str(out)])
    assert refused.exit_code == 2
    assert refused.stderr == f"drill: {out} already exists; not overwritten (--force replaces it)\n"
    assert out.read_text() == "mine\n"
    assert runner.invoke(app, ["export", "progress", str(out), "--force"]).exit_code == 0
    to_stdout = runner.invoke(app, ["export", "progress", "-"])
    assert to_stdout.exit_code == 0 and to_stdout.stdout == out.read_text(encoding="utf-8")
    assert not (Path.cwd() / "-").exists()
    assert out.read_text(encoding="utf-8").startswith(HEADER)


def test_bad_rows_are_located_and_nothing_is_imported(tmp_path, drill_home):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER +
                   "nlp/ok,2026-01-01T09:00:00Z,3,1200\n"
                   "nlp/ok,2026-01-02T09:00:00Z,5,1200\n"
                   "\n"
                   "nlp/ok,2026-01-03 09:00,3,1200\n"
                   "not an id,2026-01-04T09:00:00+01:00,2,1\n"
                   "nlp/ok,2026-01-05T09:00:00Z,2,-4\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "progress", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{bad}:3: rating must be 1, 2, 3 or 4, got 5",
        f"{bad}:5: reviewed_at '2026-01-03 09:00' has no UTC offset (end it with Z for UTC)",
        f"{bad}:6: card_id 'not an id' is not a question id (bank/slug)",
        f"{bad}:7: duration_ms must be >= 0, got -4",
    ]
    assert not (drill_home / "drill.sqlite3").exists()  # the store is not even opened


def test_a_file_that_is_not_a_progress_log_is_refused_at_its_header(tmp_path):
    deck = tmp_path / "deck.csv"
    deck.write_text("front,back\nwhat is 2+2,4\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "progress", str(deck)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{deck}:1: the header must name the columns card_id,reviewed_at,rating,")
    result = runner.invoke(app, ["import", "progress", str(tmp_path / "missing.csv")])
    assert result.exit_code == 2 and result.stderr == f"drill: {tmp_path / 'missing.csv'}: no such file\n"


def test_times_in_other_offsets_are_the_same_review_in_utc(tmp_path):
    """A review is identified by card, time and rating: 10:00+01:00 is 09:00Z."""
    path = tmp_path / "p.csv"
    path.write_text(HEADER + "b/q,2026-01-01T10:00:00+01:00,3,5\nb/q,2026-01-01T09:00:00Z,3,5\n", encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        result = store.merge_reviews(read_log(path), Schedule().replay)
        assert (result.added, result.already_known, result.cards) == (1, 1, 1)
        assert [r.reviewed_at for r in store.review_log()] == [datetime(2026, 1, 1, 9, tzinfo=timezone.utc)]


def test_a_review_from_the_future_is_a_located_row(tmp_path):
    log = tmp_path / "future.csv"
    log.write_text(HEADER + "nlp/ok,2026-03-01T09:00:00Z,3,1200\n"
                            "nlp/ok,2026-03-02T08:00:00Z,3,1200\n"  # within a day of the clock: accepted
                            "nlp/ok,2030-01-05T09:00:00Z,3,1200\n", encoding="utf-8")
    now = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
    with pytest.raises(DataFileError) as caught:
        read_log(log, now=now)
    assert caught.value.faults == [(str(log), 4, "reviewed_at '2030-01-05T09:00:00Z' is in the future "
                                                 "(this machine's clock says 2026-03-01T12:00:00.000000Z)")]
    assert len(read_log(log, now=datetime(2030, 1, 5, 9, tzinfo=timezone.utc))) == 3
